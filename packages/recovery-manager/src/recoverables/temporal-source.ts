import {
  QUERY_NAMES,
  SEARCH_ATTRIBUTES,
  fromTemporalError,
  isTemporalError,
  type PausedWorkflow,
} from '@resumable/protocol';
// Types only: @temporalio/client is an optional peer, and the code below uses the
// caller's own copy of it (through the client they pass), never a second one.
import type { Client, WorkflowClient, WorkflowClientOptions, WorkflowExecutionInfo } from '@temporalio/client';
import type { ListedPause, PauseLookup, PauseSource } from './paused-workflows';

/**
 * Options of `temporalPauseSource`.
 *
 * @example
 * const source = temporalPauseSource(client, { filter: "TaskQueue = 'orders'", pageSize: 500 });
 */
export interface TemporalPauseSourceOptions {
  /** An extra visibility filter, ANDed with the paused query, e.g. `TaskQueue = 'orders'`. */
  filter?: string;
  /** Executions per visibility page. Default: the server's (usually 1000). */
  pageSize?: number;
}

/**
 * The visibility query that lists paused executions: the `ResumablePaused` search
 * attribute, open executions only (a workflow terminated while paused keeps the
 * attribute forever), and the caller's extra filter.
 *
 * @example
 * pausedVisibilityQuery("TaskQueue = 'orders'");
 * // "ResumablePaused = true AND ExecutionStatus = 'Running' AND (TaskQueue = 'orders')"
 */
export function pausedVisibilityQuery(filter?: string): string {
  const base = `${SEARCH_ATTRIBUTES.paused.name} = true AND ExecutionStatus = 'Running'`;
  return filter && filter.trim().length > 0 ? `${base} AND (${filter})` : base;
}

/**
 * A `PauseSource` over Temporal: lists with `client.workflow.list()` and looks each
 * execution up with the `getPauseState` query. Lookups reject closed executions
 * (query reject condition `NOT_OPEN`), so an execution that closed after it was
 * listed reads as `closed` instead of answering from its final state.
 *
 * @example
 * const source = temporalPauseSource(client, { filter: "TaskQueue = 'orders'" });
 * manager.register(pausedWorkflowsRecoverable({ source, registry }));
 */
export function temporalPauseSource(
  client: Pick<Client, 'workflow'>,
  options: TemporalPauseSourceOptions = {},
): PauseSource {
  const query = pausedVisibilityQuery(options.filter);
  // Where the client points: a namespace without Resumable's search attributes refuses
  // the query, and the error then names the command to run against this one.
  const address = (client.workflow.connection as { options?: { address?: unknown } } | undefined)?.options?.address;
  const where = {
    namespace: client.workflow.options.namespace,
    ...(typeof address === 'string' ? { address } : {}),
  };
  // Temporal: "queryRejectCondition NOT_OPEN: reject the query if the workflow is not open".
  // It is a client option, so a sibling client on the same connection carries it.
  const Ctor = client.workflow.constructor as new (options: WorkflowClientOptions) => WorkflowClient;
  const lookupClient = new Ctor({ ...client.workflow.options, queryRejectCondition: 'NOT_OPEN' });

  return {
    async *list(signal) {
      const listOptions = options.pageSize === undefined ? { query } : { query, pageSize: options.pageSize };
      const iterator = client.workflow.list(listOptions)[Symbol.asyncIterator]();
      for (;;) {
        signal.throwIfAborted();
        let next: IteratorResult<WorkflowExecutionInfo>;
        try {
          next = await client.workflow.withAbortSignal(signal, () => iterator.next());
        } catch (error) {
          signal.throwIfAborted();
          throw fromTemporalError(error, { operation: `Listing paused executions (${query})`, ...where });
        }
        if (next.done) return;
        yield listedFrom(next.value);
      }
    },

    async lookup(executionId, signal) {
      try {
        const pause = await lookupClient.withAbortSignal(signal, () =>
          lookupClient.getHandle(executionId).query<PausedWorkflow | null>(QUERY_NAMES.pause),
        );
        return pause === null || pause === undefined ? { status: 'not-paused' } : { status: 'paused', pause };
      } catch (error) {
        if (isTemporalError(error, 'QueryRejectedError') || isTemporalError(error, 'WorkflowNotFoundError')) {
          return { status: 'closed' } satisfies PauseLookup;
        }
        signal.throwIfAborted();
        throw fromTemporalError(error, { workflowId: executionId, operation: `Query ${QUERY_NAMES.pause}`, ...where });
      }
    },
  };
}

/** The pause as the search attributes describe it; `variables` and `correlation` are not indexed. */
function listedFrom(info: WorkflowExecutionInfo): ListedPause {
  const attributes = new Map<string, unknown>();
  for (const { key, value } of info.typedSearchAttributes.getAll()) attributes.set(key.name, value);
  const pausedAt = attributes.get(SEARCH_ATTRIBUTES.pausedAt.name);
  const waitingFor = attributes.get(SEARCH_ATTRIBUTES.waitingFor.name);
  const pausedTime = attributes.get(SEARCH_ATTRIBUTES.pausedTime.name);
  const timeoutAt = attributes.get(SEARCH_ATTRIBUTES.timeoutAt.name);
  const listed: ListedPause = { executionId: info.workflowId };
  if (typeof pausedAt === 'string') {
    listed.visibility = {
      executionId: info.workflowId,
      workflowType: info.type,
      workflowId: info.type,
      pausedAt,
      pausedTime: (pausedTime instanceof Date ? pausedTime : info.startTime).toISOString(),
      waitingFor: Array.isArray(waitingFor)
        ? waitingFor.filter((name): name is string => typeof name === 'string')
        : [],
      timeoutAt: timeoutAt instanceof Date ? timeoutAt.toISOString() : null,
      variables: {},
    };
  }
  return listed;
}
