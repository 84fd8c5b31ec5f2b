// @vitest-environment jsdom
/**
 * useTemporalSubscription against the real stack: a Temporal dev server, a worker
 * running test/workflows.ts, and `@resumable/recovery-server` on a real socket.
 * jsdom only renders; requests go through Node's fetch to 127.0.0.1, and every one
 * is recorded by the server's Node handler.
 */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { UpdatesPage } from '@resumable/protocol';
import { StrictMode } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getTaskSubscription } from '../src/index';
import { until, setupRealStack, type RealServer, type TickingTask } from './real-server';
import { range, recordFrames, renderedSequences, sleep, TaskUpdates, type Frame } from './render-helpers';

const stack = setupRealStack();
afterEach(() => {
  cleanup();
  stack.backend.dropLive = undefined;
});

const expectList = (expected: number[], label = 'task') =>
  waitFor(() => expect(renderedSequences(label)).toEqual(expected), { timeout: 10_000 });
const textOf = (testId: string) => screen.getByTestId(testId).textContent ?? '';
/** A refreshToken that mints tokens for one task on the server. */
const tokensFor = (on: RealServer, taskId: string) => () => on.token([taskId]);
/** Requests of any kind about one task. */
const requestsAbout = (on: RealServer, taskId: string) =>
  on.requests.filter((r) => r.path.endsWith(`/${encodeURIComponent(taskId)}`));
/** Closes the hook's connection from the server side, as a restart or a proxy would. */
function cutFromServer(on: RealServer): string {
  const connectionId = textOf('task-connection');
  const connection = on.server.publisher.getConnection(connectionId);
  if (!connection) throw new Error(`no open connection ${connectionId}`);
  connection.close();
  return connectionId;
}

type TaskProps = Partial<Parameters<typeof TaskUpdates>[0]>;

function renderTask(task: TickingTask, props: TaskProps = {}, on = stack.server) {
  return render(
    <TaskUpdates
      apiBaseUrl={on.apiBaseUrl}
      taskId={task.taskId}
      refreshToken={tokensFor(on, task.taskId)}
      {...props}
    />,
  );
}

/**
 * Renders the task, waits for its stream to open, then has the workflow emit `count`
 * updates and waits until the list shows 1..count.
 */
async function renderStreaming(task: TickingTask, count: number, props: TaskProps = {}, on = stack.server) {
  renderTask(task, props, on);
  await until(() => on.openStreams(task.taskId) === 1, 10_000, 'the stream');
  await task.emit(count);
  await expectList(range(count));
}

/** Mints tokens for one task on the shared server that expire after `ttlSeconds`, keeping each one minted. */
function mintingTokens(task: TickingTask, ttlSeconds: number) {
  const minted: string[] = [];
  const mint = async () => {
    const token = await stack.server.token([task.taskId], { ttlSeconds });
    minted.push(token);
    return token;
  };
  return { minted, mint };
}

/** Cuts the hook's connection on the shared server and waits until its `streamRequests`-th stream request is open. */
async function cutAndAwaitReconnect(task: TickingTask, streamRequests: number) {
  cutFromServer(stack.server);
  await until(
    () =>
      stack.server.streamRequests(task.taskId).length === streamRequests && stack.server.openStreams(task.taskId) === 1,
    10_000,
    'the reconnect',
  );
}

/**
 * Runs `body` with a tab whose visibility it controls: `show(false)` hides it and
 * `show(true)` brings it back, each with its `visibilitychange` event.
 */
async function withTab(body: (show: (visible: boolean) => void) => Promise<void>) {
  let visibility: DocumentVisibilityState = 'visible';
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
  try {
    await body((visible) => {
      visibility = visible ? 'visible' : 'hidden';
      act(() => void document.dispatchEvent(new Event('visibilitychange')));
    });
  } finally {
    delete (document as { visibilityState?: DocumentVisibilityState }).visibilityState;
  }
}

