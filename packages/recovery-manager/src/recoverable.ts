import type { ErrorCode, ResumableError } from '@resumable/protocol';
import type { EventRoute } from './paused-registry';
import type { TimerScheduler } from './timer-scheduler';

/**
 * The response-handler infrastructure: whatever makes an external event reach the
 * executions waiting for it (a webhook subscription, a queue consumer, a chat-number
 * hook). Recovery re-registers one route per event name through it.
 *
 * @example
 * const handlers: ResponseHandlers = { register: (route) => webhooks.subscribe(route.event) };
 * const manager = new RecoveryManager({ handlers });
 */
export interface ResponseHandlers {
  /** Makes `route.event` reach `route.targets` (again). */
  register(route: EventRoute): void | Promise<void>;
}

/**
 * A problem with one item that did not fail its component (e.g. one execution's bad pause state).
 *
 * @example
 * ctx.issue({ code: 'INVALID_PARAMETER', message: 'Malformed pause state', subject: executionId });
 */
export interface RecoveryIssue {
  /** What kind of problem. */
  code: ErrorCode;
  /** For people. */
  message: string;
  /** What it concerns, e.g. an execution id. */
  subject?: string;
}

/**
 * What a component gets while it recovers: the infrastructure callbacks (so it never
 * reaches into server globals), an abort signal, and counters for the report.
 *
 * @example
 * async function recover(ctx: RecoveryContext) {
 *   if (ctx.signal.aborted) return;
 *   ctx.timers.schedule({ key: 'digest', at: ctx.now() + 60_000, run: sendDigest });
 *   ctx.count('armed');
 * }
 */
export interface RecoveryContext {
  /** The component's name. */
  readonly name: string;
  /** Aborted when the component times out or the whole recovery is aborted; stop work then. */
  readonly signal: AbortSignal;
  /** Schedules app callbacks at absolute deadlines. */
  readonly timers: TimerScheduler;
  /** Re-registers what answers external events. */
  readonly handlers: ResponseHandlers;
  /** Adds `by` (default 1) to a named counter in this component's report. */
  count(counter: string, by?: number): void;
  /** Records a per-item problem that does not fail the component. */
  issue(issue: RecoveryIssue): void;
  /** The manager's clock (ms since the epoch). */
  now(): number;
}

/**
 * One piece of start-up recovery. It owns its business logic; the manager gives it
 * the infrastructure through `RecoveryContext`.
 *
 * @example
 * const reminders: Recoverable = {
 *   name: 'reminders',
 *   after: ['paused-workflows'],
 *   async recover(ctx) {
 *     for (const r of await db.pendingReminders()) {
 *       ctx.timers.schedule({ key: `reminder:${r.id}`, at: r.dueAt, run: () => send(r) });
 *       ctx.count('armed');
 *     }
 *   },
 * };
 */
export interface Recoverable {
  /** Unique among the manager's components; names it in the report. */
  readonly name: string;
  /** Components that must finish successfully first; if one fails, this one is skipped. */
  readonly after?: readonly string[];
  /** Overrides the manager's per-component time limit, in milliseconds. */
  readonly timeoutMs?: number;
  /** Does the recovery; a throw (or a rejection) fails this component alone. */
  recover(ctx: RecoveryContext): void | Promise<void>;
}

/**
 * `skipped`: not run, because a component in `after` did not succeed or recovery was aborted first.
 *
 * @example
 * const failed = report.components.filter((c) => c.status !== ('ok' satisfies ComponentStatus));
 */
export type ComponentStatus = 'ok' | 'failed' | 'skipped';

/**
 * The outcome of one component.
 *
 * @example
 * for (const component of report.components) console.log(component.name, component.status, component.counts);
 */
export interface ComponentReport {
  /** The component's name. */
  name: string;
  /** Whether it succeeded, failed or did not run. */
  status: ComponentStatus;
  /** Wall time from start to settle (0 when skipped). */
  durationMs: number;
  /** The component's counters, kept even when it failed part-way. */
  counts: Record<string, number>;
  /** Per-item problems (at most `maxIssues`; the rest are counted in `issuesDropped`). */
  issues: RecoveryIssue[];
  /** Issues past `maxIssues`, counted but not kept. */
  issuesDropped: number;
  /** Why it failed or was skipped. Codes: its own, `TIMEOUT`, `DEPENDENCY_FAILED`, `SHUTTING_DOWN`, `INTERNAL`. */
  error?: ResumableError;
}

/**
 * What `recoverAll()` did, one entry per component in registration order.
 *
 * @example
 * const report: RecoveryReport = await manager.recoverAll();
 * if (!report.ok) console.error(formatRecoveryReport(report));
 */
export interface RecoveryReport {
  /** True when every component succeeded. */
  ok: boolean;
  /** ISO-8601 start time. */
  startedAt: string;
  /** Wall time of the whole recovery. */
  durationMs: number;
  /** One report per component, in registration order. */
  components: ComponentReport[];
}
