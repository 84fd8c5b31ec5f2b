// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getTaskSubscription, type WorkflowUpdate } from '../src/index';
import { startContractServer, type ContractServer } from './contract-server';
import { range, renderedSequences, sleep, TaskUpdates } from './render-helpers';

let server: ContractServer;
beforeEach(async () => {
  server = await startContractServer();
});
afterEach(async () => {
  cleanup();
  await server.close();
});

const expectList = (expected: number[], label = 'task') => waitFor(() => expect(renderedSequences(label)).toEqual(expected));

describe('useTemporalSubscription against a server speaking the wire contract', () => {
  it('renders live updates as they arrive, with the token in the Authorization header', async () => {
    server.emit('task', 2);
    render(<TaskUpdates apiBaseUrl={server.apiBaseUrl} />);
    await expectList([1, 2]);
    expect(screen.getByTestId('task-status').textContent).toBe('open');
    server.emit('task', 3);
    await expectList(range(5));
    expect(server.streamRequests('task').map((r) => r.authorization)).toEqual(['Bearer token']);
  });

  it('reconnects after the server cuts the connection and shows exactly 1..N', async () => {
    render(<TaskUpdates apiBaseUrl={server.apiBaseUrl} />);
    await server.until(() => server.openStreams('task') === 1);
    server.emit('task', 4);
    await expectList(range(4));
    for (let round = 0; round < 3; round++) {
      await expectList(range(4 + round * 5));
      server.cut('task');
      // Emitted while the client is away: it must come back through the resume point.
      server.emit('task', 3, { live: false });
      await server.until(() => server.streamConnections('task') === round + 2 && server.openStreams('task') === 1);
      server.emit('task', 2);
    }
    await expectList(range(19));
    const resumes = server.streamRequests('task').map((r) => r.lastEventId);
    expect(resumes).toEqual([undefined, '4', '9', '14']);
  });

  it('recoverMissedUpdates() fills a gap from the recovery endpoint', async () => {
    server.emit('task', 3);
    render(<TaskUpdates apiBaseUrl={server.apiBaseUrl} />);
    await expectList([1, 2, 3]);
    // Lost on the live path (a dropped bus message): only the durable log has them.
    server.emit('task', 4, { live: false });
    await sleep(30);
    expect(renderedSequences()).toEqual([1, 2, 3]);
    fireEvent.click(screen.getByText('recover task'));
    await expectList(range(7));
    const recovery = server.requests.filter((r) => r.path === '/api/temporal/recovery/task');
    expect(recovery.map((r) => r.query.get('sinceSequence'))).toEqual(['3']);
    expect(recovery[0]?.authorization).toBe('Bearer token');
  });

  it('on a gap in the live stream, fetches the missing range (page by page) before applying anything later', async () => {
    const seen: number[] = [];
    render(
      <TaskUpdates
        apiBaseUrl={server.apiBaseUrl}
        recoveryPageSize={2}
        onUpdate={(update: WorkflowUpdate) => seen.push(update.sequence)}
      />,
    );
    await server.until(() => server.openStreams('task') === 1);
    server.emit('task', 2);
    server.emit('task', 5, { live: false });
    server.emit('task', 3); // 8, 9, 10 arrive live after a hole of 3..7
    server.emit('task', 1, { live: false }); // 11 only in the log: recovery reaches it too
    await expectList(range(11));
    expect(seen).toEqual(range(11));
    const pages = server.requests.filter((r) => r.path === '/api/temporal/recovery/task');
    expect(pages.map((r) => r.query.get('sinceSequence'))).toEqual(['2', '4', '6', '8', '10']);
    expect(pages.every((r) => r.query.get('limit') === '2')).toBe(true);
  });

  it('applies recovered updates incrementally, with observable progress', async () => {
    server.emit('task', 1);
    const task = { apiBaseUrl: server.apiBaseUrl, taskId: 'task' };
    render(<TaskUpdates apiBaseUrl={server.apiBaseUrl} recoveryIntervalMs={15} recoveryMaxMs={10_000} />);
    await expectList([1]);
    server.emit('task', 6, { live: false });
    const subscription = getTaskSubscription(task);
    const lengths: number[] = [];
    const progress: string[] = [];
    const stop = subscription.subscribe(() => {
      const state = subscription.getState();
      lengths.push(state.updates.length);
      if (state.recoveryProgress) progress.push(`${state.recoveryProgress.recovered}/${state.recoveryProgress.total}`);
    });
    let recovered = 0;
    await act(async () => {
      recovered = await subscription.recoverMissedUpdates();
    });
    stop();
    expect(recovered).toBe(6);
    expect(renderedSequences()).toEqual(range(7));
    // One update per step, never a bulk dump.
    expect([...new Set(lengths)]).toEqual(range(7));
    expect(progress).toEqual(expect.arrayContaining(['0/6', '1/6', '3/6', '6/6']));
    expect(subscription.getState().isRecovering).toBe(false);
  });

  it('refreshes a token before it expires, and after a 401 never sends the stale one again', async () => {
    await server.close();
    const expiry = new Map<string, number>();
    server = await startContractServer({
      authorize: (token) => (!token ? 'UNAUTHORIZED' : (expiry.get(token) ?? 0) > Date.now() ? 'ok' : 'TOKEN_EXPIRED'),
    });
    let minted = 0;
    // The first token is valid 10.4 s: just past the client's 10 s refresh margin.
    const refreshToken = () => {
      const token = `t${++minted}`;
      const expiresAt = Date.now() + (minted === 1 ? 10_400 : 60_000);
      expiry.set(token, expiresAt);
      return { token, expiresAt };
    };
    render(<TaskUpdates apiBaseUrl={server.apiBaseUrl} refreshToken={refreshToken} />);
    await server.until(() => server.openStreams('task') === 1);
    server.emit('task', 2);
    await expectList([1, 2]);

    // Past the margin: the next request must carry a fresh token, not a near-expired one.
    await sleep(450);
    server.cut('task');
    await server.until(() => server.openStreams('task') === 1);
    server.emit('task', 2);
    await expectList(range(4));

    // The server revokes t2 early: the client learns it from a 401 and refreshes.
    expiry.set('t2', 0);
    server.cut('task');
    await server.until(() => server.openStreams('task') === 1);
    server.emit('task', 1);
    await expectList(range(5));

    const auth = server.streamRequests('task').map((r) => [r.authorization, r.status]);
    expect(auth).toEqual([
      ['Bearer t1', 200],
      ['Bearer t2', 200],
      ['Bearer t2', 401],
      ['Bearer t3', 200],
    ]);
  });

  it('connects when enabled flips from false to true', async () => {
    server.emit('task', 2);
    const { rerender } = render(<TaskUpdates apiBaseUrl={server.apiBaseUrl} enabled={false} />);
    await sleep(50);
    expect(server.requests).toHaveLength(0);
    expect(screen.getByTestId('task-status').textContent).toBe('idle');
    rerender(<TaskUpdates apiBaseUrl={server.apiBaseUrl} enabled />);
    await expectList([1, 2]);
    expect(server.streamConnections('task')).toBe(1);
    rerender(<TaskUpdates apiBaseUrl={server.apiBaseUrl} enabled={false} />);
    await server.until(() => server.openStreams('task') === 0);
  });

  it('opens one connection under StrictMode with two components on the same task', async () => {
    server.emit('task', 3);
    render(
      <StrictMode>
        <TaskUpdates apiBaseUrl={server.apiBaseUrl} label="a" />
        <TaskUpdates apiBaseUrl={server.apiBaseUrl} label="b" />
      </StrictMode>,
    );
    await expectList([1, 2, 3], 'a');
    await expectList([1, 2, 3], 'b');
    server.emit('task', 2);
    await expectList(range(5), 'b');
    await sleep(50);
    expect(server.streamRequests('task')).toHaveLength(1);
    expect(server.streamConnections('task')).toBe(1);
  });

  it('closes the shared connection when the last component unmounts', async () => {
    const { unmount } = render(<TaskUpdates apiBaseUrl={server.apiBaseUrl} />);
    await server.until(() => server.openStreams('task') === 1);
    unmount();
    await server.until(() => server.openStreams('task') === 0);
    await sleep(60);
    expect(server.streamRequests('task')).toHaveLength(1);
  });

  it('stops for good after `end` and makes no more requests', async () => {
    render(<TaskUpdates apiBaseUrl={server.apiBaseUrl} />);
    await server.until(() => server.openStreams('task') === 1);
    server.emit('task', 3);
    server.complete('task', 'DONE');
    await waitFor(() => expect(screen.getByTestId('task-status').textContent).toBe('ended'));
    expect(renderedSequences()).toEqual([1, 2, 3]);
    const count = server.requests.length;
    await sleep(300); // many backoff periods
    expect(server.requests).toHaveLength(count);
    expect(getTaskSubscription({ apiBaseUrl: server.apiBaseUrl, taskId: 'task' }).getState().workflowStatus).toBe('DONE');
  });

  it('stops for good on 204 when it reconnects at the end of a closed workflow', async () => {
    render(<TaskUpdates apiBaseUrl={server.apiBaseUrl} />);
    await server.until(() => server.openStreams('task') === 1);
    server.emit('task', 2);
    await expectList([1, 2]);
    server.cut('task');
    server.complete('task');
    await waitFor(() => expect(screen.getByTestId('task-status').textContent).toBe('ended'));
    const statuses = server.streamRequests('task').map((r) => r.status);
    expect(statuses).toEqual([200, 204]);
    await sleep(200);
    expect(server.streamRequests('task')).toHaveLength(2);
  });

  it('gives up on 403 with a FORBIDDEN error instead of retrying', async () => {
    await server.close();
    server = await startContractServer({ authorize: () => 'FORBIDDEN' });
    render(<TaskUpdates apiBaseUrl={server.apiBaseUrl} />);
    await waitFor(() => expect(screen.getByTestId('task-status').textContent).toBe('error'));
    expect(screen.getByTestId('task-error').textContent).toBe('FORBIDDEN');
    await sleep(150);
    expect(server.streamRequests('task')).toHaveLength(1);
  });

  it('retries with backoff while the server is unreachable, then resumes', async () => {
    const { apiBaseUrl } = server;
    const port = new URL(apiBaseUrl).port;
    await server.close();
    render(<TaskUpdates apiBaseUrl={apiBaseUrl} backoff={{ initialDelayMs: 20, maxDelayMs: 80 }} />);
    await waitFor(() => expect(screen.getByTestId('task-error').textContent).toBe('NETWORK_ERROR'));
    expect(screen.getByTestId('task-status').textContent).toBe('reconnecting');
    // Back on the same port: the client finds it without help.
    server = await startContractServer({ port: Number(port) });
    server.emit('task', 2);
    await expectList([1, 2], 'task');
    expect(screen.getByTestId('task-error').textContent).toBe('');
  });

  it('waits while offline and reconnects on `online`', async () => {
    let online = true;
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => online });
    try {
      render(<TaskUpdates apiBaseUrl={server.apiBaseUrl} />);
      await server.until(() => server.openStreams('task') === 1);
      server.emit('task', 1);
      await expectList([1]);
      online = false;
      act(() => void window.dispatchEvent(new Event('offline')));
      await server.until(() => server.openStreams('task') === 0);
      expect(screen.getByTestId('task-status').textContent).toBe('offline');
      server.emit('task', 2);
      await sleep(150);
      expect(server.streamRequests('task')).toHaveLength(1);
      online = true;
      act(() => void window.dispatchEvent(new Event('online')));
      await expectList([1, 2, 3]);
      expect(server.streamRequests('task').map((r) => r.lastEventId)).toEqual([undefined, '1']);
    } finally {
      delete (navigator as { onLine?: boolean }).onLine;
    }
  });

  it('with pauseWhenHidden, closes while the tab is hidden and resumes when visible', async () => {
    let visibility: DocumentVisibilityState = 'visible';
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
    try {
      render(<TaskUpdates apiBaseUrl={server.apiBaseUrl} pauseWhenHidden />);
      await server.until(() => server.openStreams('task') === 1);
      server.emit('task', 1);
      await expectList([1]);
      visibility = 'hidden';
      act(() => void document.dispatchEvent(new Event('visibilitychange')));
      await server.until(() => server.openStreams('task') === 0);
      server.emit('task', 1);
      await sleep(100);
      expect(server.streamRequests('task')).toHaveLength(1);
      visibility = 'visible';
      act(() => void document.dispatchEvent(new Event('visibilitychange')));
      await expectList([1, 2]);
    } finally {
      delete (document as { visibilityState?: string }).visibilityState;
    }
  });
});
