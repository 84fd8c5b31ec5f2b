import { ResumableError, reportError, type ErrorHandler } from '@resumable/protocol';

/**
 * A deadline: milliseconds since the epoch, a `Date`, or an ISO-8601 string.
 *
 * @example
 * const at: Deadline = '2030-01-01T09:00:00Z';
 * toEpochMs(at); // 1893488400000
 */
export type Deadline = number | Date | string;

/**
 * An app callback to run at an absolute deadline.
 *
 * @example
 * const timer: ScheduledTimer = { key: 'remind:order-7', at: Date.now() + 60_000, run: () => remind('order-7') };
 * timers.schedule(timer);
 */
export interface ScheduledTimer {
  /** Scheduling the same key again replaces the earlier timer. */
  key: string;
  /** When it runs: an absolute deadline (a past one runs at once). */
  at: Deadline;
  /** What it does; a throw or rejection goes to the scheduler's `onError`. */
  run: () => void | Promise<void>;
}

/**
 * The timer infrastructure recovery re-arms app timers through. Pass your own to
 * put timers somewhere else (a job queue, a test clock); `createTimerScheduler()` is
 * the in-process default.
 *
 * @example
 * const queued: TimerScheduler = {
 *   schedule: (timer) => queue.add(timer.key, { runAt: toEpochMs(timer.at) }),
 *   cancel: (key) => queue.remove(key),
 * };
 */
export interface TimerScheduler {
  /** Arms `timer.run` for `timer.at`; a deadline already past runs at once. */
  schedule(timer: ScheduledTimer): void;
  /** Disarms a timer; false when no timer had that key. */
  cancel(key: string): boolean;
}

/**
 * Options of `createTimerScheduler`.
 *
 * @example
 * const timers = createTimerScheduler({ onError: (error, context) => logger.error(context.operation, error) });
 */
export interface TimerSchedulerOptions {
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
  /** Called when a timer's callback throws or rejects (context operation: `timer <key>`). Default: `console.error`. */
  onError?: ErrorHandler;
}

/**
 * The in-process scheduler, with a view of what it holds.
 *
 * @example
 * const timers: InProcessTimerScheduler = createTimerScheduler();
 * timers.schedule({ key: 'a', at: Date.now() + 1000, run: () => {} });
 * timers.has('a'); // true
 */
export interface InProcessTimerScheduler extends TimerScheduler {
  /** True while a timer with this key is armed. */
  has(key: string): boolean;
  /** The deadline (ms since the epoch) of an armed timer. */
  deadlineOf(key: string): number | undefined;
  /** How many timers are armed. */
  readonly size: number;
  /** Disarms every timer (for shutdown). */
  clear(): void;
}

// setTimeout stores its delay in a signed 32-bit integer; anything longer fires at
// once (Node warns "TimeoutOverflowWarning"). Longer waits are taken in steps.
const MAX_DELAY = 2 ** 31 - 1;

/**
 * Turns a deadline into milliseconds since the epoch.
 *
 * @throws ResumableError `INVALID_PARAMETER` for an unparseable or non-finite deadline.
 * @example
 * toEpochMs('2030-01-01T00:00:00Z'); // 1893456000000
 */
export function toEpochMs(at: Deadline): number {
  const ms = at instanceof Date ? at.getTime() : typeof at === 'string' ? Date.parse(at) : at;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new ResumableError('INVALID_PARAMETER', `Invalid deadline: ${String(at)}`);
  }
  return ms;
}

/**
 * An in-process `TimerScheduler` on `setTimeout` that fires at the exact absolute
 * deadline: never early (a timer woken early re-arms for the rest), deadlines further
 * than setTimeout's 24.8-day limit are reached in steps, and a deadline already past
 * runs on the next turn of the event loop. Timers do not keep the process alive.
 *
 * @example
 * const timers = createTimerScheduler();
 * timers.schedule({ key: 'remind:order-7', at: '2030-01-01T09:00:00Z', run: () => sendReminder('order-7') });
 * timers.cancel('remind:order-7');
 */
export function createTimerScheduler(options: TimerSchedulerOptions = {}): InProcessTimerScheduler {
  const now = options.now ?? Date.now;

  const armed = new Map<string, { at: number; handle: ReturnType<typeof setTimeout> }>();

  const fire = (key: string, timer: ScheduledTimer) => {
    armed.delete(key);
    // One failing callback must not take the others (or the process) down.
    Promise.resolve()
      .then(() => timer.run())
      .catch((error: unknown) => reportError(options.onError, error, { source: 'timers', operation: `timer ${key}` }));
  };

  const cancel = (key: string): boolean => {
    const entry = armed.get(key);
    if (!entry) return false;
    clearTimeout(entry.handle);
    armed.delete(key);
    return true;
  };

  const arm = (timer: ScheduledTimer, at: number) => {
    const remaining = at - now();
    const handle = setTimeout(
      () => {
        if (armed.get(timer.key)?.handle !== handle) return;
        if (now() < at) arm(timer, at);
        else fire(timer.key, timer);
      },
      Math.min(Math.max(remaining, 0), MAX_DELAY),
    );
    handle.unref?.();
    armed.set(timer.key, { at, handle });
  };

  return {
    schedule(timer) {
      if (typeof timer.key !== 'string' || timer.key.length === 0) {
        throw new ResumableError('INVALID_PARAMETER', 'A timer needs a non-empty key');
      }
      if (typeof timer.run !== 'function') {
        throw new ResumableError('INVALID_PARAMETER', `Timer ${timer.key} needs a run function`);
      }
      const at = toEpochMs(timer.at);
      cancel(timer.key);
      arm(timer, at);
    },
    cancel,
    has: (key) => armed.has(key),
    deadlineOf: (key) => armed.get(key)?.at,
    get size() {
      return armed.size;
    },
    clear() {
      for (const { handle } of armed.values()) clearTimeout(handle);
      armed.clear();
    },
  };
}
