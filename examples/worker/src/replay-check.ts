import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResumableError } from '@resumable/protocol';
import type { HistoryAndWorkflowId } from '@temporalio/client';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';

/** The worker's workflows, as `main.ts` bundles them. */
export const DEFAULT_WORKFLOWS = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));
/** The committed histories the check replays. */
export const DEFAULT_HISTORIES = fileURLToPath(new URL('../test/fixtures', import.meta.url));

export interface ReplayCheckOptions {
  /** The workflows module to check, bundled as the worker bundles it. Default: the worker's. */
  workflowsPath?: string;
  /** The folder of recorded histories (`*.history.json`). Default: the committed fixtures. */
  historiesDir?: string;
}

/** What replaying one recorded history with the checked code gave. */
export interface HistoryVerdict {
  /** The history's file name (also the workflow id it replays under). */
  file: string;
  ok: boolean;
  /** Why not: the code takes another path than the history (`nondeterminism`), another replay failure, or a file that is no history. */
  reason?: 'nondeterminism' | 'replay-error' | 'unreadable';
  /** The error's message. */
  message?: string;
}

/** The outcome of a replay check: ok when every history replayed. */
export interface ReplayCheckReport {
  ok: boolean;
  workflowsPath: string;
  histories: HistoryVerdict[];
}

/**
 * The fixtures are `JSON.stringify(await handle.fetchHistory())`: protobufjs objects
 * (timestamps as `{ seconds, nanos }`), which `History.fromObject` reads and the SDK's
 * proto3-JSON `historyFromJSON` does not. `@temporalio/proto` is reached through
 * `@temporalio/common`, whose dependency it is.
 */
const require = createRequire(import.meta.url);
const proto = createRequire(require.resolve('@temporalio/common'))('@temporalio/proto') as {
  temporal: { api: { history: { v1: { History: { fromObject(json: unknown): HistoryAndWorkflowId['history'] } } } } };
};

/** The SDK's core reason (`[TMPRL1100] Nondeterminism error: …`) out of the wrapped message, when there is one. */
function coreReason(message: string): string {
  return /\[TMPRL\d+\][^"]*/.exec(message)?.[0] ?? message;
}

async function bundle(workflowsPath: string): Promise<string> {
  try {
    const { code } = await bundleWorkflowCode({
      workflowsPath,
      // Workspace packages resolve to their sources, as in main.ts: no package build needed.
      webpackConfigHook: (config) => {
        config.resolve ??= {};
        config.resolve.conditionNames = ['@resumable/source', 'import', 'module', 'webpack', 'browser', 'default'];
        return config;
      },
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (message) => console.error(message) },
    });
    return code;
  } catch (error) {
    throw new ResumableError('INVALID_PARAMETER', `Cannot bundle the workflows at ${workflowsPath}`, { cause: error });
  }
}

/**
 * Replays every recorded history in `historiesDir` with the workflows at
 * `workflowsPath`, as a deploy of that code would meet them: a history the code no
 * longer follows is a running workflow the deploy would break. Resolves with a verdict
 * per history; rejects (ResumableError) only when there is nothing to check or the code
 * does not bundle.
 */
export async function checkReplay(options: ReplayCheckOptions = {}): Promise<ReplayCheckReport> {
  const workflowsPath = options.workflowsPath ?? DEFAULT_WORKFLOWS;
  const historiesDir = options.historiesDir ?? DEFAULT_HISTORIES;
  const files = readdirSync(historiesDir)
    .filter((name) => name.endsWith('.history.json'))
    .sort();
  // A check of nothing would pass any change.
  if (files.length === 0) throw new ResumableError('NOT_FOUND', `No *.history.json in ${historiesDir}`);

  const verdicts = new Map<string, HistoryVerdict>();
  const histories: HistoryAndWorkflowId[] = [];
  for (const file of files) {
    try {
      const json: unknown = JSON.parse(readFileSync(join(historiesDir, file), 'utf8'));
      histories.push({ workflowId: file, history: proto.temporal.api.history.v1.History.fromObject(json) });
    } catch (error) {
      verdicts.set(file, { file, ok: false, reason: 'unreadable', message: (error as Error).message });
    }
  }

  const code = await bundle(workflowsPath);
  for await (const result of Worker.runReplayHistories({ workflowBundle: { code } }, histories)) {
    const { workflowId: file, error } = result;
    if (!error) verdicts.set(file, { file, ok: true });
    else {
      const reason = error instanceof DeterminismViolationError ? 'nondeterminism' : 'replay-error';
      verdicts.set(file, { file, ok: false, reason, message: coreReason(error.message) });
    }
  }
  const verdictList = files.map(
    (file) => verdicts.get(file) ?? { file, ok: false, reason: 'replay-error' as const, message: 'not replayed' },
  );
  return { ok: verdictList.every((verdict) => verdict.ok), workflowsPath, histories: verdictList };
}

/** The report as lines for a person: one per history, then the verdict. */
export function formatReplayReport(report: ReplayCheckReport): string {
  const lines = report.histories.map((verdict) =>
    verdict.ok ? `ok    ${verdict.file}` : `FAIL  ${verdict.file}: ${verdict.reason}: ${verdict.message ?? ''}`,
  );
  const failed = report.histories.filter((verdict) => !verdict.ok).length;
  lines.push(
    failed === 0
      ? `All ${report.histories.length} recorded histories replay with ${report.workflowsPath}.`
      : `${failed} of ${report.histories.length} recorded histories do not replay with ${report.workflowsPath}: deploying it would break running workflows like them.`,
  );
  return lines.join('\n');
}
