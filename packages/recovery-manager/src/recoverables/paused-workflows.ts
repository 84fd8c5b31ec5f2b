import type { Client } from '@temporalio/client';
import { ResumableError, type ErrorCode, type PausedWorkflow } from '@resumable/protocol';
import { parsePausedWorkflow } from '../paused-workflow';
import type { PausedRegistry } from '../paused-registry';
import type { Recoverable, RecoveryContext } from '../recoverable';
import { temporalPauseSource } from './temporal-source';

/**
 * The default name of the paused-registry component; other components name it in `after`.
 *
 * @example
 * deadlineTimersRecoverable({ after: [PAUSED_WORKFLOWS], load: () => pauseDeadlines(registry), onFire });
 */
export const PAUSED_WORKFLOWS = 'paused-workflows';

/**
 * An execution the visibility store lists as paused.
 *
 * @example
 * const listed: ListedPause = { executionId: 'order-7' };
 */
export interface ListedPause {
  /** The execution's workflow id. */
  executionId: string;
  /** The pause as the search attributes describe it (no variables); used when the exact lookup fails. */
  visibility?: PausedWorkflow;
}

/**
 * The exact, current pause of one execution.
 *
 * @example
 * const lookup: PauseLookup = row ? { status: 'paused', pause: row.pause } : { status: 'closed' };
 */
export type PauseLookup =
  | {
      /** Still paused. */
      status: 'paused';
      /** Its pause (checked with `parsePausedWorkflow`). */
      pause: unknown;
    }
  | {
      /** Open, but no longer waiting at a pause. */
      status: 'not-paused';
    }
  | {
      /** Closed (or gone) since it was listed. */
      status: 'closed';
    };

/**
 * Where paused executions come from. `temporalPauseSource(client)` reads Temporal;
 * anything else that can list and look up pauses can stand in.
 *
 * @example
 * const fromDb: PauseSource = {
 *   async *list() { for (const row of await db.pausedRows()) yield { executionId: row.id }; },
 *   async lookup(id) { const row = await db.pause(id); return row ? { status: 'paused', pause: row } : { status: 'closed' }; },
 * };
 */
export interface PauseSource {
  /** Every execution that may be paused (the list may be slightly stale: visibility is eventually consistent). */
  list(signal: AbortSignal): AsyncIterable<ListedPause>;
  /** The exact current pause of one execution. Throws when it cannot tell. */
  lookup(executionId: string, signal: AbortSignal): Promise<PauseLookup>;
}

/**
 * Options of `pausedWorkflowsRecoverable`: a `client` or a `source`, and the `registry` to fill.
 *
 * @example
 * manager.register(pausedWorkflowsRecoverable({ client, registry, filter: "TaskQueue = 'orders'" }));
 */
export interface PausedWorkflowsRecoverableOptions<TVariables = Record<string, unknown>> {
  /** A Temporal client: paused executions are read with `temporalPauseSource(client, { filter, pageSize })`. */
  client?: Pick<Client, 'workflow'>;
  /** With `client`: an extra visibility filter, e.g. `TaskQueue = 'orders'`. */
  filter?: string;
  /** With `client`: executions per visibility page. */
  pageSize?: number;
  /** Any other source of pauses (instead of `client`). */
  source?: PauseSource;
  /** The registry to rebuild. */
  registry: PausedRegistry<TVariables>;
  /** Default `paused-workflows`. */
  name?: string;
  /** This component's time limit, ms (default: the manager's). */
  timeoutMs?: number;
  /** Lookups in flight at once. Default 8. */
  concurrency?: number;
  /** Time limit of one lookup in ms. Default 5 000. */
  lookupTimeoutMs?: number;
  /**
   * When a lookup fails (time-out, no worker, bad answer): `visibility` keeps the
   * execution with the pause its search attributes describe (variables empty), so it
   * still shows and still routes events; `skip` leaves it out. Either way an issue
   * is reported. Default `visibility`.
   */
  whenLookupFails?: 'visibility' | 'skip';
}

/**
 * Rebuilds the paused registry: lists the executions visibility reports paused, then
 * asks each for its exact pause (`waitingFor`, `timeoutAt`, `variables`). Executions
 * that closed or stopped pausing between the list and the lookup are skipped, not
 * errors. The result is reconciled into the registry in one step, so changes the
 * server saw live while recovery ran are not overwritten by older data.
 *
 * Counts: `listed`, `paused`, `notPaused`, `closed`, `fromVisibility`, `failed`, and
 * the registry's `added` / `updated` / `removed` / `unchanged` / `kept`.
 *
 * @example
 * manager.register(pausedWorkflowsRecoverable({ client, registry }));
 */
