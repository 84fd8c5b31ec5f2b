import type { PausedRegistry } from '../paused-registry';
import type { Recoverable } from '../recoverable';
import { PAUSED_WORKFLOWS } from './paused-workflows';

/**
 * Options of `eventRoutesRecoverable`.
 *
 * @example
 * manager.register(eventRoutesRecoverable({ registry }));
 */
export interface EventRoutesRecoverableOptions<TVariables = Record<string, unknown>> {
  /** The registry the routes come from (filled by `pausedWorkflowsRecoverable`). */
  registry: PausedRegistry<TVariables>;
  /** Default `event-routes`. */
  name?: string;
  /** Default: after `paused-workflows`. Pass `[]` when the registry is filled some other way. */
  after?: readonly string[];
  /** This component's time limit, ms (default: the manager's). */
  timeoutMs?: number;
}

/**
 * Re-registers the response handlers for external events: one call to the manager's
 * `handlers.register(route)` per event name some paused execution waits for, with the
 * executions (and their correlation keys) it reaches. The registry keeps answering
 * `routesFor()` live afterwards; this step tells the outside world which events to
 * deliver again.
 *
 * Counts: `events` (routes registered), `targets` (execution × event pairs), `correlated`.
 *
 * @example
 * manager.register(eventRoutesRecoverable({ registry }));
 */
export function eventRoutesRecoverable<TVariables>(options: EventRoutesRecoverableOptions<TVariables>): Recoverable {
  const { registry } = options;
  return {
    name: options.name ?? 'event-routes',
    after: options.after ?? [PAUSED_WORKFLOWS],
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    async recover(ctx) {
      for (const route of registry.routes()) {
        ctx.signal.throwIfAborted();
        await ctx.handlers.register(route);
        ctx.count('events');
        ctx.count('targets', route.targets.length);
        ctx.count('correlated', route.targets.filter((target) => target.correlation !== undefined).length);
      }
    },
  };
}
