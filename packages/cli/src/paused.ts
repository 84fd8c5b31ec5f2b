import type { PausedWorkflow } from '@resumable/protocol';
import { cancelExecution, resumeExecution } from '@resumable/react-hooks/client';
import type { Connection } from './args';
import { CliError } from './errors';
import { requestJson, type Fetch } from './http';
import { fit, printable } from './render';

/**
 * The answer of `POST …/workflow/executions/:executionId/{resume,cancel}`.
 *
 * @example
 * const answer: ExecutionActionResult = await resumePaused(connection, 'order-42');
 * // { executionId: 'order-42', action: 'resume', accepted: true }
 */
export interface ExecutionActionResult {
  /** The workflow execution the action was for. */
  executionId: string;
  /** Which action the server took. */
  action: 'resume' | 'cancel';
  /** True when the server accepted the action (it answers 202; a refusal is an error instead). */
  accepted: boolean;
}

/**
 * The paused workflows the token may see: `GET {baseUrl}/workflow/paused`.
 *
 * @example
 * const paused = await listPaused({ baseUrl: 'http://127.0.0.1:3000/api', token });
 * for (const pause of paused) console.log(pause.executionId, pause.waitingFor);
 */
export async function listPaused(connection: Connection, options: { fetch?: Fetch } = {}): Promise<PausedWorkflow[]> {
  const answer = await requestJson<{ pausedWorkflows?: unknown }>(connection, 'workflow/paused', options);
  if (!Array.isArray(answer.pausedWorkflows)) {
    throw new CliError('PROTOCOL', 'the paused list has no pausedWorkflows array: is --url a Resumable base?');
  }
  return answer.pausedWorkflows as PausedWorkflow[];
}

/**
 * Resumes a paused workflow with an optional payload (`POST …/resume` `{ payload }`).
 * Rejects with a `CliError`: `REFUSED` with `serverCode` `NOT_PAUSED` when it is not paused.
 *
 * @example
 * await resumePaused({ baseUrl, token }, 'order-42', { approved: true });
 */
export function resumePaused(
  connection: Connection,
  executionId: string,
  payload?: unknown,
  options: { fetch?: Fetch } = {},
): Promise<ExecutionActionResult> {
  return act(() => resumeExecution(clientOptions(connection, options.fetch), executionId, payload));
}

/**
 * Cancels a paused workflow (`POST …/cancel` `{ reason }`).
 *
 * @example
 * await cancelPaused({ baseUrl, token }, 'order-42', 'customer withdrew');
 */
export function cancelPaused(
  connection: Connection,
  executionId: string,
  reason?: string,
  options: { fetch?: Fetch } = {},
): Promise<ExecutionActionResult> {
  return act(() => cancelExecution(clientOptions(connection, options.fetch), executionId, reason));
}

const clientOptions = (connection: Connection, fetch: Fetch | undefined) => {
  const token = connection.token;
  return {
    apiBaseUrl: connection.baseUrl,
    ...(token ? { refreshToken: () => token } : {}),
    ...(fetch ? { fetch } : {}),
  };
};

async function act(request: () => Promise<unknown>): Promise<ExecutionActionResult> {
  try {
    return (await request()) as ExecutionActionResult;
  } catch (error) {
    throw CliError.from(error);
  }
}

/**
 * The paused list as a table: id, where it waits and for what (the reason), and since
 * when (ISO time and how long ago). One line per workflow, no escape codes.
 *
 * @example
 * process.stdout.write(formatPausedTable(await listPaused(connection)));
 */
export function formatPausedTable(paused: readonly PausedWorkflow[], now = Date.now()): string {
  if (paused.length === 0) return 'No paused workflows.\n';
  const rows = [...paused]
    .sort((a, b) => a.pausedTime.localeCompare(b.pausedTime))
    .map((pause) => [
      pause.executionId,
      `${pause.pausedAt}${pause.waitingFor.length ? ` (waiting for ${pause.waitingFor.join(', ')})` : ''}`,
      `${pause.pausedTime} (${ago(Date.parse(pause.pausedTime), now)})`,
    ]);
  const table = [['WORKFLOW ID', 'REASON', 'SINCE'], ...rows].map((row) => row.map((cell) => printable(fit(cell, 80))));
  const widths = [0, 1].map((column) => Math.max(...table.map((row) => row[column]?.length ?? 0)));
  return table
    .map((row) => row.map((cell, column) => (column < 2 ? cell.padEnd(widths[column] ?? 0) : cell)).join('  '))
    .join('\n')
    .concat('\n');
}

/** `42s ago`, `5m ago`, `3h ago`, `2d ago`. */
function ago(then: number, now: number): string {
  if (!Number.isFinite(then)) return 'unknown';
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}
