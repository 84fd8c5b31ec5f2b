import type { Sequenced } from './sequencer';

/** How fast recovered updates are applied. */
export interface PacerTiming {
  /** Time between steps, ms; 0 applies everything at once. */
  intervalMs: number;
  /** Upper bound for one catch-up, ms: steps grow so it finishes in time. */
  maxMs: number;
}

/** The part of a subscription's state the pacer owns. */
export interface CatchUpProgress {
  isRecovering: boolean;
  recoveryProgress: { recovered: number; total: number } | null;
}

/**
 * Applies sequenced updates in order, pacing the ones of a catch-up (a recovery, or a
 * reconnect's catch-up) in timed steps so the UI shows them arriving, with progress,
 * however many there are. It knows no HTTP: a subscription feeds it ready updates
 * (`push`) and tells it what a catch-up spans (`extend`), and receives batches to
 * apply (one state change per batch, never one copy per update).
 *
 * ```
 *             extend(from, to)                  step timer
 *   idle ───────────────────────► pacing ◄──────────────────┐
 *    ▲  updates past `to` applied   │ applies `stepSize` ≤ to ──┘
 *    │  at once, in one batch       │
 *    └──── last update ≤ to applied (and no recovery held) ──┘   progress: recovered / total
 * ```
 * While a recovery is `held`, the pacer stays in its catch-up even when the queue runs
 * dry (more pages are on their way).
 */
export class CatchUpPacer<T extends Sequenced> {
  readonly #queue: T[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stepSize = 1;
  #stepped = 0;
  #from = 0;
  #to = 0;
  #held = false;
  #applied = 0;
  #drained: (() => void) | undefined;
  readonly #apply: (batch: T[], progress: CatchUpProgress) => void;
  readonly #timing: () => PacerTiming;
  readonly #notify: (progress: CatchUpProgress) => void;

  constructor(
    apply: (batch: T[], progress: CatchUpProgress) => void,
    timing: () => PacerTiming,
    notify: (progress: CatchUpProgress) => void,
  ) {
    this.#apply = apply;
    this.#timing = timing;
    this.#notify = notify;
  }

  /** Queues updates that are ready (in order, after the last queued) and applies what it may. */
  push(ready: readonly T[]): void {
    if (ready.length === 0) return;
    this.#queue.push(...ready);
    this.#pump();
  }

  /**
   * Paces everything up to `until`, counting progress from `start` unless a catch-up
   * runs already (then it only grows).
   */
  extend(start: number, until: number): void {
    if (!this.#to) this.#from = start;
    this.#to = Math.max(this.#to, until);
    const { intervalMs, maxMs } = this.#timing();
    // Steps grow with the backlog, so one catch-up takes about maxMs at most.
    this.#stepSize = Math.ceil((this.#to - this.#from) / (maxMs / (intervalMs || 1))) || 1;
    this.#notify(this.progress());
  }

  /** A catch-up cut short (its connection dropped): unless a recovery holds it, it ends with what arrived. */
  cut(arrived: number): void {
    if (!this.#held) this.#to = Math.min(this.#to, arrived);
    this.#notify(this.progress());
  }

  /** A recovery starts at `arrived`: the catch-up stays open until `release`, however the queue runs. */
  hold(arrived: number): void {
    this.#held = true;
    this.extend(arrived, arrived);
  }

  /** The recovery is over; when it failed, what did not arrive by `arrived` will not be paced. */
  release(failedAt?: number): void {
    this.#held = false;
    if (failedAt !== undefined) this.#to = Math.min(this.#to, failedAt);
    this.#notify(this.progress());
  }

  /** Forgets everything queued and any catch-up: the log began again, after `base`. */
  clear(base: number): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue.length = 0;
    this.#from = this.#to = 0;
    this.#applied = base;
    this.#drained?.();
    this.#notify(this.progress());
  }

  /** Resolves once everything queued has been applied (one waiter at a time: the running recovery). */
  drained(): Promise<void> {
    return new Promise((resolve) => (this.#queue.length ? (this.#drained = resolve) : resolve()));
  }

  /** The recovery state now: on while held or short of `to`. */
  progress(): CatchUpProgress {
    if (!this.#held && this.#applied >= this.#to) this.#to = 0;
    return this.#held || this.#to
      ? {
          isRecovering: true,
          recoveryProgress: { recovered: this.#applied - this.#from, total: this.#to - this.#from },
        }
      : { isRecovering: false, recoveryProgress: null };
  }

  /**
   * Applies queued updates in order, in batches: those of a catch-up in steps of
   * `stepSize`, one step per interval; whatever queues meanwhile (live ones too)
   * waits behind them. The last one of a catch-up ends it, so what queued behind it
   * follows at once.
   */
  #pump(): void {
    const { intervalMs } = this.#timing();
    while (!this.#timer && this.#queue.length) {
      const batch: T[] = [];
      let pause = false;
      while (this.#queue.length && !pause) {
        const update = this.#queue.shift() as T;
        batch.push(update);
        pause = update.sequence <= this.#to && intervalMs > 0 && ++this.#stepped % this.#stepSize === 0;
      }
      this.#applied = (batch[batch.length - 1] as T).sequence;
      this.#apply(batch, this.progress());
      if (pause) {
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.#pump();
        }, intervalMs);
      }
    }
    if (!this.#queue.length) this.#drained?.();
  }
}
