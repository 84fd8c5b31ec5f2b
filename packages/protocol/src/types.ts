/**
 * The shapes that travel between a workflow, a server and a browser.
 * Nothing here imports Temporal, React or Node: it is safe in every runtime.
 */

/**
 * An app's update types mapped to their payloads, e.g. `{ message: { text: string } }`.
 *
 * @example
 * type OrderUpdates = { progress: { percent: number }; message: { text: string } };
 * const update: UpdateOf<OrderUpdates> = { id: 'o:1', timestamp: 0, sequence: 1, type: 'progress', data: { percent: 10 } };
 */
export type UpdateMap = Record<string, unknown>;

/**
 * One entry of a workflow's durable update log.
 *
 * @example
 * const update: WorkflowUpdate<'message', { text: string }> = {
 *   id: 'task-42:7', timestamp: 1767225600000, sequence: 7, type: 'message', data: { text: 'hi' },
 * };
 */
export interface WorkflowUpdate<TType extends string = string, TData = unknown> {
  /** Stable per update: `${taskId}:${sequence}`. */
  id: string;
  /** Milliseconds since the epoch, from the workflow's deterministic clock. */
  timestamp: number;
  /** 1, 2, 3, … contiguous per workflow id, kept across continue-as-new. */
  sequence: number;
  /** The update's type, chosen by the app (`progress`, `message`, …). */
  type: TType;
  /** The update's payload. */
  data: TData;
}

/**
 * The union of `WorkflowUpdate`s an `UpdateMap` allows.
 *
 * @example
 * type Update = UpdateOf<{ progress: { percent: number } }>; // WorkflowUpdate<'progress', { percent: number }>
 */
export type UpdateOf<TMap extends UpdateMap = UpdateMap> = {
  [K in keyof TMap & string]: WorkflowUpdate<K, TMap[K]>;
}[keyof TMap & string];

/**
 * The whole state of a task, as answered by the `getWorkflowState` query and
 * `GET /api/temporal/recovery/:taskId/latest`.
 *
 * @example
 * const state: WorkflowStateOf<'running' | 'done', WorkflowUpdate> = await handle.query(QUERY_NAMES.state);
 * render(state.updates);
 */
export interface WorkflowStateOf<TStatus extends string, TUpdate extends WorkflowUpdate> {
  /** The Temporal workflow id. */
  taskId: string;
  /** The workflow's status, as its update log holds it. */
  status: TStatus;
  /** Updates in sequence order, from `firstSequence` to `lastSequence`. */
  updates: TUpdate[];
  /** The highest sequence ever emitted (0 before the first emit). */
  lastSequence: number;
  /** Workflow start, milliseconds since the epoch. */
  startTime: number;
  /**
   * The lowest sequence still held in `updates`. 1 unless older updates were
   * compacted into `snapshot`; a client resuming below it must start from the snapshot.
   */
  firstSequence?: number;
  /**
   * Set when this answer left older updates out to stay within its size bounds (the
   * workflow's `limits.stateUpdates` and `limits.stateBytes`): the lowest sequence the
   * log still holds. The updates from `heldFrom` to `firstSequence - 1` are not
   * compacted; page through them with `GET /api/temporal/recovery/:taskId?sinceSequence=`
   * `heldFrom - 1`. Absent when `updates` starts where the log does.
   */
  heldFrom?: number;
  /** App-defined summary of compacted updates (those below `firstSequence`, or `heldFrom` when set). */
  snapshot?: unknown;
  /**
   * Which log this is: the run id of the run that began it, kept across continue-as-new.
   * A reset (or a new run under a reused workflow id) begins another log with another
   * epoch, whose sequences start over: a client holding another epoch's updates must
   * drop them. Absent from logs written before epochs existed.
   */
  epoch?: string;
}

/**
 * The whole state of a task with an app's update map. Defined over the update union
 * (`WorkflowStateOf`), so a state with a specific map is assignable to the plain
 * `WorkflowState`.
 *
 * @example
 * const state: WorkflowState<'running' | 'done', { progress: { percent: number } }> = await response.json();
 */
export type WorkflowState<TStatus extends string = string, TMap extends UpdateMap = UpdateMap> = WorkflowStateOf<
  TStatus,
  UpdateOf<TMap>
>;

/**
 * A page of the log: `GET /api/temporal/recovery/:taskId` and `getUpdatesSince`.
 *
 * @example
 * const page: UpdatesPageOf<string, WorkflowUpdate> = await handle.query(QUERY_NAMES.updatesSince, 0);
 * if (page.hasMore) await handle.query(QUERY_NAMES.updatesSince, page.updates.at(-1)?.sequence ?? 0);
 */
