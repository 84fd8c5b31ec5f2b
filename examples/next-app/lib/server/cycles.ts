import { WORKFLOWS } from '@resumable/example-worker/shared';
import { MAX_UPDATES_PAGE, QUERY_NAMES, type UpdatesPage, type WorkflowUpdate } from '@resumable/protocol';
import { WorkflowNotFoundError, type WorkflowExecutionInfo } from '@temporalio/client';
import type { CycleInput } from '@/lib/analytics';
import { resumable } from './resumable';

/**
 * The test cycles the analytics read: listed from Temporal visibility (this app's task
 * queue only: a cycle is read with a query, which a closed one answers by replaying on
 * this queue's worker), each with its whole update log. A closed cycle's log never
 * changes, so it is read once and kept; a running one is read on every load.
 */

/** Newest cycles read per load (visibility lists newest first). */
const MAX_CYCLES = 500;
/** Logs read at once: each read of a closed cycle is a replay on the worker. */
const READ_CONCURRENCY = 4;
/** Loads within this long share one answer (the dashboard asks several endpoints at once). */
const FRESH_MS = 1_000;

export interface LoadedCycles {
  cycles: CycleInput[];
  /** Cycles whose log could not be read (their worker is gone, a query timed out), by id. */
  unreadable: string[];
  /** When this load listed the cycles, ms since the epoch. */
  loadedAt: number;
}

interface CycleCache {
  closed: Map<string, CycleInput>;
  loading?: { at: number; promise: Promise<LoadedCycles> };
}

// On globalThis, like the server singleton: route modules live in more than one module graph.
const KEY = Symbol.for('@resumable/example-next-app/cycles');
const cache: CycleCache = ((globalThis as { [KEY]?: CycleCache })[KEY] ??= { closed: new Map() });

const quoted = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The visibility query of this app's test cycles, narrowed by `extra` (e.g. `ExecutionStatus = 'Running'`). */
export function cyclesQuery(extra?: string): string {
  const { config } = resumable();
  const base = `WorkflowType = ${quoted(WORKFLOWS.testCycle)} AND TaskQueue = ${quoted(config.taskQueue)}`;
  return extra ? `${base} AND ${extra}` : base;
}

/** Executions of this app's test cycles, newest first. */
export async function listCycleExecutions(extra?: string, limit = MAX_CYCLES): Promise<WorkflowExecutionInfo[]> {
  const { client } = resumable();
  const listed: WorkflowExecutionInfo[] = [];
  for await (const info of client.workflow.list({ query: cyclesQuery(extra) })) {
    listed.push(info);
    if (listed.length >= limit) break;
  }
  return listed;
}

/** What a listed or described execution tells about a cycle. */
type Execution = Pick<WorkflowExecutionInfo, 'workflowId' | 'runId' | 'status' | 'startTime' | 'closeTime'>;

const closeOf = (info: Execution) =>
  info.status.name === 'RUNNING' || info.status.name === 'PAUSED' ? null : (info.closeTime?.getTime() ?? null);

/**
 * A cycle's whole log: the recovery server's snapshot (one query; it holds up to 2,000
 * updates, far more than a cycle writes), paged through `getUpdatesSince` in the rare
 * case the snapshot left older updates out.
 */
export async function readCycleLog(cycleId: string, runId?: string): Promise<WorkflowUpdate[]> {
  const { server, client } = resumable();
  const state = await server.getTaskSnapshot(cycleId);
  if (state.heldFrom === undefined) return state.updates;
  const handle = client.workflow.getHandle(cycleId, runId);
  const updates: WorkflowUpdate[] = [];
  for (let since = state.heldFrom - 1; ;) {
    const page = await handle.query<UpdatesPage, [number, number]>(QUERY_NAMES.updatesSince, since, MAX_UPDATES_PAGE);
    updates.push(...page.updates);
    const last = page.updates.at(-1)?.sequence;
    if (!page.hasMore || last === undefined) return updates;
    since = last;
  }
}

async function toInput(info: Execution): Promise<CycleInput> {
  const key = `${info.workflowId}/${info.runId}`;
  const kept = cache.closed.get(key);
  if (kept) return kept;
  const closeTime = closeOf(info);
  const cycle: CycleInput = {
    cycleId: info.workflowId,
    runId: info.runId,
    execution: { status: info.status.name, startTime: info.startTime.getTime(), closeTime },
    updates: await readCycleLog(info.workflowId, info.runId),
  };
  if (closeTime !== null) cache.closed.set(key, cycle);
  return cycle;
}

/** Runs `work` on every item, `limit` at a time, keeping the order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

async function load(): Promise<LoadedCycles> {
  const loadedAt = Date.now();
  const listed = await listCycleExecutions();
  const unreadable: string[] = [];
  const read = await mapLimited(listed, READ_CONCURRENCY, (info) =>
    toInput(info).catch((error: unknown) => {
      console.warn(`[analytics] could not read the log of ${info.workflowId}:`, error);
      unreadable.push(info.workflowId);
      return null;
    }),
  );
  // Keep only what the newest MAX_CYCLES still list, so the cache stays bounded.
  const listedKeys = new Set(listed.map((info) => `${info.workflowId}/${info.runId}`));
  for (const key of cache.closed.keys()) if (!listedKeys.has(key)) cache.closed.delete(key);
  return { cycles: read.filter((cycle): cycle is CycleInput => cycle !== null), unreadable, loadedAt };
}

/** This app's test cycles with their logs (newest first); loads within a second share one read. */
export function loadCycles(): Promise<LoadedCycles> {
  const now = Date.now();
  if (cache.loading && now - cache.loading.at < FRESH_MS) return cache.loading.promise;
  const promise = load();
  cache.loading = { at: now, promise };
  // A failed load is not shared with the next caller.
  promise.catch(() => {
    if (cache.loading?.promise === promise) cache.loading = undefined;
  });
  return promise;
}

/** One cycle by id, or null when there is none (or it is not a test cycle of this app). */
export async function loadCycle(cycleId: string): Promise<CycleInput | null> {
  const { client, config } = resumable();
  try {
    const description = await client.workflow.getHandle(cycleId).describe();
    if (description.type !== WORKFLOWS.testCycle || description.taskQueue !== config.taskQueue) return null;
    return await toInput(description);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    throw error;
  }
}

/**
 * The cycles the alert watcher checks: those running and those that closed after
 * `closedAfter` (ms since the epoch), with their logs.
 */
export async function loadAlertCandidates(closedAfter: number): Promise<CycleInput[]> {
  const since = new Date(closedAfter).toISOString();
  const listed = await listCycleExecutions(`(ExecutionStatus = 'Running' OR CloseTime > ${quoted(since)})`, 100);
  const read = await mapLimited(listed, READ_CONCURRENCY, (info) => toInput(info).catch(() => null));
  return read.filter((cycle): cycle is CycleInput => cycle !== null);
}
