import { setMaxListeners } from 'node:events';
import {
  ACTION_APPLIED_QUERY,
  MAX_UPDATES_PAGE,
  QUERY_NAMES,
  ResumableError,
  SEARCH_ATTRIBUTES,
  SIGNAL_NAMES,
  type ActionKey,
  type CancelSignalArgs,
  type PausedWorkflow,
  type ResumeSignalArgs,
  type TriggerSignalArgs,
  type LogChunk,
  type UpdatesPage,
  type WorkflowState,
  type WorkflowUpdate,
  type TemporalErrorContext,
  fromTemporalError,
  taskFailingError,
  updatesOfChunk,
} from '@resumable/protocol';
import {
  Client,
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type ConnectionOptions,
} from '@temporalio/client';
import { pausedVisibilityQuery } from '@resumable/recovery-manager';
import { resolveTemporalTarget } from './connection-options';

/**
 * How to reach Temporal. Every field falls back to the usual environment variables.
 *
 * @example
 * createRecoveryServer({ auth: { secret }, temporal: { address: 'temporal:7233', namespace: 'orders' } });
 */
export interface TemporalOptions {
  /** A ready client; the other fields are then ignored. */
  client?: Client;
  /** `TEMPORAL_ADDRESS`, default `localhost:7233`. */
  address?: string;
  /** `TEMPORAL_NAMESPACE`, default `default`. */
  namespace?: string;
  /**
   * Serve several namespaces from one server (tenants, environments): each gets its
   * own Temporal client on `client`'s connection (with its data converter and
   * interceptors), its own task streams, closed-log cache, paused list and bus, and a
   * request goes to the namespace its token names (`mintToken({ namespace })`). A
   * token naming another namespace, or none, is refused with 403 `FORBIDDEN`. Needs
   * `client` and `auth.secret`. Default: the one namespace of `client` or `namespace`.
   */
  namespaces?: readonly string[];
  /** TLS: `TEMPORAL_TLS_CERT_PATH` + `TEMPORAL_TLS_KEY_PATH` (mTLS), `TEMPORAL_TLS_CA_PATH`, `TEMPORAL_TLS_SERVER_NAME`. */
  tls?: ConnectionOptions['tls'];
  /** Temporal Cloud API key: `TEMPORAL_API_KEY`. */
  apiKey?: string;
  /**
   * A query still unanswered after this many ms makes the gateway ask whether the
   * workflow's task is failing (and again each interval). If it is, the query gives
   * up at once with `WORKFLOW_TASK_FAILING` instead of waiting for Temporal's own
   * answer (a FAILED_PRECONDITION after the task's timeout, 10 s by default). When the
   * task fails because the namespace lacks Resumable's search attributes, a pause
   * lookup answers `SEARCH_ATTRIBUTES_MISSING` instead, and a log read says so in its
   * message. Default 1000.
   */
  stuckCheckMs?: number;
  /**
   * Longest wait for a query's answer, ms (default 10000); then `TIMEOUT` (504), and
   * the caller tries again. Temporal can lose a query while a worker evicts a run
   * after a failed task, and then answers only after 30 s.
   */
  queryTimeoutMs?: number;
}

const DEFAULT_STUCK_CHECK_MS = 1000;
const DEFAULT_QUERY_TIMEOUT_MS = 10_000;
const RETRY_SLACK_MS = 50;

/** An abort's reason as a wire error: ours pass through, anything else is a shutdown. */
function abortReason(reason: unknown): ResumableError {
  return reason instanceof ResumableError ? reason : new ResumableError('SHUTTING_DOWN', 'The call was aborted');
}

/** Temporal retries a failed workflow task as attempt 2, 3, …: attempt > 1 means "failing". */
async function isTaskFailing(client: Client, taskId: string): Promise<boolean> {
  return failingTask((await client.workflow.getHandle(taskId).describe()).raw);
}

function failingTask(raw: { pendingWorkflowTask?: { attempt?: number | null } | null }): boolean {
  return (raw.pendingWorkflowTask?.attempt ?? 0) > 1;
}

