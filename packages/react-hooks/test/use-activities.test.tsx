// @vitest-environment jsdom
/**
 * `useActivities` against the real stack: an activity run with `log.proxyActivities()`
 * reports progress, fails its first attempt and is retried. The component shows each
 * attempt's bar, the retry with its error, the second attempt's bar starting over, and
 * the end; a component that connects mid-retry shows where the running attempt stands
 * (the server instance it reaches holds the newest report of each running attempt it
 * heard; an instance that was not following the task shows the next report).
 */
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { activitiesOf, getTaskSubscription, useActivities, useTemporalSubscription } from '../src/index';
import * as activities from './activities';
import { setupRealStack, type RealServer } from './real-server';
import { importTask } from './workflows';

const stack = setupRealStack();
afterEach(cleanup);

/** One line per activity: `attempt:status:progress step:error`. */
function Activities(props: { taskId: string; on: RealServer; label: string; types?: string[] }) {
  const { taskId, on, label, types } = props;
  const task = useTemporalSubscription({
    apiBaseUrl: on.apiBaseUrl,
    taskId,
    refreshToken: () => on.token([taskId]),
    recoveryIntervalMs: 0,
    ...(types && { types }),
  });
  const list = useActivities(task);
  return (
    <ul data-testid={label}>
      {list.map((a) => (
        <li key={a.activityId} data-id={a.activityId}>
          {`${a.attempt}:${a.status}:${(a.progress?.data as { step?: number } | undefined)?.step ?? 0}:${a.error ?? ''}`}
        </li>
      ))}
    </ul>
  );
}

const lines = (label: string) => [...screen.getByTestId(label).querySelectorAll('li')].map((li) => li.textContent);

describe('useActivities', () => {
  it('shows attempts, the retry and its error, a bar that starts over, and the end', async () => {
    const on = stack.server;
    const taskId = `rh-import-${Date.now()}`;
    const handle = await stack.backend.client.workflow.start(importTask, {
      taskQueue: stack.backend.worker.taskQueue,
      workflowId: taskId,
      args: [{ key: taskId }],
    });
    render(<Activities taskId={taskId} on={on} label="live" />);
    // Every state the subscription goes through, as the component would render it.
    const subscription = getTaskSubscription({ apiBaseUrl: on.apiBaseUrl, taskId });
    const seen: string[] = [];
    const stop = subscription.subscribe(() => {
      const state = subscription.getState();
      for (const a of activitiesOf(state.updates, state.progress)) {
        const line = `${a.attempt}:${a.status}:${(a.progress?.data as { step?: number } | undefined)?.step ?? 0}`;
        if (seen.at(-1) !== line) seen.push(line);
      }
    });
    await waitFor(() => expect(lines('live')).toEqual(['1:running:0:']), { timeout: 10_000 });
    activities.gates.open(taskId);
    // Attempt 2 holds after its 2nd report.
    await waitFor(() => expect(lines('live')).toEqual(['2:running:2:']), { timeout: 15_000 });

    // A component arriving now, on a connection of its own (it asks for the activity
    // updates only): the durable facts, then where attempt 2 stands, at once.
    const types = ['activity.started', 'activity.retrying', 'activity.completed', 'activity.failed'];
    try {
      render(<Activities taskId={taskId} on={on} label="late" types={types} />);
      await waitFor(() => expect(lines('late')).toEqual(['2:running:2:']), { timeout: 10_000 });
      expect(on.openStreams(taskId)).toBe(2);
    } finally {
      activities.gates.open(taskId);
      await handle.result();
    }
    await waitFor(() => expect(lines('live')).toEqual(['2:completed:0:']), { timeout: 10_000 });
    stop();
    // The bar of attempt 1 reached step 3, the retry was shown, and attempt 2's bar started over.
    const retried = seen.indexOf('1:retrying:0');
    expect(retried).toBeGreaterThan(seen.indexOf('1:running:3'));
    expect(seen.indexOf('1:running:3')).toBeGreaterThanOrEqual(0);
    const restarted = seen.findIndex((line, index) => index > retried && /^2:running:[12]$/.test(line));
    expect(restarted).toBeGreaterThan(retried);
    expect(seen.at(-1)).toBe('2:completed:0');
    const state = subscription.getState();
    const [activity] = activitiesOf(state.updates, state.progress);
    expect(activity).toMatchObject({ activityType: 'importFile', attempt: 2, maxAttempts: 3, status: 'completed' });
  });
});
