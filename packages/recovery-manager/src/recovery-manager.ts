import { ResumableError } from '@resumable/protocol';
import type {
  ComponentReport,
  Recoverable,
  RecoveryContext,
  RecoveryIssue,
  RecoveryReport,
  ResponseHandlers,
} from './recoverable';
import { createTimerScheduler, type TimerScheduler } from './timer-scheduler';

/**
 * Options of `new RecoveryManager(options)`.
 *
 * @example
 * const manager = new RecoveryManager({ handlers: { register: (route) => webhooks.subscribe(route.event) }, timeoutMs: 10_000 });
 */
export interface RecoveryManagerOptions {
  /** Where re-armed app timers go. Default: an in-process `createTimerScheduler()`. */
  timers?: TimerScheduler;
  /** What re-registers handlers for external events. Components that need it fail clearly without it. */
  handlers?: ResponseHandlers;
  /** Per-component time limit in ms (a component's own `timeoutMs` wins). Default 30 000. */
  timeoutMs?: number;
  /** Issues kept per component; more are only counted. Default 100. */
  maxIssues?: number;
  /** Clock passed to components. Default `Date.now`. */
  now?: () => number;
  /** Called as each component settles, e.g. to log progress. Errors thrown here are ignored. */
  onComponentSettled?: (report: ComponentReport) => void;
}

/**
 * Options of `recoverAll`.
 *
 * @example
 * const report = await manager.recoverAll({ signal: AbortSignal.timeout(60_000) });
 */
export interface RecoverAllOptions {
  /** Aborts the run: running components see their signal abort, the rest are skipped. */
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Runs registered `Recoverable` components at server start and reports what each
 * rebuilt. Components run as soon as the ones named in their `after` have succeeded,
 * independent ones concurrently. A component that throws or exceeds its time limit
 * fails alone: the others still run, and `recoverAll()` never rejects.
 *
 * @example
 * const registry = new PausedRegistry();
 * const manager = new RecoveryManager({ handlers: { register: (route) => webhooks.listen(route.event) } })
 *   .register(pausedWorkflowsRecoverable({ client, registry }))
 *   .register(eventRoutesRecoverable({ registry }));
 * const report = await manager.recoverAll();
 * if (!report.ok) console.warn(formatRecoveryReport(report));
 */
export class RecoveryManager {
  readonly #components: Recoverable[] = [];
  readonly #timers: TimerScheduler;
  readonly #handlers: ResponseHandlers | undefined;
  readonly #timeoutMs: number;
  readonly #maxIssues: number;
  readonly #now: () => number;
  readonly #onSettled: ((report: ComponentReport) => void) | undefined;
  #running: Promise<RecoveryReport> | undefined;
  #lastReport: RecoveryReport | undefined;

  constructor(options: RecoveryManagerOptions = {}) {
    this.#timeoutMs = checkTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 'timeoutMs');
    const maxIssues = options.maxIssues ?? 100;
    if (!Number.isInteger(maxIssues) || maxIssues < 0) {
      throw new ResumableError('INVALID_PARAMETER', `maxIssues must be a non-negative integer, got ${maxIssues}`);
    }
    this.#maxIssues = maxIssues;
    this.#timers = options.timers ?? createTimerScheduler();
    this.#handlers = options.handlers;
    this.#now = options.now ?? Date.now;
    this.#onSettled = options.onComponentSettled;
  }

  /**
   * Adds components. Returns the manager, so calls chain.
   *
   * @throws ResumableError `CONFLICT` for a name already registered, `INVALID_PARAMETER` for a malformed component.
   * @example
   * manager.register(pausedWorkflowsRecoverable({ client, registry }), eventRoutesRecoverable({ registry }));
   */
  register(...recoverables: Recoverable[]): this {
    for (const recoverable of recoverables) {
      if (typeof recoverable?.name !== 'string' || recoverable.name.length === 0) {
        throw new ResumableError('INVALID_PARAMETER', 'A recoverable needs a non-empty name');
      }
      if (typeof recoverable.recover !== 'function') {
        throw new ResumableError('INVALID_PARAMETER', `Recoverable ${recoverable.name} needs a recover() function`);
      }
      if (recoverable.timeoutMs !== undefined) checkTimeout(recoverable.timeoutMs, `timeoutMs of ${recoverable.name}`);
      if (this.#components.some((existing) => existing.name === recoverable.name)) {
        throw new ResumableError('CONFLICT', `A recoverable named ${recoverable.name} is already registered`);
      }
      this.#components.push(recoverable);
    }
    return this;
  }

  /**
   * Registered component names, in registration order.
   *
   * @example
   * manager.names; // ['paused-workflows', 'event-routes', 'pause-deadlines']
   */
  get names(): string[] {
    return this.#components.map((component) => component.name);
  }

  /**
   * The report of the last finished `recoverAll()`.
   *
   * @example
   * app.get('/health/recovery', () => Response.json(reportToJSON(manager.lastReport!)));
   */
  get lastReport(): RecoveryReport | undefined {
    return this.#lastReport;
  }