export interface UpdatesPageOf<TStatus extends string, TUpdate extends WorkflowUpdate> {
  /** The Temporal workflow id. */
  taskId: string;
  /** The workflow's status, as its update log holds it. */
  status: TStatus;
  /** The highest sequence the log holds (not only this page's). */
  lastSequence: number;
  /** The page's updates, in sequence order. */
  updates: TUpdate[];
  /** True when more updates exist after the last one in this page. */
  hasMore: boolean;
  /**
   * Only on pages asked with `?types=`: every sequence up to here is either in
   * `updates` or of a type the filter leaves out. The next page starts after it
   * (`sinceSequence=throughSequence`), and a client that tracks sequences treats the
   * missing ones up to it as delivered: a gap after it is a real gap.
   */
  throughSequence?: number;
  /**
   * Which log this is: the run id of the run that began it, kept across continue-as-new.
   * A reset (or a new run under a reused workflow id) begins another log with another
   * epoch, whose sequences start over: a client holding another epoch's updates must
   * drop them. Absent from logs written before epochs existed.
   */
  epoch?: string;
}

/**
 * A page of the log with an app's update map (see `UpdatesPageOf`).
 *
 * @example
 * const page: UpdatesPage = await (await fetch(`/api/temporal/recovery/${taskId}?sinceSequence=0`)).json();
 */
export type UpdatesPage<TStatus extends string = string, TMap extends UpdateMap = UpdateMap> = UpdatesPageOf<
  TStatus,
  UpdateOf<TMap>
>;

/**
 * Body of `POST /api/temporal/recovery/:taskId`: where the client stands, by sequence
 * (exact) or, when it kept only that, by the time of the last update it showed (the
 * replay starts after the last update at or before it). `lastSequence` wins when both
 * are given.
 *
 * @example
 * const body: RecoveryRequest = { connectionId, lastSequence: 41 };
 */
export type RecoveryRequest =
  | {
      /** The stream's connection id (from its `connected` event). */
      connectionId: string;
      /** The last sequence the client holds. */
      lastSequence: number;
      /** The time of the last update it showed, ms since the epoch. */
      lastTimestamp?: number;
    }
  | {
      /** The stream's connection id (from its `connected` event). */
      connectionId: string;
      /** Not known: the replay starts from `lastTimestamp`. */
      lastSequence?: undefined;
      /** The time of the last update it showed, ms since the epoch. */
      lastTimestamp: number;
    };

/**
 * Answer of `POST /api/temporal/recovery/:taskId`.
 *
 * @example
 * const { recovered, lastSequence }: RecoveryResult = await response.json();
 */
export interface RecoveryResult {
  /** How many updates were replayed on the stream. */
  recovered: number;
  /** The last sequence the replay reached. */
  lastSequence: number;
}

/**
 * `data` of the first event on a task stream; `TStatus` is the workflow's statuses.
 *
 * @example
 * const connected = parseJsonData<ConnectedEventData>(event);
 * console.log(connected.connectionId, connected.resumeFrom);
 */
export interface ConnectedEventData<TStatus extends string = string> {
  /** This stream's id, for `POST /api/temporal/recovery/:taskId`. */
  connectionId: string;
  /** The sequence this stream resumes after (from `Last-Event-ID`, or 0). */
  resumeFrom?: number;
  /**
   * The last sequence the server knew when the stream opened. Updates up to it are
   * a catch-up (recovery): a client can show progress from `resumeFrom` to here.
   */
  lastSequence?: number;
  /**
   * The workflow's status (its update log's `status`) as the server last read it,
   * with the log up to `lastSequence`; absent when the server does not say it.
   */
  status?: TStatus;
  /**
   * The epoch of the log this stream follows (see `UpdatesPageOf.epoch`). A client that
   * holds updates of another epoch drops them and reads this log from its start.
   */
  epoch?: string;
}

/**
 * `data` of the last event on a task stream, sent once the workflow has closed.
 *
 * @example
 * const end = parseJsonData<EndEventData<'completed' | 'failed'>>(event);
 */
export interface EndEventData<TStatus extends string = string> {
  /** The workflow's final status. */
  status: TStatus;
  /** The log's last sequence. */
  lastSequence: number;
  /**
   * How Temporal says the run ended, when the server read it: `COMPLETED`, `FAILED`,
   * `CANCELED`, `TERMINATED`, `TIMED_OUT` or `CONTINUED_AS_NEW`. The log's `status` is
   * what the workflow wrote; a workflow that threw never wrote "failed", this says so.
   */
  execution?: string;
}

/**
 * `data` of a `reset` event: the log this stream follows is not the one the client's
 * updates came from, or no longer reaches back to them. Drop every update held and
 * continue from `base`; the event's `id` is `base`, and the stream goes on (or the
 * server closes it, and a reconnect resumes at `base`).
 *
 * @example
 * const { epoch, base, reason } = parseJsonData<ResetEventData>(event); // { epoch: '…', base: 0, reason: 'epoch' }
 */
export interface ResetEventData {
  /** The epoch of the log from now on. */
  epoch?: string;
  /** Updates continue after this sequence: 0 for a new log, above it when older ones were compacted away. */
  base: number;
  /**
   * `epoch`: another log (the workflow was reset, or its id started again); `compacted`:
   * the same log, but it no longer holds the updates after the client's position
   * (they live only in the state's `snapshot`).
   */
  reason: 'epoch' | 'compacted';
}

