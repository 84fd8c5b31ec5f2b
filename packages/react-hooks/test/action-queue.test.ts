/**
 * The offline action queue (`@resumable/react-hooks/offline`) against the real stack,
 * in Node (no IndexedDB: the memory store): an HTTP error is final and reported, a
 * server that cannot be reached keeps the action queued, and the queued action goes
 * once the server is back, with the same key, reaching the workflow once.
 */
import { SIGNAL_NAMES } from '@resumable/protocol';
import { describe, expect, it } from 'vitest';
import { createActionQueue, type ActionQueue } from '../src/offline/index';
import { setupRealStack, uniqueId, until } from './real-server';
import { awaitApproval } from './workflows';

const stack = setupRealStack();

const startApproval = (workflowId: string) =>
  stack.backend.client.workflow.start(awaitApproval, {
    taskQueue: stack.backend.worker.taskQueue,
    workflowId,
    args: [{ orderId: workflowId }],
  });

const states = (queue: ActionQueue) => queue.getState().entries.map((entry) => `${entry.action} ${entry.state}`);

describe('the offline action queue against the real recovery server', () => {
  it('reports an HTTP error without queueing: the entry is failed, with the server code, until dismissed', async () => {
    const id = uniqueId('queue-done');
    const token = await stack.server.token([id], { actions: ['read', 'resume'] });
    const handle = await startApproval(id);
    await until(async () => (await handle.query<unknown>('getPauseState')) !== null, 10_000, 'the pause');
    await handle.signal(SIGNAL_NAMES.cancel, { reason: 'over before the click' });
    await expect(handle.result()).resolves.toBe('cancelled');
    const queue = createActionQueue({ apiBaseUrl: stack.server.apiBaseUrl, refreshToken: () => token });
    expect(queue.getState().storage).toBe('memory');

    await expect(queue.resume(id, { approved: true })).rejects.toMatchObject({ code: 'NOT_PAUSED', status: 409 });
    const [entry] = queue.getState().entries;
    expect(entry).toMatchObject({ action: 'resume', taskId: id, state: 'failed', attempts: 1 });
    expect(entry?.error?.code).toBe('NOT_PAUSED');
    await queue.dismiss(entry!.key);
    expect(queue.getState().entries).toEqual([]);
    queue.close();
  });

  it('queues while the server is unreachable and sends once it is back, with one key', async () => {
    const id = uniqueId('queue-down');
    const token = await stack.server.token([id], { actions: ['read', 'resume'] });
    const handle = await startApproval(id);
    await until(async () => (await handle.query<unknown>('getPauseState')) !== null, 10_000, 'the pause');
    const queue = createActionQueue({
      apiBaseUrl: stack.server.apiBaseUrl,
      refreshToken: () => token,
      retry: { initialDelayMs: 100, maxDelayMs: 200 },
    });

    await stack.server.stopListening();
    try {
      await expect(queue.resume(id, { approved: true })).resolves.toMatchObject({ state: 'queued' });
      expect(states(queue)).toEqual(['resume queued']);
      expect(queue.getState().entries[0]?.error?.code).toBe('NETWORK_ERROR');
      // Backoff retries go on meanwhile, and fail the same way.
      await until(() => (queue.getState().entries[0]?.attempts ?? 0) >= 2, 5_000, 'a retry');
    } finally {
      await stack.server.listenAgain();
    }
    await expect(handle.result()).resolves.toBe('resumed');
    await until(() => queue.getState().entries.length === 0, 5_000, 'the queue to empty');

    const posts = stack.server.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/${id}/resume`));
    expect(posts.map((r) => r.status)).toEqual([202]);
    const events = (await handle.fetchHistory()).events ?? [];
    const signals = events.filter((event) => event.workflowExecutionSignaledEventAttributes);
    expect(signals).toHaveLength(1);
    queue.close();
  });
});