/** Where a client points, for errors that name the command to run against it. */
function whereOf(client: Client): Pick<TemporalErrorContext, 'namespace' | 'address'> {
  const address = (client.connection as { options?: { address?: unknown } }).options?.address;
  return { namespace: client.options.namespace, ...(typeof address === 'string' ? { address } : {}) };
}

/**
 * How a call reports a workflow whose task fails because the namespace lacks
 * Resumable's search attributes: `'code'` answers `SEARCH_ATTRIBUTES_MISSING`;
 * `'message'` keeps `WORKFLOW_TASK_FAILING` (a state stream readers wait out, and
 * which ends by itself once the attributes exist) and says why in its message.
 */
type SearchAttributeVerdict = 'code' | 'message';

/** Events of the newest history page read to find why a workflow task fails. */
const FAILURE_LOOKBACK = 50;

/**
 * Where a workflow is in its life, as far as streaming cares.
 *
 * @example
 * const info: ExecutionInfo = { running: false, executionStatus: 'COMPLETED' };
 */
export interface ExecutionInfo {
  /** True while the workflow runs (its stream goes on). */
  running: boolean;
  /** Temporal's execution status, e.g. `RUNNING`, `COMPLETED`, `FAILED`. */
  executionStatus: string;
  /** True while the workflow's task is being retried after a failure (attempt 2 or later). */
  taskFailing?: boolean;
  /** The run described: the latest run of the workflow id. */
  runId?: string;
}

/** Everything a closed run's log holds, read once. */
export interface ClosedLogContent {
  taskId: string;
  runId: string;
  status: string;
  lastSequence: number;
  /** The first sequence held: 1, or above after compaction. */
  firstSequence: number;
  /** `firstSequence … lastSequence`, contiguous. */
  updates: WorkflowUpdate[];
  /** The log's epoch (see `UpdatesPage.epoch`), when it has one. */
  epoch?: string;
}

/** Where a query goes: the latest run of `taskId`, or one run of it. */
interface QueryTarget {
  taskId: string;
  runId?: string;
}

/** An open execution that visibility lists as waiting for an event, with the pause its search attributes name. */
export interface ListedWaiting {
  executionId: string;
  pausedAt: string | undefined;
  /** ms since the epoch, when indexed. */
  pausedTime: number | undefined;
}