export function pausedWorkflowsRecoverable<TVariables = Record<string, unknown>>(
  options: PausedWorkflowsRecoverableOptions<TVariables>,
): Recoverable {
  const concurrency = options.concurrency ?? 8;
  const lookupTimeoutMs = options.lookupTimeoutMs ?? 5_000;
  const fallback = options.whenLookupFails ?? 'visibility';
  const source = pauseSourceOf(options);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ResumableError('INVALID_PARAMETER', `concurrency must be a positive integer, got ${concurrency}`);
  }
  if (!Number.isFinite(lookupTimeoutMs) || lookupTimeoutMs <= 0) {
    throw new ResumableError('INVALID_PARAMETER', `lookupTimeoutMs must be a positive number, got ${lookupTimeoutMs}`);
  }

  return {
    name: options.name ?? PAUSED_WORKFLOWS,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    async recover(ctx) {
      const rebuild = options.registry.beginRebuild();
      try {
        const found = new Map<string, PausedWorkflow<TVariables>>();
        const seen = new Set<string>();
        const inFlight = new Set<Promise<void>>();

        const resolveOne = async (listed: ListedPause) => {
          const pause = await resolvePause(listed, ctx, source, lookupTimeoutMs, fallback);
          if (pause) found.set(pause.executionId, pause as PausedWorkflow<TVariables>);
        };

        for await (const listed of source.list(ctx.signal)) {
          ctx.signal.throwIfAborted();
          // A page boundary that moves under a changing list can repeat an execution.
          if (seen.has(listed.executionId)) continue;
          seen.add(listed.executionId);
          ctx.count('listed');
          const task = resolveOne(listed).finally(() => inFlight.delete(task));
          // Only an abort rejects a task, and the abort is rethrown below anyway.
          task.catch(() => undefined);
          inFlight.add(task);
          if (inFlight.size >= concurrency) await Promise.race(inFlight);
        }
        await Promise.all(inFlight);
        ctx.signal.throwIfAborted();

        ctx.count('paused', found.size);
        const result = rebuild.commit(found.values());
        for (const [counter, value] of Object.entries(result)) ctx.count(counter, value);
      } catch (error) {
        rebuild.abandon();
        throw error;
      }
    },
  };
}

async function resolvePause(
  listed: ListedPause,
  ctx: RecoveryContext,
  source: PauseSource,
  lookupTimeoutMs: number,
  fallback: 'visibility' | 'skip',
): Promise<PausedWorkflow | undefined> {
  const { executionId } = listed;
  let problem: { code: ErrorCode; message: string };
  // A plain timer, not AbortSignal.timeout(): a timeout signal only referenced from
  // AbortSignal.any() can be garbage-collected before it fires, and the lookup then hangs.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), lookupTimeoutMs);
  const signal = AbortSignal.any([ctx.signal, controller.signal]);
  try {
    const lookup = await source.lookup(executionId, signal);
    if (lookup.status === 'closed') {
      ctx.count('closed');
      return undefined;
    }
    if (lookup.status === 'not-paused') {
      ctx.count('notPaused');
      return undefined;
    }
    const pause = parsePausedWorkflow(lookup.pause);
    if (pause.executionId !== executionId) {
      throw new ResumableError(
        'INVALID_PARAMETER',
        `Invalid paused workflow: ${executionId} answered with executionId ${pause.executionId}`,
      );
    }
    return pause;
  } catch (error) {
    // The whole component is stopping: that is not this execution's problem.
    ctx.signal.throwIfAborted();
    // However the source reports a cancelled call, our own time limit is the cause.
    const wrapped = signal.aborted
      ? new ResumableError('TIMEOUT', `no answer within ${lookupTimeoutMs} ms`)
      : ResumableError.from(error, 'INTERNAL');
    problem = { code: wrapped.code, message: wrapped.message };
  } finally {
    clearTimeout(timer);
  }

  const fromVisibility = fallback === 'visibility' ? usableVisibility(listed) : undefined;
  ctx.issue({
    code: problem.code,
    message: `Pause lookup failed (${problem.message}); ${fromVisibility ? 'kept the pause its search attributes describe' : 'left out'}`,
    subject: executionId,
  });
  ctx.count(fromVisibility ? 'fromVisibility' : 'failed');
  return fromVisibility;
}

function usableVisibility(listed: ListedPause): PausedWorkflow | undefined {
  if (!listed.visibility) return undefined;
  try {
    return parsePausedWorkflow(listed.visibility);
  } catch {
    return undefined;
  }
}

function pauseSourceOf(
  options: Pick<PausedWorkflowsRecoverableOptions, 'client' | 'source' | 'filter' | 'pageSize'>,
): PauseSource {
  if (options.source && options.client) {
    throw new ResumableError('INVALID_PARAMETER', 'Pass either `client` or `source`, not both');
  }
  if (options.source) return options.source;
  if (options.client) {
    return temporalPauseSource(options.client, {
      ...(options.filter === undefined ? {} : { filter: options.filter }),
      ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    });
  }
  throw new ResumableError('INVALID_PARAMETER', 'pausedWorkflowsRecoverable needs a Temporal `client` or a `source`');
}