describe('useTemporalSubscription against the real recovery server', () => {
  it('renders live updates as the workflow emits them, with the token in the Authorization header', async () => {
    const task = await stack.backend.startTicking('live');
    renderTask(task);
    await waitFor(() => expect(textOf('task-status')).toBe('open'), { timeout: 10_000 });
    expect(stack.server.openStreams(task.taskId)).toBe(1);
    await task.emit(2);
    await expectList([1, 2]);
    await task.emit(3);
    await expectList(range(5));
    // latestData and lastTimestamp are the newest update's, as the durable log has it.
    const token = await stack.server.token([task.taskId]);
    const log = (await (
      await fetch(`${stack.server.apiBaseUrl}/temporal/recovery/${task.taskId}`, {
        headers: { Authorization: `Bearer ${token}` },
      })
    ).json()) as UpdatesPage;
    expect(log.updates.map((update) => update.sequence)).toEqual(range(5));
    expect(textOf('task-latest')).toBe(JSON.stringify(log.updates[4]!.data));
    expect(textOf('task-timestamp')).toBe(String(log.updates[4]!.timestamp));
    const [request] = stack.server.streamRequests(task.taskId);
    expect(stack.server.streamRequests(task.taskId)).toHaveLength(1);
    expect(request?.authorization).toMatch(/^Bearer v1\./);
    expect(request?.lastEventId).toBeUndefined();
  });

  it('reconnects each time the server cuts the connection and shows exactly 1..N', async () => {
    const task = await stack.backend.startTicking('cut');
    renderTask(task);
    await until(() => stack.server.openStreams(task.taskId) === 1, 10_000, 'the stream');
    let n = 0;
    const resumes: (string | undefined)[] = [undefined];
    for (let round = 0; round < 3; round++) {
      await task.emit(3);
      n += 3;
      await expectList(range(n));
      const cut = cutFromServer(stack.server);
      resumes.push(String(n));
      // Emitted while the client is away or coming back: it arrives through the resume point.
      await task.emit(2);
      n += 2;
      await waitFor(() => expect(['', cut]).not.toContain(textOf('task-connection')), { timeout: 10_000 });
    }
    await task.emit(1);
    n += 1;
    await expectList(range(n));
    const streams = stack.server.streamRequests(task.taskId);
    expect(streams.map((r) => r.lastEventId)).toEqual(resumes);
    expect(streams.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(stack.server.server.publisher.findChannel(`task:${task.taskId}`)?.size).toBe(1);
  });

  it('stops for good after `end` and makes no more requests', async () => {
    const task = await stack.backend.startTicking('end');
    await renderStreaming(task, 3);
    // While it runs, the status comes from the stream (its `connected` event).
    expect(textOf('task-workflow')).toBe('IN_PROGRESS');
    await task.finish();
    await waitFor(() => expect(textOf('task-status')).toBe('ended'), { timeout: 10_000 });
    expect(renderedSequences()).toEqual([1, 2, 3]);
    expect(
      getTaskSubscription({ apiBaseUrl: stack.server.apiBaseUrl, taskId: task.taskId }).getState().workflowStatus,
    ).toBe('DONE');
    const count = requestsAbout(stack.server, task.taskId).length;
    expect(stack.server.openStreams(task.taskId)).toBe(0);
    await sleep(600); // many backoff periods (10–40 ms)
    expect(requestsAbout(stack.server, task.taskId)).toHaveLength(count);
    expect(count).toBe(1);
  });

  it('connects when enabled flips from false to true, and disconnects when it flips back', async () => {
    const task = await stack.backend.startTicking('enabled');
    await task.emit(2);
    await until(async () => (await task.logLength()) === 2, 10_000, 'the log');
    const props = {
      apiBaseUrl: stack.server.apiBaseUrl,
      taskId: task.taskId,
      refreshToken: tokensFor(stack.server, task.taskId),
    };
    const { rerender } = render(<TaskUpdates {...props} enabled={false} />);
    await sleep(100);
    expect(requestsAbout(stack.server, task.taskId)).toHaveLength(0);
    expect(textOf('task-status')).toBe('idle');
    rerender(<TaskUpdates {...props} enabled />);
    await expectList([1, 2]);
    expect(stack.server.streamRequests(task.taskId)).toHaveLength(1);
    rerender(<TaskUpdates {...props} enabled={false} />);
    await until(() => stack.server.openStreams(task.taskId) === 0, 5_000, 'the stream to close');
    expect(textOf('task-status')).toBe('idle');
  });

  it('opens one connection under StrictMode with two components on the same task', async () => {
    const task = await stack.backend.startTicking('strict');
    await task.emit(3);
    const props = {
      apiBaseUrl: stack.server.apiBaseUrl,
      taskId: task.taskId,
      refreshToken: tokensFor(stack.server, task.taskId),
    };
    render(
      <StrictMode>
        <TaskUpdates {...props} label="a" />
        <TaskUpdates {...props} label="b" />
      </StrictMode>,
    );
    await expectList([1, 2, 3], 'a');
    await expectList([1, 2, 3], 'b');
    await task.emit(2);
    await expectList(range(5), 'a');
    await expectList(range(5), 'b');
    await sleep(100);
    expect(stack.server.streamRequests(task.taskId)).toHaveLength(1);
    // The server's own count: one connection on the task's channel.
    expect(stack.server.server.publisher.findChannel(`task:${task.taskId}`)?.size).toBe(1);
  });

  it('closes the shared connection when the last component unmounts', async () => {
    const task = await stack.backend.startTicking('unmount');
    const { unmount } = renderTask(task);
    await until(() => stack.server.openStreams(task.taskId) === 1, 10_000, 'the stream');
    unmount();
    await until(() => stack.server.openStreams(task.taskId) === 0, 5_000, 'the stream to close');
    await sleep(100);
    expect(stack.server.streamRequests(task.taskId)).toHaveLength(1);
    expect(stack.server.server.publisher.findChannel(`task:${task.taskId}`)?.size ?? 0).toBe(0);
  });

  it('refreshes a token before it expires, so a reconnect never carries a nearly expired one', async () => {
    const task = await stack.backend.startTicking('refresh');
    // `exp` is in whole seconds: valid 11–12 s, so within 2.1 s it is inside the client's 10 s margin.
    const { minted, mint } = mintingTokens(task, 12);
    await renderStreaming(task, 2, { refreshToken: mint });
    await sleep(2_100);
    await cutAndAwaitReconnect(task, 2);
    await task.emit(2);
    await expectList(range(4));
    expect(minted).toHaveLength(2);
    expect(stack.server.streamRequests(task.taskId).map((r) => [r.authorization, r.status])).toEqual([
      [`Bearer ${minted[0]}`, 200],
      [`Bearer ${minted[1]}`, 200],
    ]);
  });

  it('on 401 TOKEN_EXPIRED refreshes the token and the stream continues', async () => {
    const task = await stack.backend.startTicking('expired');
    // The app claims an hour, but the server minted 2 s: only the server's 401 tells the truth.
    const { minted, mint } = mintingTokens(task, 2);
    await renderStreaming(task, 2, {
      refreshToken: async () => ({ token: await mint(), expiresAt: Date.now() + 3_600_000 }),
    });
    await sleep(2_100);
    await cutAndAwaitReconnect(task, 3);
    await task.emit(2);
    await expectList(range(4));
    expect(textOf('task-error')).toBe('');
    expect(stack.server.streamRequests(task.taskId).map((r) => [r.authorization, r.status])).toEqual([
      [`Bearer ${minted[0]}`, 200],
      [`Bearer ${minted[0]}`, 401],
      [`Bearer ${minted[1]}`, 200],
    ]);
    const refused = await fetch(`${stack.server.apiBaseUrl}/temporal/stream/${task.taskId}`, {
      headers: { Authorization: `Bearer ${minted[0]}` },
    });
    expect(refused.status).toBe(401);
    expect((await refused.json()).error.code).toBe('TOKEN_EXPIRED');
  });

  it('gives up on 403 (a token for another task) with a FORBIDDEN error instead of retrying', async () => {
    const task = await stack.backend.startTicking('forbidden');
    renderTask(task, { refreshToken: () => stack.server.token(['some-other-task']) });
    await waitFor(() => expect(textOf('task-status')).toBe('error'), { timeout: 10_000 });
    expect(textOf('task-error')).toBe('FORBIDDEN');
    await sleep(200);
    expect(stack.server.streamRequests(task.taskId).map((r) => r.status)).toEqual([403]);
  });

  it('never lets `navigator.onLine` block: connects while it says offline, keeps a working stream on `offline`, shows `offline` while retrying, ends on `end`', async () => {
    let online = false;
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => online });
    try {
      const task = await stack.backend.startTicking('offline');
      // The browser says offline from the start (as Chromium does on a loopback-only machine).
      await renderStreaming(task, 2);
      act(() => void window.dispatchEvent(new Event('offline')));
      await task.emit(1);
      await expectList(range(3));
      expect(textOf('task-status')).toBe('open');
      // A cut while "offline": the retry is named so, and it still reconnects.
      const statuses = new Set<string>();
      const observer = new MutationObserver(() => statuses.add(textOf('task-status')));
      observer.observe(document.body, { subtree: true, characterData: true, childList: true });
      await cutAndAwaitReconnect(task, 2);
      await task.emit(1);
      await expectList(range(4));
      observer.disconnect();
      expect(statuses).toContain('offline');
      expect(statuses).not.toContain('reconnecting');
      await task.finish();
      await task.handle.result();
      online = true;
      act(() => void window.dispatchEvent(new Event('online')));
      await waitFor(() => expect(textOf('task-status')).toBe('ended'), { timeout: 10_000 });
      expect(stack.server.streamRequests(task.taskId).map((r) => r.lastEventId)).toEqual([undefined, '3']);
      expect(renderedSequences()).toEqual(range(4));
    } finally {
      delete (navigator as { onLine?: boolean }).onLine;
    }
  });

  it('a reconnect to a closed, fully delivered task answers 204 and it stops', async () => {
    await withTab(async (show) => {
      const task = await stack.backend.startTicking('closed-204');
      await renderStreaming(task, 2, { pauseWhenHidden: true });
      // Away while the task ends: the stream closed, so no `end` reaches the client.
      show(false);
      await until(() => stack.server.openStreams(task.taskId) === 0, 5_000, 'the stream to close');
      await task.finish();
      await task.handle.result();
      // Longer than the server trusts a cached "running" (250 ms): it must see the close.
      await sleep(400);
      show(true);
      await waitFor(() => expect(textOf('task-status')).toBe('ended'), { timeout: 10_000 });
      expect(stack.server.streamRequests(task.taskId).map((r) => [r.lastEventId, r.status])).toEqual([
        [undefined, 200],
        ['2', 204],
      ]);
      await sleep(300);
      expect(stack.server.streamRequests(task.taskId)).toHaveLength(2);
      expect(renderedSequences()).toEqual([1, 2]);
    });
  });

  it('with pauseWhenHidden, closes while the tab is hidden and resumes when visible', async () => {
    await withTab(async (show) => {
      const task = await stack.backend.startTicking('hidden');
      await renderStreaming(task, 1, { pauseWhenHidden: true });
      show(false);
      await until(() => stack.server.openStreams(task.taskId) === 0, 5_000, 'the stream to close');
      await task.emit(1);
      await sleep(100);
      expect(stack.server.streamRequests(task.taskId)).toHaveLength(1);
      show(true);
      await expectList([1, 2]);
      expect(stack.server.streamRequests(task.taskId).map((r) => r.lastEventId)).toEqual([undefined, '1']);
    });
  });

  it('retries with backoff while the server is unreachable, then connects when it is back', async () => {
    const own = await stack.backend.startServer();
    try {
      const task = await stack.backend.startTicking('down');
      await own.stopListening();
      renderTask(task, { backoff: { initialDelayMs: 20, maxDelayMs: 80 } }, own);
      await waitFor(() => expect(textOf('task-error')).toBe('NETWORK_ERROR'), { timeout: 5_000 });
      expect(textOf('task-status')).toBe('reconnecting');
      await task.emit(2);
      await own.listenAgain();
      await expectList([1, 2]);
      expect(textOf('task-error')).toBe('');
      expect(own.streamRequests(task.taskId).map((r) => r.status)).toEqual([200]);
    } finally {
      await own.close();
    }
  });
});