/** A visibility string literal: the query parser reads backslash escapes. */
function quoted(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * @internal Exported for tests and benchmarks; apps pass `temporal` options instead.
 * Everything the server asks Temporal, in one place: the queries and signals of
 * `@resumable/workflow-state`, with errors mapped to wire errors.
 */
export class TemporalGateway {
  private clientPromise: Promise<Client> | undefined;
  private ownsConnection = false;
  /** Aborts every call in flight when the gateway closes. */
  private readonly closing = new AbortController();
  /** When the last retry the gRPC layer scheduled will fire (ms since the epoch). */
  private retriesPendingUntil = 0;

  constructor(private readonly options: TemporalOptions = {}) {
    // Every call in flight listens to it (hundreds under load): not a leak, no warning.
    setMaxListeners(0, this.closing.signal);
  }

  /** The namespace this gateway's calls go to (the client's, else the option's, else the environment's). */
  get namespace(): string {
    return (
      this.options.client?.options.namespace ?? this.options.namespace ?? process.env.TEMPORAL_NAMESPACE ?? 'default'
    );
  }

  /** The Temporal client; connects lazily, and reconnects on its own after outages. */
  async client(): Promise<Client> {
    this.clientPromise ??= this.createClient();
    return this.clientPromise;
  }

  private async createClient(): Promise<Client> {
    if (this.options.client) return this.options.client;
    const target = resolveTemporalTarget(this.options);
    // lazy(): no failure at start-up while Temporal is down; calls fail with
    // UNAVAILABLE (→ 503) and succeed again once it is back.
    const connection = Connection.lazy({
      ...target.connection,
      interceptors: [makeGrpcRetryInterceptor(this.closeAwareRetries())],
    });
    this.ownsConnection = true;
    return new Client({ connection, namespace: target.namespace });
  }

  /**
   * Temporal's own retry policy, made safe to close under: the gRPC retry layer fires
   * its retries from timers that no abort cancels, and a retry that fires after the
   * channel closed throws where nothing can catch it (an uncaught exception that ends
   * the process). So no retry is scheduled once closing began, and `close()` waits for
   * the last scheduled one before it closes the channel.
   */
  private closeAwareRetries(): ReturnType<typeof defaultGrpcRetryOptions> {
    const defaults = defaultGrpcRetryOptions();
    return {
      retryableDecider: (attempt, status) => !this.closing.signal.aborted && defaults.retryableDecider(attempt, status),
      delayFunction: (attempt, status) => {
        const delay = defaults.delayFunction(attempt, status);
        this.retriesPendingUntil = Math.max(this.retriesPendingUntil, Date.now() + delay);
        return delay;
      },
    };
  }

  private async call<T>(
    id: string,
    fn: (client: Client) => Promise<T>,
    signal?: AbortSignal,
    verdict: SearchAttributeVerdict = 'code',
  ): Promise<T> {
    const client = await this.client();
    const abort = signal ? AbortSignal.any([signal, this.closing.signal]) : this.closing.signal;
    try {
      return await client.withAbortSignal(abort, () => fn(client));
    } catch (error) {
      if (abort.aborted) throw abortReason(abort.reason);
      const translated = fromTemporalError(error, { workflowId: id, ...whereOf(client) });
      if (translated.code !== 'WORKFLOW_TASK_FAILING') throw translated;
      throw await this.taskFailing(client, id, verdict, translated);
    }
  }

  /**
   * The error for a workflow whose task keeps failing: `fallback` (`WORKFLOW_TASK_FAILING`),
   * unless its history shows the task failing because the namespace lacks Resumable's
   * search attributes (a pause on a server nobody ran the setup command on).
   */
  private async taskFailing(
    client: Client,
    taskId: string,
    verdict: SearchAttributeVerdict,
    fallback = taskFailingError(taskId),
  ): Promise<ResumableError> {
    const missing = await this.searchAttributeFailure(client, taskId);
    if (!missing) return fallback;
    if (verdict === 'code') return missing;
    return new ResumableError('WORKFLOW_TASK_FAILING', `${fallback.message}. ${missing.message}`, {
      cause: missing,
      details: { reason: missing.code, ...(missing.details as object) },
    });
  }

  /**
   * `SEARCH_ATTRIBUTES_MISSING` when the newest failed workflow task of `taskId` was
   * refused for a Resumable search attribute (Temporal writes the first failure of a
   * streak into the history; the retries are transient), else undefined.
   */
  private async searchAttributeFailure(client: Client, taskId: string): Promise<ResumableError | undefined> {
    try {
      const { history } = await client.withAbortSignal(this.closing.signal, () =>
        client.workflowService.getWorkflowExecutionHistoryReverse({
          namespace: client.options.namespace,
          execution: { workflowId: taskId },
          maximumPageSize: FAILURE_LOOKBACK,
        }),
      );
      for (const event of history?.events ?? []) {
        if (event.workflowTaskCompletedEventAttributes) return undefined;
        const failed = event.workflowTaskFailedEventAttributes;
        if (!failed) continue;
        const translated = fromTemporalError(new Error(failed.failure?.message ?? ''), {
          operation: `Workflow "${taskId}"'s workflow task keeps failing`,
          ...whereOf(client),
        });
        return translated.code === 'SEARCH_ATTRIBUTES_MISSING' ? translated : undefined;
      }
    } catch {
      // Only an explanation: without it the caller still gets WORKFLOW_TASK_FAILING.
    }
    return undefined;
  }

  /** `getUpdatesSince(since, limit)` on the latest run of `taskId`. */
  readUpdates(taskId: string, since: number, limit = MAX_UPDATES_PAGE): Promise<UpdatesPage> {
    return this.query<UpdatesPage>({ taskId }, 'message', QUERY_NAMES.updatesSince, since, limit);
  }

  /** `getWorkflowState()` on the latest run of `taskId`. */
  readState(taskId: string): Promise<WorkflowState> {
    return this.query<WorkflowState>({ taskId }, 'message', QUERY_NAMES.state);
  }

  /**
   * The whole log of a closed run, in as few queries as its size allows (usually one:
   * each query on a closed workflow replays it on a worker, so pages would cost one
   * replay each). Workers too old for `getLogChunk` are read page by page.
   */
  async readClosedLog(taskId: string, runId: string): Promise<ClosedLogContent> {
    try {
      return await this.readWhole(taskId, runId, async (since) => {
        const chunk = await this.query<LogChunk>({ taskId, runId }, 'message', QUERY_NAMES.logChunk, since);
        return { ...chunk, updates: updatesOfChunk(chunk) };
      });
    } catch (error) {
      if (!ResumableError.is(error) || error.code !== 'TASK_NOT_FOUND') throw error;
      // "Query not registered" (an older workflow-state) or no such workflow: pages tell which.
      return this.readWhole(taskId, runId, (since) =>
        this.query<UpdatesPage>({ taskId, runId }, 'message', QUERY_NAMES.updatesSince, since, MAX_UPDATES_PAGE),
      );
    }
  }

  /** Reads `read(since)` answers from the start until the log has no more. */
  private async readWhole(
    taskId: string,
    runId: string,
    read: (since: number) => Promise<Pick<UpdatesPage, 'status' | 'lastSequence' | 'updates' | 'hasMore' | 'epoch'>>,
  ): Promise<ClosedLogContent> {
    const updates: WorkflowUpdate[] = [];
    let page = await read(0);
    const firstSequence = page.updates[0]?.sequence ?? page.lastSequence + 1;
    for (;;) {
      const before = updates.length;
      for (const update of page.updates) {
        if (update.sequence === firstSequence + updates.length) updates.push(update);
      }
      if (!page.hasMore) break;
      // An answer that did not move us on would repeat forever; a partial log must not pass for whole.
      if (updates.length === before) {
        throw new ResumableError(
          'INTERNAL',
          `The log of "${taskId}" did not continue after ${firstSequence + before - 1}`,
        );
      }
      page = await read(firstSequence + updates.length - 1);
    }
    const last = updates.at(-1)?.sequence ?? firstSequence - 1;
    if (last !== page.lastSequence) {
      throw new ResumableError(
        'INTERNAL',
        `The log of "${taskId}" ends at ${last} but names ${page.lastSequence} last`,
      );
    }
    const { status, lastSequence, epoch } = page;
    return { taskId, runId, status, lastSequence, firstSequence, updates, ...(epoch !== undefined && { epoch }) };
  }

  /**
   * A query that gives up early when the workflow's task is failing: Temporal holds
   * such a query until the task attempt times out and then refuses it, while the
   * caller (a browser waiting on a stream or a recovery page) deserves a fast answer.
   */
  private query<T>(
    { taskId, runId }: QueryTarget,
    verdict: SearchAttributeVerdict,
    name: string,
    ...args: unknown[]
  ): Promise<T> {
    const controller = new AbortController();
    return this.call(
      taskId,
      async (client) => {
        const every = this.options.stuckCheckMs ?? DEFAULT_STUCK_CHECK_MS;
        // The same check tells whether Temporal answers at all, for the deadline's verdict:
        // nothing answered means Temporal is unreachable, not that the workflow is slow.
        let answered = false;
        const timer = setInterval(() => {
          void client
            .withAbortSignal(this.closing.signal, () => isTaskFailing(client, taskId))
            .then(
              async (failing) => {
                answered = true;
                if (failing) controller.abort(await this.taskFailing(client, taskId, verdict));
              },
              () => undefined,
            );
        }, every);
        const timeoutMs = this.options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
        const deadline = setTimeout(() => {
          controller.abort(
            !answered
              ? new ResumableError('TEMPORAL_UNAVAILABLE', 'Temporal is unavailable; try again shortly')
              : new ResumableError('TIMEOUT', `Workflow "${taskId}" did not answer ${name} within ${timeoutMs} ms`),
          );
        }, timeoutMs);
        try {
          return await client.workflow.getHandle(taskId, runId).query<T, unknown[]>(name, ...args);
        } finally {
          clearInterval(timer);
          clearTimeout(deadline);
        }
      },
      controller.signal,
      verdict,
    );
  }

  /** The current pause of an execution, or null (bounded like every query: a missing worker cannot hang it). */
  readPause(executionId: string): Promise<PausedWorkflow | null> {
    return this.query<PausedWorkflow | null>({ taskId: executionId }, 'code', QUERY_NAMES.pause);
  }

  /**
   * Open executions whose `ResumableWaitingFor` search attribute holds `event`, from
   * Temporal visibility (eventually consistent; correlation keys are not indexed).
   * Names with a double quote are not asked: SQLite visibility (the dev server) puts
   * them unescaped into a full-text match and fails with UNAVAILABLE, retried for seconds.
   */
  async listWaiting(event: string): Promise<ListedWaiting[]> {
    if (event.includes('"')) return [];
    const query = pausedVisibilityQuery(`${SEARCH_ATTRIBUTES.waitingFor.name} = ${quoted(event)}`);
    return this.call(event, async (client) => {
      const listed: ListedWaiting[] = [];
      for await (const info of client.workflow.list({ query })) {
        const attributes = new Map(
          info.typedSearchAttributes.getAll().map(({ key, value }) => [key.name, value as unknown]),
        );
        const pausedAt = attributes.get(SEARCH_ATTRIBUTES.pausedAt.name);
        const pausedTime = attributes.get(SEARCH_ATTRIBUTES.pausedTime.name);
        listed.push({
          executionId: info.workflowId,
          pausedAt: typeof pausedAt === 'string' ? pausedAt : undefined,
          pausedTime: pausedTime instanceof Date ? pausedTime.getTime() : undefined,
        });
      }
      return listed;
    });
  }

  /** Whether the latest run of `taskId` is still running. */
  describe(taskId: string): Promise<ExecutionInfo> {
    return this.call(taskId, async (client) => {
      const description = await client.workflow.getHandle(taskId).describe();
      const executionStatus = description.status.name;
      return {
        running: executionStatus === 'RUNNING',
        executionStatus,
        taskFailing: failingTask(description.raw),
        runId: description.runId,
      };
    });
  }

  /**
   * Whether the latest run of `executionId` applied a pause action with `key`. A
   * workflow-state too old to know keys answers no (its query is not registered).
   */
  async actionApplied(executionId: string, key: string): Promise<boolean> {
    try {
      return (await this.query<boolean>({ taskId: executionId }, 'code', ACTION_APPLIED_QUERY, key)) === true;
    } catch (error) {
      if (ResumableError.is(error) && error.code === 'TASK_NOT_FOUND') return false;
      throw error;
    }
  }

  resume(executionId: string, args: ResumeSignalArgs & ActionKey): Promise<void> {
    return this.call(executionId, (client) => client.workflow.getHandle(executionId).signal(SIGNAL_NAMES.resume, args));
  }

  cancel(executionId: string, args: CancelSignalArgs & ActionKey): Promise<void> {
    return this.call(executionId, (client) => client.workflow.getHandle(executionId).signal(SIGNAL_NAMES.cancel, args));
  }

  trigger(executionId: string, args: TriggerSignalArgs & ActionKey): Promise<void> {
    return this.call(executionId, (client) =>
      client.workflow.getHandle(executionId).signal(SIGNAL_NAMES.trigger, args),
    );
  }

  /**
   * Ends every call in flight (they reject with `SHUTTING_DOWN`) and closes the
   * connection if this gateway opened it, once no gRPC retry is still pending.
   */
  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort(new ResumableError('SHUTTING_DOWN', 'The server is shutting down'));
    if (!this.ownsConnection || !this.clientPromise) return;
    const client = await this.clientPromise;
    const wait = this.retriesPendingUntil - Date.now();
    // A retry timer fires a moment after its due time; a little slack covers that.
    if (wait > -RETRY_SLACK_MS) await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait) + RETRY_SLACK_MS));
    await client.connection.close();
  }
}
