import type { Alert, AlertEvaluator } from './alerts';
import type { CycleInput } from './types';

export interface AlertWatcherOptions {
  /**
   * The cycles to check: those running, and those that closed after `closedAfter` (ms
   * since the epoch), each with its log as it stands.
   */
  read(closedAfter: number): Promise<CycleInput[]>;
  evaluator: AlertEvaluator;
  /** Gets the new alerts of each poll. */
  publish(alerts: Alert[]): void;
  /** Between the end of one poll and the start of the next (default 1000 ms). */
  intervalMs?: number;
  /** How far back each poll asks for closed cycles: visibility indexes a close late (default 10 s). */
  lagMs?: number;
  /** Alerts kept for clients that connect later (default 50). */
  keep?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

/**
 * Polls the running cycles' logs (and those that just closed) every second and
 * evaluates the alert rules on what changed. Polling, not the live bus: the bus
 * carries each task's updates to its own stream subscribers, while this needs every
 * cycle, including ones no browser watches; a second of delay is fine for an alert.
 * Cycles that closed before the watcher started raise nothing (they are history).
 */
export class AlertWatcher {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private startedAt = 0;
  private lastPoll = 0;
  /** Closed cycles already evaluated for the last time, by run, with their close time. */
  private readonly finished = new Map<string, number>();
  private readonly kept: Alert[] = [];

  constructor(private readonly options: AlertWatcherOptions) {}

  get active(): boolean {
    return this.running;
  }

  /** The newest alerts, oldest first, for a client that just connected. */
  recent(): Alert[] {
    return [...this.kept];
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.startedAt = this.lastPoll = this.now();
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  /** One poll: reads, evaluates, publishes. Exposed for tests. */
  async poll(): Promise<Alert[]> {
    const now = this.now();
    const lagMs = this.options.lagMs ?? 10_000;
    const closedAfter = Math.max(this.startedAt, this.lastPoll - lagMs);
    this.lastPoll = now;
    const fresh: Alert[] = [];
    for (const cycle of await this.options.read(closedAfter)) {
      const key = `${cycle.cycleId}/${cycle.runId ?? ''}`;
      const { closeTime } = cycle.execution;
      if (this.finished.has(key)) continue;
      if (closeTime !== null && closeTime < this.startedAt) continue;
      fresh.push(...this.options.evaluator.evaluate(cycle, now));
      if (closeTime !== null) this.finished.set(key, closeTime);
    }
    // A closed cycle older than the window is never listed again: forget it.
    for (const [key, closeTime] of this.finished) {
      if (closeTime < closedAfter - lagMs) {
        this.finished.delete(key);
        this.options.evaluator.forget(key.split('/')[0] as string);
      }
    }
    if (fresh.length) {
      this.kept.push(...fresh);
      this.kept.splice(0, Math.max(0, this.kept.length - (this.options.keep ?? 50)));
      this.options.publish(fresh);
    }
    return fresh;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => {
      void this.poll()
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => {
          if (this.running) this.schedule(this.options.intervalMs ?? 1_000);
        });
    }, delay);
    this.timer.unref?.();
  }
}
