import {
  ACTIVITY_EVENTS,
  PAUSE_EVENTS,
  ResumableError,
  type PauseDeltaName,
  type PausedWorkflow,
  type PauseMessage,
  type UpdateMap,
  type UpdatesPage,
  type WorkflowState,
  type WorkflowUpdate,
} from '@resumable/protocol';
import {
  allHandlersFinished,
  condition,
  log as workflowLog,
  makeContinueAsNewFunc,
  setHandler,
  workflowInfo,
  type ContinueAsNewOptions,
  type Workflow,
} from '@temporalio/workflow';
import {
  actionAppliedQuery,
  logChunkQuery,
  pauseStateQuery,
  updatesSinceQuery,
  workflowStateQuery,
  publishSignal,
} from './definitions';
import { loggedActivities, type LoggedActivityOptions } from './activity-runner';
import type { LogLimits } from './limits';
import { PauseGate } from './pause';
import { PublishedBatches } from './published';
import { createPublisher } from './sinks';
import { UpdateStore } from './store';
import type {
  CarriedLog,
  CompactionPolicy,
  EmitType,
  LogUpdate,
  LogUpdateMap,
  PauseOptions,
  PauseOutcome,
  PauseUpdates,
  UpdateLogOptions,
} from './types';

/** Written by `log.proxyActivities()` only: a UI reads them as facts about its activities. */
const ACTIVITY_TYPES: ReadonlySet<string> = new Set<string>(Object.values(ACTIVITY_EVENTS));

const RESERVED: ReadonlySet<string> = new Set<PauseDeltaName>([
  PAUSE_EVENTS.paused,
  PAUSE_EVENTS.resumed,
  PAUSE_EVENTS.cancelled,
  PAUSE_EVENTS.timedOut,
]);

/**
 * A workflow's durable, sequence-numbered update log. Create one per run with
 * {@link createUpdateLog}.
 *
 * @example
 * const log = createUpdateLog<'IN_PROGRESS' | 'DONE', { message: { text: string } }>({ status: 'IN_PROGRESS' });
 * log.emit('message', { text: 'fetching invoice' });
 * log.setStatus('DONE');
 */
export interface UpdateLog<TStatus extends string = string, TMap extends UpdateMap = UpdateMap, TSnapshot = unknown> {
  /** The workflow id; update ids are `${taskId}:${sequence}`. */
  readonly taskId: string;
  /** The workflow's status, as last set (`setStatus`) or given at creation. */
  readonly status: TStatus;
  /** The highest sequence emitted so far, across continue-as-new (0 before the first). */
  readonly lastSequence: number;
  /** The lowest sequence held (higher than 1 only after compaction). */
  readonly firstSequence: number;
  /** Held updates, oldest first. Read-only: the log owns them. */
  readonly updates: readonly LogUpdate<TMap>[];
  /** The compaction snapshot, if one was made. */
  readonly snapshot: TSnapshot | undefined;
  /** The pause the workflow waits at, or null. */
  readonly currentPause: PausedWorkflow | null;

  /**
   * Appends an update (next sequence, the workflow's clock) and pushes it to the
   * worker sink. Adds no history event.
   *
   * @throws ResumableError `INVALID_PARAMETER` for a reserved or empty type or data
   * JSON cannot hold, `PAYLOAD_TOO_LARGE` above `limits.updateBytes`. Thrown inside a
   * workflow, either fails the workflow task, which Temporal retries once the code is fixed.
   */
  emit<K extends EmitType<TMap>>(type: K, data: TMap[K]): WorkflowUpdate<K, TMap[K]>;
  /** Sets the status. It travels with the next update; emit one to push it live. */
  setStatus(status: TStatus): void;
  /** The state as the `getWorkflowState` query answers it (bounded: see `LogLimits`). */
  getState(): WorkflowState<TStatus, LogUpdateMap<TMap>>;
  /** One page, as the `getUpdatesSince` query answers it. */
  getUpdatesSince(sinceSequence: number, limit?: number): UpdatesPage<TStatus, LogUpdateMap<TMap>>;

