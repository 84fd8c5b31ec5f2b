/**
 * Resume, cancel and trigger that survive a lost network: an idempotency key per
 * action, a queue kept in IndexedDB (memory where there is none), replayed in order
 * once the browser is back online. Its own entry, so apps that do not use it do not
 * pay for it; no React import (`useActionQueue` of `@resumable/react-hooks` reads it).
 *
 * @module @resumable/react-hooks/offline
 */
export {
  ActionQueue,
  createActionQueue,
  type ActionQueueOptions,
  type ActionQueueState,
  type ActionResult,
  type QueuedAction,
  type QueuedActionState,
} from './action-queue';
export { defaultActionStore, memoryActionStore, type ActionStore } from './action-store';
export type { ActionKind } from '@resumable/protocol';
