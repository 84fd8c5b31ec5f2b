/**
 * Issue 17: "exactly once" holds for content, not only for sequence numbers. A
 * workflow emits an update and then fails its workflow task; the worker's sink has
 * already pushed it live, but the log never got it, and the retried task records
 * other content at that sequence. Every client, on every instance, connected before,
 * during or after, must end with exactly the durable log, compared by content.
 */
import type { WorkflowState, WorkflowUpdate } from '@resumable/protocol';
import { queryPatiently } from '@resumable/temporal-dev/vitest';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startHarness, startServer, type Harness, type ServerInstance } from './harness';
import { StreamFollower } from './sse-client';
import { fix, glitchTask, proceed, type GlitchFailure } from './workflows';

let seq = 0;
const taskId = (name: string) => `${name}-${Date.now()}-${++seq}`;

/** A stream follower that keeps every update it was sent, whole. */
function follow(instance: ServerInstance, id: string, token: string) {
  const updates: WorkflowUpdate[] = [];
  const follower = new StreamFollower(`${instance.baseUrl}/temporal/stream/${id}`, token, (update) =>
    updates.push(update),
  );
  return { follower, updates };
}

const labels = (updates: readonly WorkflowUpdate[]) =>
  updates.map((update) => `${update.sequence}:${(update.data as { label: string }).label}`);

describe('content of a task whose workflow task failed after an emit', () => {
  let harness: Harness;
  let first: ServerInstance;
  let second: ServerInstance;

  beforeAll(async () => {
    harness = await startHarness();
    first = await startServer(harness.client, { bus: harness.bus });
    // A second instance on the same bus, as with Redis between many servers.
    second = await startServer(harness.client, { bus: harness.bus });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await harness?.close();
  });

  describe.each<{ failure: GlitchFailure; what: string }>([
    { failure: 'oversized', what: 'an emit over the size limit' },
    { failure: 'throw', what: 'an exception thrown after an emit' },
    { failure: 'determinism', what: 'a determinism violation (WeakRef)' },
  ])('failed by $what', ({ failure }) => {
    it('ends every client, on both instances, before, during and after, with exactly the durable log', async () => {
      const id = taskId(`glitch-${failure}`);
      // Where the scenario stood, printed if the test fails (a timeout names no line).
      const started = Date.now();
      const stages: string[] = [];
      const stage = (name: string) => stages.push(`+${Date.now() - started} ms ${name}`);
      onTestFailed(() => console.log(`[content ${failure}] stages:\n  ${stages.join('\n  ')}`));
      const token = await harness.token([id]);
      const seen: WorkflowUpdate[] = [];
      const stopWatching = await harness.bus.subscribe(`task:${id}`, (message) => {
        if (message.kind === 'update') seen.push(message.update);
      });
      const handle = await harness.client.workflow.start(glitchTask, {
        taskQueue: harness.taskQueue,
        workflowId: id,
        args: [{ failure }],
        // The SDK reports the first failure and lets later attempts time out: keep retries quick.
        workflowTaskTimeout: '2s',
      });

      // Before: one client per instance, live from the start.
      const before = [follow(first, id, token), follow(second, id, token)];
      await expect
        .poll(() => before.map((client) => labels(client.updates)), { timeout: 10_000 })
        .toEqual([['1:first'], ['1:first']]);

      stage('before: both clients live');
      await handle.signal(proceed);
      // The failed attempt's "second" at sequence 2 really went out on the live path…
      await expect.poll(() => labels(seen), { timeout: 10_000 }).toContain('2:second');
      await expect
        .poll(async () => (await handle.describe()).raw.pendingWorkflowTask?.attempt ?? 0, { timeout: 10_000 })
        .toBeGreaterThan(1);

      stage('the task is failing');
      // During: reading the log answers a clear, retryable error; streams open and wait.
      const page = await fetch(`${first.baseUrl}/temporal/recovery/${id}?sinceSequence=0`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(page.status).toBe(503);
      expect(page.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await page.json()) as { error: { code: string } }).error.code).toBe('WORKFLOW_TASK_FAILING');
      const during = [follow(first, id, token), follow(second, id, token)];
      await expect
        .poll(() => during.map((client) => client.follower.record.connected.length), { timeout: 20_000 })
        .toEqual([1, 1]);
      stage('during: both clients connected');
      // …and no client was ever sent it.
      for (const client of [...before, ...during]) expect(labels(client.updates)).not.toContain('2:second');

      await handle.signal(fix);
      await expect(handle.result()).resolves.toBe(4);
      stage('fixed and completed');
      const durable = await queryPatiently<WorkflowState>(handle, 'getWorkflowState');
      expect(labels(durable.updates)).toEqual(['1:first', '2:fix-received', '3:second', '4:third']);

      // After: a fresh client on each instance, one of them from the warm cache.
      const after = [follow(first, id, token), follow(second, id, token)];
      const clients = [...before, ...during, ...after];
      stage('after: clients opened');
      await Promise.all(
        clients.map((client, index) =>
          client.follower.done.then(() => stage(`client ${index} ended (${client.follower.record.opens} connections)`)),
        ),
      );
      for (const client of clients) {
        expect(client.updates).toEqual(durable.updates);
        // The end event, or a 204 on a reconnect after it went to a connection that was cut.
        const { end, nothingLeft } = client.follower.record;
        expect(
          nothingLeft ? { status: 'DONE', lastSequence: client.updates.length, execution: 'COMPLETED' } : end,
        ).toEqual({ status: 'DONE', lastSequence: 4, execution: 'COMPLETED' });
      }
      await stopWatching();
    }, 150_000);
  });
});