  /**
   * Waits for `resumable.resume`, `resumable.cancel`, a matching `resumable.trigger`
   * event, or the timeout. While waiting, `getPauseState` and the `Resumable*` search
   * attributes show the pause. Writes `workflow.paused` and then exactly one of
   * `workflow.resumed` / `workflow.cancelled` / `workflow.timeout` into the log.
   *
   * @throws ResumableError `CONFLICT` when already paused, `INVALID_PARAMETER` for bad options.
   */
  pause<TPayload = unknown, TPath extends string = 'timeout', TVariables = Record<string, unknown>>(
    options: PauseOptions<TVariables, TPath>,
  ): Promise<PauseOutcome<TPayload, TPath>>;

  /**
   * Activities like Temporal's `proxyActivities`, whose every attempt is a fact in the
   * log: `activity.started` (attempt, attempts allowed), `activity.retrying` (the error,
   * the delay before the next), `activity.completed` or `activity.failed`. The workflow
   * runs the retry policy (each attempt one activity execution, the delay a durable
   * timer), so a client that reconnects sees every attempt exactly once; live progress
   * from inside the activity (`reportProgress`) goes with it under the same id.
   *
   * @throws ResumableError `INVALID_PARAMETER` for a bad retry policy.
   */
  proxyActivities<A extends object>(options: LoggedActivityOptions): A;

  /** Folds the oldest updates into the snapshot (with the policy's `reduce`) so at most `keep` stay held. */
  compact(keep: number): void;
  /**
   * The log for the next run. When it exceeds `limits.carryBytes`, the oldest
   * updates are compacted first (folded by the policy's `reduce`, else dropped).
   */
  carry(): CarriedLog<TStatus, TMap, TSnapshot>;
  /** True when Temporal suggests continue-as-new (`workflowInfo().continueAsNewSuggested`). */
  shouldContinueAsNew(): boolean;
  /**
   * Waits until every signal and update handler finished (`allHandlersFinished`),
   * then continues as new with the carried log. The next run passes it back to
   * `createUpdateLog({ carried })` and numbering goes on where it stopped.
   *
   * @throws ResumableError `CONFLICT` while paused.
   */
  continueAsNew<F extends Workflow = Workflow>(
    args: (carried: CarriedLog<TStatus, TMap, TSnapshot>) => Parameters<F>,
    options?: ContinueAsNewOptions,
  ): Promise<never>;
  /** `continueAsNew` when `shouldContinueAsNew()`, else returns at once. */
  continueAsNewIfSuggested<F extends Workflow = Workflow>(
    args: (carried: CarriedLog<TStatus, TMap, TSnapshot>) => Parameters<F>,
    options?: ContinueAsNewOptions,
  ): Promise<void>;
}

/**
 * Creates the update log at the top of a workflow function and registers the
 * `getWorkflowState`, `getUpdatesSince`, `getLogChunk`, `getPauseState` and `isActionApplied` queries and the
 * `resumable.resume` / `resumable.cancel` / `resumable.trigger` signals. Call it
 * once per run, before the first `await`, so no query or signal finds it missing.
 *
 * @example
 * type Status = 'IN_PROGRESS' | 'DONE';
 * type Updates = { message: { text: string }; progress: { percent: number } };
 *
 * export async function invoiceTask(input: { carried?: CarriedLog<Status, Updates> }) {
 *   const log = createUpdateLog<Status, Updates>({ status: 'IN_PROGRESS', carried: input.carried });
 *   log.emit('message', { text: 'charging card' });
 *   const outcome = await log.pause({ name: 'approve', waitingFor: ['invoice.approved'], timeout: '1 day' });
 *   log.setStatus('DONE');
 *   log.emit('progress', { percent: 100 });
 *   return outcome.type;
 * }
 */
export function createUpdateLog<
  TStatus extends string = string,
  TMap extends UpdateMap = UpdateMap,
  TSnapshot = unknown,
>(options: UpdateLogOptions<TStatus, TMap, TSnapshot>): UpdateLog<TStatus, TMap, TSnapshot> {
  return new WorkflowUpdateLog<TStatus, TMap, TSnapshot>(options);
}