  /**
   * Runs every component and resolves with the report; never rejects. A call while a
   * run is in progress joins that run.
   *
   * @example
   * const report = await manager.recoverAll({ signal: AbortSignal.timeout(60_000) });
   * for (const c of report.components) console.log(c.name, c.status, c.counts);
   */
  recoverAll(options: RecoverAllOptions = {}): Promise<RecoveryReport> {
    this.#running ??= this.#run(options.signal).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #run(outer: AbortSignal | undefined): Promise<RecoveryReport> {
    const startedAt = new Date(this.#now()).toISOString();
    const started = performance.now();
    const components = [...this.#components];
    const names = new Set(components.map((component) => component.name));
    const settled = new Map<string, ComponentReport>();
    const running = new Map<string, Promise<void>>();

    const settle = (report: ComponentReport) => {
      settled.set(report.name, report);
      try {
        this.#onSettled?.(report);
      } catch {
        // A logging hook must not change the outcome of recovery.
      }
    };

    for (const component of components) {
      const unknown = (component.after ?? []).filter((name) => !names.has(name));
      if (unknown.length > 0) {
        settle(
          notRun(
            component.name,
            'failed',
            new ResumableError(
              'INVALID_PARAMETER',
              `${component.name} runs after unknown component(s): ${unknown.join(', ')}`,
            ),
          ),
        );
      }
    }

    for (;;) {
      for (const component of components) {
        if (settled.has(component.name) || running.has(component.name)) continue;
        if (outer?.aborted) {
          settle(notRun(component.name, 'skipped', abortedError(outer)));
          continue;
        }
        const deps = component.after ?? [];
        if (!deps.every((dep) => settled.has(dep))) continue;
        const failedDeps = deps.filter((dep) => settled.get(dep)?.status !== 'ok');
        if (failedDeps.length > 0) {
          settle(
            notRun(
              component.name,
              'skipped',
              new ResumableError(
                'DEPENDENCY_FAILED',
                `${component.name} did not run: ${failedDeps.join(', ')} did not succeed`,
              ),
            ),
          );
          continue;
        }
        running.set(
          component.name,
          this.#runOne(component, outer).then((report) => {
            running.delete(component.name);
            settle(report);
          }),
        );
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }

    // Whatever is left waits on itself through `after`.
    for (const component of components) {
      if (!settled.has(component.name)) {
        settle(
          notRun(
            component.name,
            'failed',
            new ResumableError('INVALID_PARAMETER', `${component.name} is part of an \`after\` cycle`),
          ),
        );
      }
    }

    const report: RecoveryReport = {
      ok: components.every((component) => settled.get(component.name)?.status === 'ok'),
      startedAt,
      durationMs: performance.now() - started,
      components: components.map((component) => settled.get(component.name) as ComponentReport),
    };
    this.#lastReport = report;
    return report;
  }

  async #runOne(component: Recoverable, outer: AbortSignal | undefined): Promise<ComponentReport> {
    const started = performance.now();
    const counts: Record<string, number> = {};
    const issues: RecoveryIssue[] = [];
    let issuesDropped = 0;
    let open = true;
    const controller = new AbortController();
    const timeoutMs = component.timeoutMs ?? this.#timeoutMs;
    const handlers = this.#handlers;

    const context: RecoveryContext = {
      name: component.name,
      signal: controller.signal,
      timers: this.#timers,
      handlers: handlers ?? {
        register: () => {
          throw new ResumableError(
            'INTERNAL',
            `${component.name} re-registers response handlers, but the RecoveryManager was created without a \`handlers\` option`,
          );
        },
      },
      count: (counter, by = 1) => {
        // After the component settled (e.g. it timed out) its numbers no longer change the report.
        if (open) counts[counter] = (counts[counter] ?? 0) + by;
      },
      issue: (issue) => {
        if (!open) return;
        if (issues.length < this.#maxIssues) issues.push({ ...issue });
        else issuesDropped += 1;
      },
      now: this.#now,
    };

    let timer: ReturnType<typeof setTimeout> | undefined;
    let onOuterAbort: (() => void) | undefined;
    const stopped = new Promise<never>((_, reject) => {
      const stop = (error: ResumableError) => {
        controller.abort(error);
        reject(error);
      };
      timer = setTimeout(
        () => stop(new ResumableError('TIMEOUT', `${component.name} did not finish within ${timeoutMs} ms`)),
        timeoutMs,
      );
      if (outer) {
        onOuterAbort = () => stop(abortedError(outer));
        outer.addEventListener('abort', onOuterAbort, { once: true });
      }
    });
    // Rejections of the loser of the race below are expected; keep them from surfacing as unhandled.
    stopped.catch(() => undefined);

    const work = (async () => component.recover(context))();
    work.catch(() => undefined);

    let error: ResumableError | undefined;
    try {
      await Promise.race([work, stopped]);
    } catch (thrown) {
      error = ResumableError.from(thrown, 'INTERNAL');
    } finally {
      clearTimeout(timer);
      if (onOuterAbort) outer?.removeEventListener('abort', onOuterAbort);
      open = false;
    }

    const report: ComponentReport = {
      name: component.name,
      status: error ? 'failed' : 'ok',
      durationMs: performance.now() - started,
      counts,
      issues,
      issuesDropped,
    };
    if (error) report.error = error;
    return report;
  }
}

function notRun(name: string, status: 'failed' | 'skipped', error: ResumableError): ComponentReport {
  return { name, status, durationMs: 0, counts: {}, issues: [], issuesDropped: 0, error };
}

function abortedError(signal: AbortSignal): ResumableError {
  return ResumableError.is(signal.reason)
    ? signal.reason
    : new ResumableError('SHUTTING_DOWN', 'Recovery was aborted', { cause: signal.reason });
}

function checkTimeout(value: number, what: string): number {
  // setTimeout cannot wait longer than 2^31 - 1 ms (it would fire at once).
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 2 ** 31 - 1) {
    throw new ResumableError(
      'INVALID_PARAMETER',
      `${what} must be between 1 and 2147483647 milliseconds, got ${value}`,
    );
  }
  return value;
}
