import type { ErrorBody } from '@resumable/protocol';
import type { ComponentReport, RecoveryReport } from './recoverable';

/**
 * A `RecoveryReport` as plain JSON (errors as `{ code, message }` bodies).
 *
 * @example
 * const json: RecoveryReportJSON = reportToJSON(await manager.recoverAll());
 * return Response.json(json, { status: json.ok ? 200 : 503 });
 */
export interface RecoveryReportJSON {
  /** True when every component succeeded. */
  ok: boolean;
  /** ISO-8601 start time. */
  startedAt: string;
  /** Wall time of the whole recovery. */
  durationMs: number;
  /** Each component's report, with its error as a wire body. */
  components: (Omit<ComponentReport, 'error'> & {
    /** Why it failed or was skipped, as a wire body. */
    error?: ErrorBody['error'];
  })[];
}

/**
 * The report as plain JSON, for a health endpoint or structured logs (a `ResumableError`
 * does not serialise its message by itself).
 *
 * @example
 * logger.info({ recovery: reportToJSON(report) });
 */
export function reportToJSON(report: RecoveryReport): RecoveryReportJSON {
  return {
    ok: report.ok,
    startedAt: report.startedAt,
    durationMs: Math.round(report.durationMs),
    components: report.components.map(({ error, ...component }) => ({
      ...component,
      durationMs: Math.round(component.durationMs),
      ...(error ? { error: error.toBody().error } : {}),
    })),
  };
}

/**
 * A few human-readable lines: one per component with its status, time, counters and error.
 *
 * @example
 * console.log(formatRecoveryReport(await manager.recoverAll()));
 * // recovery ok in 84 ms
 * //   ok      paused-workflows  61 ms  listed=3 recovered=3
 */
export function formatRecoveryReport(report: RecoveryReport): string {
  const failed = report.components.filter((component) => component.status !== 'ok').length;
  const lines = [
    `recovery ${report.ok ? 'ok' : `finished with ${failed} of ${report.components.length} component(s) not ok`} in ${Math.round(report.durationMs)} ms`,
  ];
  const width = Math.max(0, ...report.components.map((component) => component.name.length));
  for (const component of report.components) {
    const counts = Object.entries(component.counts)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ');
    const issues = component.issues.length + component.issuesDropped;
    lines.push(
      [
        `  ${component.status.padEnd(7)} ${component.name.padEnd(width)}  ${Math.round(component.durationMs)} ms`,
        counts,
        issues > 0 ? `issues=${issues}` : '',
        component.error ? `${component.error.code}: ${component.error.message}` : '',
      ]
        .filter(Boolean)
        .join('  '),
    );
  }
  return lines.join('\n');
}