class WorkflowUpdateLog<TStatus extends string, TMap extends UpdateMap, TSnapshot> implements UpdateLog<
  TStatus,
  TMap,
  TSnapshot
> {
  private readonly store: UpdateStore<TSnapshot>;
  private readonly publish = createPublisher();
  private readonly gate: PauseGate;
  /** Batches other processes append (`resumable.publish`). */
  private readonly published: PublishedBatches;
  private readonly compaction: CompactionPolicy<TMap, TSnapshot> | undefined;

  constructor(options: UpdateLogOptions<TStatus, TMap, TSnapshot>) {
    if (typeof options !== 'object' || options === null || typeof options.status !== 'string') {
      throw new ResumableError('INVALID_PARAMETER', 'createUpdateLog needs { status }, the initial status');
    }
    const info = workflowInfo();
    this.store = new UpdateStore<TSnapshot>({
      taskId: info.workflowId,
      status: options.status,
      // The first run's start: the log's start does not move with continue-as-new.
      startTime: info.startTime.getTime(),
      // A reset re-runs this in a new run: a new epoch tells readers the log began again.
      epoch: info.runId,
      carried: options.carried as CarriedLog<string, Record<string, unknown>, TSnapshot> | null | undefined,
      limits: options.limits as Partial<LogLimits> | undefined,
    });
    this.compaction = options.compaction;
    if (this.compaction) {
      const { keep } = this.compaction;
      if (!Number.isSafeInteger(keep) || keep < 0) {
        throw new ResumableError(
          'INVALID_PARAMETER',
          `compaction.keep must be a non-negative integer (got ${JSON.stringify(keep)})`,
        );
      }
    }
    this.gate = new PauseGate({
      emit: (event, data) => this.append(event, data),
      searchAttributes: options.searchAttributes ?? true,
      workflowName: options.workflowName,
      actionKeys: options.carried?.actionKeys,
    });
    // Query handlers must not change state (Temporal rule): these only read.
    setHandler(workflowStateQuery, () => this.store.state());
    setHandler(updatesSinceQuery, (sinceSequence, limit) => this.store.page(sinceSequence, limit));
    setHandler(logChunkQuery, (sinceSequence, maxBytes) => this.store.chunk(sinceSequence, maxBytes));
    setHandler(pauseStateQuery, () => this.gate.pause);
    setHandler(actionAppliedQuery, (key) => this.gate.applied(key));
    // Through `emit`, so reserved types and bad data are refused as for the workflow's own code.
    const emit = this.emit.bind(this) as (type: string, data: unknown) => void;
    this.published = new PublishedBatches(emit, options.carried?.publishKeys);
    setHandler(publishSignal, (batch) => this.published.take(batch));
  }

  get taskId(): string {
    return this.store.taskId;
  }

  get status(): TStatus {
    return this.store.status as TStatus;
  }

  get lastSequence(): number {
    return this.store.lastSequence;
  }

  get firstSequence(): number {
    return this.store.firstSequence;
  }

  get updates(): readonly LogUpdate<TMap>[] {
    return this.store.updates as readonly LogUpdate<TMap>[];
  }

  get snapshot(): TSnapshot | undefined {
    return this.store.snapshot;
  }

  get currentPause(): PausedWorkflow | null {
    return this.gate.pause;
  }

  emit<K extends EmitType<TMap>>(type: K, data: TMap[K]): WorkflowUpdate<K, TMap[K]> {
    if (RESERVED.has(type)) {
      throw new ResumableError('INVALID_PARAMETER', `"${type}" is written by the pause helper only; use log.pause()`);
    }
    if (ACTIVITY_TYPES.has(type)) {
      throw new ResumableError('INVALID_PARAMETER', `"${type}" is written by log.proxyActivities() only`);
    }
    return this.append(type, data) as WorkflowUpdate<K, TMap[K]>;
  }

  setStatus(status: TStatus): void {
    if (typeof status !== 'string' || status.length === 0) {
      throw new ResumableError(
        'INVALID_PARAMETER',
        `A status must be a non-empty string (got ${JSON.stringify(status)})`,
      );
    }
    this.store.status = status;
  }

  getState(): WorkflowState<TStatus, LogUpdateMap<TMap>> {
    return this.store.state() as unknown as WorkflowState<TStatus, LogUpdateMap<TMap>>;
  }

  getUpdatesSince(sinceSequence: number, limit?: number): UpdatesPage<TStatus, LogUpdateMap<TMap>> {
    return this.store.page(sinceSequence, limit) as unknown as UpdatesPage<TStatus, LogUpdateMap<TMap>>;
  }

  pause<TPayload = unknown, TPath extends string = 'timeout', TVariables = Record<string, unknown>>(
    options: PauseOptions<TVariables, TPath>,
  ): Promise<PauseOutcome<TPayload, TPath>> {
    return this.gate.wait<TVariables, TPayload, TPath>(options);
  }

  proxyActivities<A extends object>(options: LoggedActivityOptions): A {
    return loggedActivities<A>(
      (type, data) => this.append(type, data),
      () => this.store.lastSequence + 1,
      options,
    );
  }

  compact(keep: number): void {
    this.store.compact(keep, this.reduce());
  }

  carry(): CarriedLog<TStatus, TMap, TSnapshot> {
    const { carryBytes } = this.store.limits;
    if (this.store.bytes > carryBytes) {
      const before = this.store.firstSequence;
      const moved = this.store.compactToBytes(carryBytes, this.reduce());
      workflowLog.warn(
        `Resumable compacted updates ${before}..${before + moved - 1} to carry the log under ${carryBytes} bytes (limits.carryBytes)`,
      );
    }
    const carried = this.store.carry() as CarriedLog<TStatus, TMap, TSnapshot>;
    const keys = this.gate.actionKeys;
    if (keys.length > 0) carried.actionKeys = [...keys];
    const batches = this.published.carriedKeys;
    if (batches.length > 0) carried.publishKeys = [...batches];
    return carried;
  }

  shouldContinueAsNew(): boolean {
    return workflowInfo().continueAsNewSuggested;
  }

  async continueAsNew<F extends Workflow = Workflow>(
    args: (carried: CarriedLog<TStatus, TMap, TSnapshot>) => Parameters<F>,
    options?: ContinueAsNewOptions,
  ): Promise<never> {
    if (this.gate.pause) {
      throw new ResumableError('CONFLICT', `Cannot continue as new while paused at "${this.gate.pause.pausedAt}"`);
    }
    // "Wait for all handlers to finish before continue-as-new", else a running signal
    // or update handler is cut off (Temporal's allHandlersFinished guidance).
    await condition(allHandlersFinished);
    return makeContinueAsNewFunc<F>(options)(...args(this.carry()));
  }

  async continueAsNewIfSuggested<F extends Workflow = Workflow>(
    args: (carried: CarriedLog<TStatus, TMap, TSnapshot>) => Parameters<F>,
    options?: ContinueAsNewOptions,
  ): Promise<void> {
    if (this.shouldContinueAsNew()) await this.continueAsNew<F>(args, options);
  }

  private reduce() {
    return this.compaction?.reduce as
      ((snapshot: TSnapshot | undefined, updates: readonly unknown[]) => TSnapshot) | undefined;
  }

  /** Every update, app or pause event, goes through here: log first, then the sink. */
  private append(type: string, data: unknown): WorkflowUpdate {
    const update = this.store.append(type, data, Date.now());
    const status = this.store.status;
    this.publish({ kind: 'update', taskId: this.store.taskId, update, status });
    if (RESERVED.has(type)) {
      this.publish({
        kind: 'pause',
        event: type as PauseDeltaName,
        data: data as PauseUpdates[PauseDeltaName],
        taskId: this.store.taskId,
        sequence: update.sequence,
        timestamp: update.timestamp,
      } as PauseMessage);
    }
    const policy = this.compaction;
    if (policy && this.store.updates.length > policy.keep + Math.max(1, Math.floor(policy.keep / 4))) {
      this.store.compact(policy.keep, this.reduce());
    }
    return update;
  }
}