describe('useTemporalSubscription when the live path loses updates (real server, its tail check slowed down)', () => {
  let lossy: RealServer;
  beforeAll(async () => {
    // The server would repair a lost tail itself after `tailCheckMs`; a minute keeps
    // it from doing so during the test, so only the client can fill the gap.
    lossy = await stack.backend.startServer({ stream: { tailCheckMs: 60_000, maxTailCheckMs: 60_000, idleMs: 2_000 } });
  });
  afterAll(() => lossy?.close());

  async function loseLive(task: TickingTask, count: number, expectedLog: number) {
    stack.backend.dropLive = (message) => message.kind === 'update' && message.taskId === task.taskId;
    await task.emit(count);
    await until(async () => (await task.logLength()) === expectedLog, 10_000, 'the log');
    stack.backend.dropLive = undefined;
  }

  it('recoverMissedUpdates() fills a gap from the durable log', async () => {
    const task = await stack.backend.startTicking('gap');
    await renderStreaming(task, 3, {}, lossy);
    await loseLive(task, 4, 7);
    await sleep(200);
    expect(renderedSequences()).toEqual([1, 2, 3]);
    fireEvent.click(screen.getByText('recover task'));
    await expectList(range(7));
    const recovery = lossy.requests.filter((r) => r.path === `/api/temporal/recovery/${task.taskId}`);
    expect(recovery.map((r) => r.query.get('sinceSequence'))).toEqual(['3']);
    expect(recovery[0]?.authorization).toMatch(/^Bearer v1\./);
    // Live again: 8 arrives, and the server's own late repair of 4..7 is deduplicated.
    await task.emit(1);
    await expectList(range(8));
    expect(lossy.streamRequests(task.taskId)).toHaveLength(1);
  });

  it('applies recovered updates incrementally, with observable progress', async () => {
    const task = await stack.backend.startTicking('paced');
    await renderStreaming(task, 1, { recoveryIntervalMs: 15, recoveryMaxMs: 10_000 }, lossy);
    await loseLive(task, 6, 7);
    const subscription = getTaskSubscription({ apiBaseUrl: lossy.apiBaseUrl, taskId: task.taskId });
    const lengths: number[] = [];
    const progress: string[] = [];
    const stop = subscription.subscribe(() => {
      const state = subscription.getState();
      lengths.push(state.updates.length);
      if (state.recoveryProgress) progress.push(`${state.recoveryProgress.recovered}/${state.recoveryProgress.total}`);
    });
    const recording = recordFrames();
    let recovered = 0;
    await act(async () => {
      recovered = await subscription.recoverMissedUpdates();
    });
    stop();
    recording.stop();
    expect(recovered).toBe(6);
    expect(renderedSequences()).toEqual(range(7));
    // One update per step, never a bulk dump: each step was on screen with its progress.
    expect([...new Set(lengths)]).toEqual(range(7));
    for (let length = 2; length <= 7; length++) {
      expect(recording.frames).toContainEqual({
        sequences: range(length),
        recovering: true,
        progress: `${length - 1}/6`,
      });
    }
    expect(progress).toEqual(expect.arrayContaining(['0/6', '1/6', '3/6', '6/6']));
    expect(subscription.getState().isRecovering).toBe(false);
  });
});

