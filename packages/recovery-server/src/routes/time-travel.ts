import { MAX_UPDATES_PAGE, ResumableError, type TimeTravelState, type WorkflowUpdate } from '@resumable/protocol';
import { closedPageHeaders, etagMatches } from '../http/caching';
import { sequencePathParam } from '../http/params';
import { json } from '../http/responses';
import { callerOf, defineRoute } from '../http/route';
import type { TemporalGateway } from '../temporal/gateway';

/** Reads of a running log that compaction overtook before we give up (each starts over). */
const MAX_ATTEMPTS = 3;

/**
 * `GET temporal/recovery/:taskId/at/:sequence`: the task's state as of `sequence`,
 * i.e. the compaction snapshot (everything below the log's first held sequence) and
 * the held updates up to `sequence`. Below what the log can rebuild it answers 410:
 * the snapshot reducer only folds forward, so a compacted past is gone. A closed
 * run's answer never changes: served from its log read once, with a strong `ETag`.
 */
export const stateAtSequence = defineRoute({
  method: 'GET',
  path: 'temporal/recovery/:taskId/at/:sequence',
  auth: { action: 'read', idParam: 'taskId' },
  compress: true,
  async handle(input) {
    const { request, params, id: taskId, server } = input;
    const sequence = sequencePathParam(params.sequence, 'sequence');
    const closedRun = await server.closedLogs?.closedRun(taskId);
    if (server.closedLogs && closedRun) {
      const etag = `"${closedRun}.at${sequence}"`;
      const headers = closedPageHeaders(callerOf(input), etag);
      if (etagMatches(request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers });
      const log = await server.closedLogs.get(taskId, closedRun);
      // The closed log holds updates, not the snapshot: a compacted run needs one state query for it.
      const snapshot = log.firstSequence > 1 ? await closedSnapshot(server.gateway, taskId, log) : { value: undefined };
      if (snapshot) return json(stateAt({ ...log, snapshot: snapshot.value }, sequence), 200, headers);
      // The latest run is no longer the one described a moment ago: read it as a running one.
    }
    return json(await liveStateAt(server.gateway, taskId, sequence));
  },
});

/** A log as far as time travel needs it: where it starts and ends, what it holds. */
interface LogView {
  taskId: string;
  status: string;
  firstSequence: number;
  lastSequence: number;
  /** Contiguous, from `firstSequence`; may stop early once past the sequence asked for. */
  updates: readonly WorkflowUpdate[];
  snapshot: unknown;
}

/** The answer for `sequence` from a log that holds at least `firstSequence … sequence`. */
function stateAt(log: LogView, sequence: number): TimeTravelState {
  checkReachable(log, sequence);
  const state: TimeTravelState = {
    taskId: log.taskId,
    sequence,
    updates: log.updates.slice(0, Math.max(0, sequence - log.firstSequence + 1)),
    firstSequence: log.firstSequence,
    lastSequence: log.lastSequence,
    status: log.status,
  };
  if (log.snapshot !== undefined) state.snapshot = log.snapshot;
  return state;
}

/** Refuses a sequence the log has not reached, or one compaction already folded away. */
function checkReachable(log: Pick<LogView, 'taskId' | 'firstSequence' | 'lastSequence'>, sequence: number): void {
  const { taskId, firstSequence, lastSequence } = log;
  if (sequence > lastSequence) {
    throw new ResumableError(
      'NOT_FOUND',
      `Sequence ${sequence} is beyond the log of "${taskId}", which ends at ${lastSequence}`,
      { details: { sequence, firstSequence, lastSequence } },
    );
  }
  // The snapshot stands for state at firstSequence - 1; nothing older is kept anywhere.
  if (sequence < firstSequence - 1) {
    throw new ResumableError(
      'SEQUENCE_COMPACTED',
      `Sequence ${sequence} of "${taskId}" was compacted: the log holds ${firstSequence}…${lastSequence} and a ` +
        `snapshot of everything before. The compaction reducer only folds forward, so the earliest state it can ` +
        `rebuild is at sequence ${firstSequence - 1}`,
      { details: { sequence, firstSequence, lastSequence } },
    );
  }
}

/**
 * The snapshot of a closed, compacted run, from its (final) state; undefined when the
 * latest run is not the one whose log we hold (a workflow id started again).
 */
async function closedSnapshot(
  gateway: TemporalGateway,
  taskId: string,
  log: { firstSequence: number; lastSequence: number },
): Promise<{ value: unknown } | undefined> {
  const state = await gateway.readState(taskId);
  const base = state.heldFrom ?? state.firstSequence ?? 1;
  if (base !== log.firstSequence || state.lastSequence !== log.lastSequence) return undefined;
  return { value: state.snapshot };
}

/**
 * The state at `sequence` of a log that may still grow and compact: its state query
 * gives the snapshot and where the log starts, then pages bring the updates up to
 * `sequence` unless the state already held them all. A compaction between the reads
 * makes them disagree (the first page no longer starts at the snapshot's edge); then
 * everything is read again.
 */
async function liveStateAt(gateway: TemporalGateway, taskId: string, sequence: number): Promise<TimeTravelState> {
  for (let attempt = 1; ; attempt++) {
    const state = await gateway.readState(taskId);
    // `heldFrom` is where the log starts when the state left older updates out for size.
    const firstSequence = state.heldFrom ?? state.firstSequence ?? 1;
    const log = { taskId, status: state.status, firstSequence, lastSequence: state.lastSequence };
    checkReachable(log, sequence);
    if (state.heldFrom === undefined)
      return stateAt({ ...log, updates: state.updates, snapshot: state.snapshot }, sequence);
    const updates = await heldUpTo(gateway, taskId, firstSequence, sequence);
    if (updates) return stateAt({ ...log, updates, snapshot: state.snapshot }, sequence);
    if (attempt >= MAX_ATTEMPTS) {
      throw new ResumableError(
        'CONFLICT',
        `The log of "${taskId}" compacted past sequence ${sequence} while it was read ${attempt} times; try again`,
      );
    }
  }
}

/**
 * Held updates `from … to`, page by page; undefined when the log no longer starts at
 * `from` or skips ahead (compaction overtook the read).
 */
async function heldUpTo(
  gateway: TemporalGateway,
  taskId: string,
  from: number,
  to: number,
): Promise<WorkflowUpdate[] | undefined> {
  const updates: WorkflowUpdate[] = [];
  while (from + updates.length <= to) {
    const next = from + updates.length;
    const page = await gateway.readUpdates(taskId, next - 1, MAX_UPDATES_PAGE);
    if (page.updates[0]?.sequence !== next) return undefined;
    for (const update of page.updates) {
      if (update.sequence > to) break;
      updates.push(update);
    }
  }
  return updates;
}
