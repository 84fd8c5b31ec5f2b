'use client';
import { useMemo, useSyncExternalStore } from './react';
import type { ActionQueue, ActionQueueState } from './offline/index';

/**
 * What `useActionQueue` reads and calls: an `ActionQueue` from
 * `@resumable/react-hooks/offline` (structural, so the class's copy in either entry fits).
 *
 * @example
 * const queue: ActionQueueHandle = createActionQueue({ apiBaseUrl: '/api' });
 */
export type ActionQueueHandle = Pick<
  ActionQueue,
  'subscribe' | 'getState' | 'resume' | 'cancel' | 'trigger' | 'dismiss' | 'flush'
>;

/**
 * What `useActionQueue` returns: the queue's entries and its actions.
 *
 * @example
 * const { entries, resume }: UseActionQueueResult = useActionQueue(actions);
 */
export interface UseActionQueueResult extends ActionQueueState {
  /** Resume an execution; queued when offline. */
  resume: ActionQueue['resume'];
  /** Cancel an execution's pause; queued when offline. */
  cancel: ActionQueue['cancel'];
  /** Send an external event; queued when offline. */
  trigger: ActionQueue['trigger'];
  /** Forget an entry (a failed one, typically). */
  dismiss: ActionQueue['dismiss'];
  /** Send queued actions now. */
  flush: ActionQueue['flush'];
}

// The server and the first client render agree on an empty queue: what IndexedDB
// holds is known only in the browser, after hydration.
const SERVER_STATE: ActionQueueState = { entries: [], storage: 'memory' };

/**
 * The offline action queue in React: its entries (queued, sending, failed, each with
 * its key, action and task) and its actions. Rendering it starts the queue: what an
 * earlier visit left queued is loaded and sent.
 *
 * @example
 * const actions = createActionQueue({ apiBaseUrl: '/api', refreshToken: getToken });
 *
 * function Approve({ executionId }: { executionId: string }) {
 *   const { entries, resume } = useActionQueue(actions);
 *   const waiting = entries.filter((entry) => entry.taskId === executionId && entry.state !== 'failed');
 *   return (
 *     <button onClick={() => resume(executionId, { approved: true })}>
 *       {waiting.length ? 'Approval queued (offline)' : 'Approve'}
 *     </button>
 *   );
 * }
 */
export function useActionQueue(queue: ActionQueueHandle): UseActionQueueResult {
  const state = useSyncExternalStore(queue.subscribe, queue.getState, () => SERVER_STATE);
  return useMemo(
    () => ({
      ...state,
      resume: (executionId, payload) => queue.resume(executionId, payload),
      cancel: (executionId, reason) => queue.cancel(executionId, reason),
      trigger: (event, options) => queue.trigger(event, options),
      dismiss: (key) => queue.dismiss(key),
      flush: () => queue.flush(),
    }),
    [state, queue],
  );
}