/**
 * `data` of a `skipped` event, sent only on a stream opened with `?types=`: the
 * updates `from` … `to` (inclusive) are of types the client did not ask for. The event's
 * `id` is `to`, so the stream resumes after them, and each update of an asked type
 * still comes exactly once under its own sequence.
 *
 * @example
 * const { from, to } = parseJsonData<SkippedEventData>(event); // e.g. { from: 6, to: 8 }
 */
export interface SkippedEventData {
  /** The first sequence left out. */
  from: number;
  /** The last sequence left out. */
  to: number;
}

/**
 * `data` of a `status` event on a task stream: the workflow's status changed, as the
 * server read it with the log up to `lastSequence` (sent after those updates).
 *
 * @example
 * const { status } = parseJsonData<StatusEventData>(event);
 */
export interface StatusEventData<TStatus extends string = string> {
  /** The workflow's new status. */
  status: TStatus;
  /** The log's last sequence when the server read it. */
  lastSequence: number;
}

/**
 * A workflow execution waiting at a pause point for an event, a signal or its deadline.
 *
 * In Temporal's terms: `executionId` is the **workflow id** (what `getHandle()`
 * takes, and the `:executionId` of the resume and cancel routes); `workflowType` is
 * the **workflow type** (the workflow function's name). `workflowId` is the old name
 * of `workflowType`: it holds the type, not the id, and stays only for older readers.
 *
 * @example
 * const pause: PausedWorkflow = {
 *   executionId: 'order-7', workflowType: 'orderProcessingWorkflow', workflowId: 'orderProcessingWorkflow',
 *   pausedAt: 'wait-payment', pausedTime: '2026-01-15T10:30:00.000Z',
 *   waitingFor: ['payment.completed'], timeoutAt: null, variables: { total: 42 },
 * };
 */
export interface PausedWorkflow<TVariables = Record<string, unknown>> {
  /** The Temporal workflow id of the paused execution. */
  executionId: string;
  /** The Temporal workflow type (the workflow function's name), e.g. `orderProcessingWorkflow`. */
  workflowType: string;
  /**
   * The Temporal workflow type, the same value as `workflowType`. Despite its name it
   * is not the workflow id (that is `executionId`).
   *
   * @deprecated Read `workflowType`. Still sent, so readers written against older
   * versions keep working.
   */
  workflowId: string;
  /** A human name for the workflow, for display. */
  workflowName?: string;
  /** The name of the pause point, e.g. `wait-payment`. */
  pausedAt: string;
  /** ISO-8601 time the execution paused. */
  pausedTime: string;
  /** Event or signal names that resume it. */
  waitingFor: string[];
  /** ISO-8601 deadline, or null when it waits forever. */
  timeoutAt: string | null;
  /** What the pause point shows while it waits (app-defined). */
  variables: TVariables;
  /**
   * Optional correlation key (e.g. an order id): a trigger that names a correlation
   * reaches only executions whose pause carries the same key.
   */
  correlation?: string;
}

/**
 * `data` of `paused.initial`.
 *
 * @example
 * const { pausedWorkflows } = parseJsonData<PausedInitialData>(event);
 */
export interface PausedInitialData<TVariables = Record<string, unknown>> {
  /**
   * The position of this snapshot in the server's paused log (also the event's
   * `id`): later deltas with a larger id are newer than the snapshot.
   */
  cursor: number;
  /** Every execution paused when the snapshot was taken. */
  pausedWorkflows: PausedWorkflow<TVariables>[];
}

/**
 * `data` of `workflow.resumed`.
 *
 * @example
 * const resumed = parseJsonData<WorkflowResumedData>(event);
 * console.log(`${resumed.executionId} went on from ${resumed.resumedFrom}`);
 */
export interface WorkflowResumedData<TPayload = unknown> {
  /** The Temporal workflow id (as in `PausedWorkflow`). */
  executionId: string;
  /** The Temporal workflow type, not its id (`PausedWorkflow.workflowType`). */
  workflowId: string;
  /** The pause point it was waiting at. */
  resumedFrom: string;
  /** The event or signal that resumed it. */
  resumedBy?: string;
  /** What it was resumed with. */
  payload?: TPayload;
}

/**
 * `data` of `workflow.cancelled`.
 *
 * @example
 * const { executionId, reason } = parseJsonData<WorkflowCancelledData>(event);
 */
export interface WorkflowCancelledData {
  /** The Temporal workflow id (as in `PausedWorkflow`). */
  executionId: string;
  /** The Temporal workflow type, not its id (`PausedWorkflow.workflowType`). */
  workflowId: string;
  /** The pause point it was waiting at. */
  pausedAt?: string;
  /** Why, as given to the cancel. */
  reason: string;
}

/**
 * `data` of `workflow.timeout`: a pause reached its deadline and took its timeout path.
 *
 * @example
 * const { executionId, timeoutAt } = parseJsonData<WorkflowTimedOutData>(event);
 */
export interface WorkflowTimedOutData {
  /** The Temporal workflow id (as in `PausedWorkflow`). */
  executionId: string;
  /** The Temporal workflow type, not its id (`PausedWorkflow.workflowType`). */
  workflowId: string;
  /** The pause point that timed out. */
  pausedAt: string;
  /** ISO-8601 deadline it reached. */
  timeoutAt: string;
}
