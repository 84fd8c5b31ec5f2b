import type { PausedWorkflow } from '@resumable/protocol';
import type { PausedRegistry } from '../paused-registry';
import type { Recoverable } from '../recoverable';
import { toEpochMs, type Deadline } from '../timer-scheduler';

/**
 * An app timer to re-arm: it fires at `at`, an absolute deadline stored with the app's state.
 *
 * @example
 * const timer: AppTimer<{ orderId: string }> = { key: 'remind:order-7', at: row.remindAt, data: { orderId: 'order-7' } };
 */
export interface AppTimer<TData = unknown> {
  /** Unique per timer; re-arming the same key replaces it. */
  key: string;
  /** The absolute deadline. */
  at: Deadline;
  /** What `onFire` gets with it. */
  data: TData;
}

/**
 * Options of `deadlineTimersRecoverable`.
 *
 * @example
 * deadlineTimersRecoverable({ load: () => db.reminders(), onFire: ({ data }) => remind(data) });
 */
export interface DeadlineTimersRecoverableOptions<TData> {
  /** Default `deadline-timers`. */
  name?: string;
  /** Components to wait for, e.g. the one that fills the state `load` reads. Default none. */
  after?: readonly string[];
  /** This component's time limit, ms (default: the manager's). */
  timeoutMs?: number;
  /** Reads the timers to re-arm, e.g. from a database or from `pauseDeadlines(registry)`. */
  load: (signal: AbortSignal) => Iterable<AppTimer<TData>> | Promise<Iterable<AppTimer<TData>>>;
  /** What a timer does when it fires. */
  onFire: (timer: AppTimer<TData>) => void | Promise<void>;
}

/**
 * Re-arms app timers from their absolute deadlines through the manager's `timers`
 * infrastructure. A restart does not move a deadline: a timer due in an hour still
 * fires in an hour, and one that fell due while the server was down fires at once
 * (rather than re-arming a shortened relative delay, which can only guess how much
 * time passed).
 *
 * Counts: `armed` (future deadlines), `overdue` (already past: fired at once), `invalid`
 * (bad key or deadline: reported as an issue, the others are still armed).
 *
 * @example
 * manager.register(deadlineTimersRecoverable({
 *   load: async () => (await db.reminders()).map((r) => ({ key: `reminder:${r.id}`, at: r.dueAt, data: r })),
 *   onFire: (timer) => sendReminder(timer.data),
 * }));
 */
export function deadlineTimersRecoverable<TData>(options: DeadlineTimersRecoverableOptions<TData>): Recoverable {
  return {
    name: options.name ?? 'deadline-timers',
    ...(options.after === undefined ? {} : { after: options.after }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    async recover(ctx) {
      const timers = await options.load(ctx.signal);
      for (const timer of timers) {
        ctx.signal.throwIfAborted();
        let at: number;
        try {
          if (typeof timer.key !== 'string' || timer.key.length === 0) throw new Error('a timer needs a non-empty key');
          at = toEpochMs(timer.at);
        } catch (error) {
          ctx.count('invalid');
          ctx.issue({
            code: 'INVALID_PARAMETER',
            message: `Timer not armed: ${error instanceof Error ? error.message : String(error)}`,
            subject: String(timer.key),
          });
          continue;
        }
        ctx.timers.schedule({ key: timer.key, at, run: () => options.onFire(timer) });
        ctx.count(at <= ctx.now() ? 'overdue' : 'armed');
      }
    },
  };
}

/**
 * The pause deadlines in a registry as app timers (key `pause-timeout:<executionId>`,
 * `data` the pause), for `deadlineTimersRecoverable`. Pauses that wait forever have none.
 *
 * @example
 * manager.register(deadlineTimersRecoverable({
 *   name: 'pause-deadlines',
 *   after: ['paused-workflows'],
 *   load: () => pauseDeadlines(registry),
 *   onFire: ({ data }) => notifyOwner(`${data.executionId} timed out waiting for ${data.waitingFor.join(', ')}`),
 * }));
 */
export function pauseDeadlines<TVariables>(
  registry: PausedRegistry<TVariables>,
): AppTimer<PausedWorkflow<TVariables>>[] {
  return registry
    .list()
    .filter((pause): pause is PausedWorkflow<TVariables> & { timeoutAt: string } => pause.timeoutAt !== null)
    .map((pause) => ({ key: `pause-timeout:${pause.executionId}`, at: pause.timeoutAt, data: pause }));
}