describe("useTemporalSubscription: a reconnect's catch-up looks like a recovery (real server)", () => {
  let own: RealServer;
  beforeAll(async () => {
    // Its own server: stopping it to cut connections must not disturb other tests.
    own = await stack.backend.startServer();
  });
  afterAll(() => own?.close());

  /** Every list the user saw was 1..k, never shorter than the one before. */
  function expectNoDuplicateOrGap(frames: Frame[]) {
    expect(frames.length).toBeGreaterThan(0);
    for (const [index, frame] of frames.entries()) {
      expect(frame.sequences).toEqual(range(frame.sequences.length));
      expect(frame.sequences.length).toBeGreaterThanOrEqual(frames[index - 1]?.sequences.length ?? 0);
    }
  }

  it('after the server cuts the connection while the workflow keeps emitting, shows isRecovering with progress, paced, then live updates after it, exactly 1..N', async () => {
    const task = await stack.backend.startTicking('catch-up');
    await renderStreaming(task, 3, { recoveryIntervalMs: 60, recoveryMaxMs: 60_000 }, own);
    const subscription = getTaskSubscription({ apiBaseUrl: own.apiBaseUrl, taskId: task.taskId });
    const progress: string[] = [];
    const stopProgress = subscription.subscribe(() => {
      const state = subscription.getState();
      if (state.recoveryProgress) progress.push(`${state.recoveryProgress.recovered}/${state.recoveryProgress.total}`);
    });
    const recording = recordFrames();

    // The server goes away (every connection cut); the workflow emits 20 meanwhile.
    await own.stopListening();
    await task.emit(20);
    await until(async () => (await task.logLength()) === 23, 10_000, 'the log');
    expect(renderedSequences()).toEqual([1, 2, 3]);
    await own.listenAgain();
    // The reconnect resumes after 3: the server says its catch-up runs to 23.
    await waitFor(() => expect(textOf('task-recovering')).toBe('true'), { timeout: 10_000 });
    // Live updates while the catch-up is applied (20 steps of 60 ms) queue behind it.
    await task.emit(5);
    await until(async () => (await task.logLength()) === 28, 10_000, 'the log');
    expect(textOf('task-recovering')).toBe('true');
    await expectList(range(28));
    await waitFor(() => expect(textOf('task-recovering')).toBe('false'));
    recording.stop();
    stopProgress();

    const { frames } = recording;
    expectNoDuplicateOrGap(frames);
    // Incremental: every step of the catch-up was on screen, each with its progress.
    const shownWhileRecovering = frames.filter((frame) => frame.recovering);
    for (let length = 4; length < 23; length++) {
      expect(shownWhileRecovering).toContainEqual({
        sequences: range(length),
        recovering: true,
        progress: `${length - 3}/20`,
      });
    }
    expect(shownWhileRecovering.every((frame) => frame.progress.endsWith('/20') && frame.sequences.length <= 23)).toBe(
      true,
    );
    expect(progress).toEqual(expect.arrayContaining(['0/20', '1/20', '10/20', '19/20']));
    expect(frames.at(-1)).toEqual({ sequences: range(28), recovering: false, progress: '' });
    expect(subscription.getState().recoveryProgress).toBeNull();
    // The server's catch-up on the stream, not a recovery request.
    expect(own.streamRequests(task.taskId).map((r) => [r.lastEventId, r.status])).toEqual([
      [undefined, 200],
      ['3', 200],
    ]);
    expect(requestsAbout(own, task.taskId).filter((r) => r.path.includes('/recovery/'))).toHaveLength(0);
  });

  it('a catch-up cut short ends with what arrived; the next reconnect catches up the rest, exactly once', async () => {
    const task = await stack.backend.startTicking('catch-up-twice');
    await renderStreaming(task, 2, { recoveryIntervalMs: 40, recoveryMaxMs: 60_000 }, own);
    const recording = recordFrames();
    await own.stopListening();
    await task.emit(15);
    await until(async () => (await task.logLength()) === 17, 10_000, 'the log');
    await own.listenAgain();
    await waitFor(() => expect(textOf('task-recovering')).toBe('true'), { timeout: 10_000 });
    // Cut again in the middle of applying the catch-up (15 steps of 40 ms).
    await sleep(150);
    await own.stopListening();
    await task.emit(3);
    await until(async () => (await task.logLength()) === 20, 10_000, 'the log');
    await own.listenAgain();
    await expectList(range(20));
    await waitFor(() => expect(textOf('task-recovering')).toBe('false'));
    recording.stop();
    expectNoDuplicateOrGap(recording.frames);
    expect(recording.frames.some((frame) => frame.recovering)).toBe(true);
    expect(recording.frames.at(-1)).toEqual({ sequences: range(20), recovering: false, progress: '' });
    const resumes = own.streamRequests(task.taskId).map((r) => r.lastEventId);
    expect(resumes).toHaveLength(3);
    expect(resumes.slice(0, 2)).toEqual([undefined, '2']);
  });

  it('on a first connection, applies the history as it arrives: no pacing, no recovery indicator', async () => {
    const task = await stack.backend.startTicking('first-load');
    await task.emit(30);
    await until(async () => (await task.logLength()) === 30, 10_000, 'the log');
    const recording = recordFrames();
    renderTask(task, { recoveryIntervalMs: 60, recoveryMaxMs: 60_000 }, own);
    await expectList(range(30));
    await task.emit(2);
    await expectList(range(32));
    recording.stop();
    expectNoDuplicateOrGap(recording.frames);
    expect(recording.frames.filter((frame) => frame.recovering)).toEqual([]);
    expect(own.streamRequests(task.taskId).map((r) => r.lastEventId)).toEqual([undefined]);
  });
});
