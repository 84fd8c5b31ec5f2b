import {
  PAUSE_EVENTS,
  type ErrorContext,
  type PausedWorkflow,
  type PauseMessage,
  type Unsubscribe,
  type UpdateBus,
  type SseEvent,
  type WorkflowCancelledData,
  type WorkflowResumedData,
  type WorkflowTimedOutData,
} from '@resumable/protocol';
import {
  PAUSED_WORKFLOWS,
  RecoveryManager,
  pausedWorkflowsRecoverable,
  type PausedChange,
  type Recoverable,
  type PausedRegistry,
  type RecoveryReport,
} from '@resumable/recovery-manager';
import type { SsePublisher } from '@resumable/sse-publisher';
import { mayAccessTask, type TokenClaims } from '../auth/tokens';
import type { PublisherConnection } from '../stream/types';
import type { TemporalGateway } from '../temporal/gateway';
import { PauseOrder } from './pause-order';

const CHANNEL = 'paused';

export interface PausedFeedOptions {
  bus: UpdateBus;
  registry: PausedRegistry;
  publisher: Pick<SsePublisher, 'channel'>;
  gateway: Pick<TemporalGateway, 'client'>;
  /** Reconcile with Temporal visibility this often after start (0: never). */
  resyncMs: number;
  onError: (error: unknown, context: ErrorContext) => void;
}

/**
 * The paused list's path through this server, owned in one place the way a
 * `TaskFeed` owns a task: pause messages from the bus (deduplicated, see `PauseOrder`)
 * into the registry, every registry change onto the paused SSE channel once, the
 * start-up rebuild from Temporal (one component of the server's `StartUp`), the
 * periodic resync that repairs what a lossy bus dropped, and the snapshot + deltas
 * each paused stream gets.
 *
 * ```
 *   bus 'paused' ──► PauseOrder (once, in order) ──► PausedRegistry ──► change (cursor) ──► channel 'paused' ──► unscoped streams
 *   Temporal visibility ──► rebuild (start, every resyncMs) ──┘                     └──► per-stream filter ──► scoped streams
 * ```
 */
export class PausedFeed {
  private readonly order = new PauseOrder();
  private listening: Promise<Unsubscribe> | undefined;
  private rebuilding: Promise<RecoveryReport> | undefined;
  private resyncTimer: ReturnType<typeof setInterval> | undefined;
  private readonly stopChanges: () => void;
  private closed = false;

  constructor(private readonly options: PausedFeedOptions) {
    // Every change is encoded once and broadcast on one channel, with its cursor as id.
    this.stopChanges = options.registry.subscribe((change) =>
      options.publisher.channel(CHANNEL).broadcast(changeEvent(change)),
    );
  }

  /** Subscribes to pause messages on the bus (once; later calls share it). */
  listen(): Promise<Unsubscribe> {
    if (this.listening) return this.listening;
    const listening = this.options.bus.subscribe(CHANNEL, (message) => {
      if (message.kind === 'pause' && this.order.admit(message)) applyPauseMessage(this.options.registry, message);
    });
    // A bus that refused the subscription is asked again by the next call (a retried start).
    listening.catch(() => {
      if (this.listening === listening) this.listening = undefined;
    });
    this.listening = listening;
    return listening;
  }

  /**
   * The start-up rebuild of the list from Temporal, as a component of the server's
   * start-up recovery (named `paused-workflows`, so app components can run `after` it).
   */
  recoverable(): Recoverable {
    const { gateway, registry } = this.options;
    return {
      name: PAUSED_WORKFLOWS,
      async recover(ctx) {
        await pausedWorkflowsRecoverable({ client: await gateway.client(), registry }).recover(ctx);
      },
    };
  }

  /** Begins the periodic resync with Temporal (once; not after close). */
  startResync(): void {
    if (this.resyncTimer || this.closed || this.options.resyncMs <= 0) return;
    this.resyncTimer = setInterval(() => void this.rebuild('paused-list resync'), this.options.resyncMs);
    this.resyncTimer.unref?.();
  }

  /**
   * Reconciles the list with Temporal visibility after start-up: it repairs what a
   * lossy bus dropped, announcing each correction as a normal delta. Concurrent calls
   * share one run.
   */
  rebuild(context: string): Promise<RecoveryReport> {
    this.rebuilding ??= (async () => {
      try {
        const manager = new RecoveryManager();
        manager.register(
          pausedWorkflowsRecoverable({ client: await this.options.gateway.client(), registry: this.options.registry }),
        );
        const report = await manager.recoverAll();
        for (const failure of report.components.filter((component) => component.status === 'failed')) {
          this.options.onError(failure.error, { source: 'paused-feed', operation: `${context} of ${failure.name}` });
        }
        return report;
      } finally {
        this.rebuilding = undefined;
      }
    })();
    return this.rebuilding;
  }

  /** The list as a token with `claims` may see it, with its cursor. */
  list(claims: TokenClaims): { cursor: number; pausedWorkflows: PausedWorkflow[] } {
    const snapshot = this.options.registry.snapshot();
    const pausedWorkflows = snapshot.pausedWorkflows.filter((pause) => mayAccessTask(claims, pause.executionId));
    return { cursor: snapshot.cursor, pausedWorkflows };
  }

  /**
   * Sends a new paused stream its snapshot (`paused.initial`, id = cursor) and then
   * every later change, nothing falling in between. Returns the stream's cleanup.
   */
  add(connection: PublisherConnection, claims: TokenClaims): () => void {
    const { registry } = this.options;
    if (claims.tasks === '*') {
      // One encode for every unscoped client: the channel broadcast.
      const snapshot = registry.snapshot();
      connection.send({ id: snapshot.cursor, event: PAUSE_EVENTS.initial, data: JSON.stringify(snapshot) });
      connection.attach(CHANNEL);
      return () => undefined;
    }
    const visible = (executionId: string) => mayAccessTask(claims, executionId);
    const { snapshot, unsubscribe } = registry.subscribeWithSnapshot((change) => {
      if (visible(change.pause.executionId)) connection.send(changeEvent(change));
    });
    const pausedWorkflows = snapshot.pausedWorkflows.filter((pause) => visible(pause.executionId));
    connection.send({
      id: snapshot.cursor,
      event: PAUSE_EVENTS.initial,
      data: JSON.stringify({ cursor: snapshot.cursor, pausedWorkflows }),
    });
    return unsubscribe;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.resyncTimer);
    this.stopChanges();
    const listening = this.listening;
    this.listening = undefined;
    if (listening) await (await listening)();
  }
}

/** Applies one pause message from the bus (admitted by `PauseOrder`) to the registry. */
function applyPauseMessage(registry: PausedRegistry, message: PauseMessage): void {
  switch (message.event) {
    case 'workflow.paused':
      registry.add(message.data);
      return;
    case 'workflow.resumed':
      registry.remove(message.data.executionId, 'resumed', message.data);
      return;
    case 'workflow.cancelled':
      registry.remove(message.data.executionId, 'cancelled', message.data);
      return;
    case 'workflow.timeout':
      registry.remove(message.data.executionId, 'timedOut', message.data);
      return;
  }
}

/**
 * The paused-stream event for a registry change, with the change's cursor as its id.
 * Executions found no longer paused by a rebuild (`gone`, `closed`) are announced as
 * `workflow.cancelled`, so every client drops them.
 */
function changeEvent(change: PausedChange): SseEvent {
  const { pause } = change;
  if (change.kind === 'added' || change.kind === 'updated') {
    return { id: change.cursor, event: PAUSE_EVENTS.paused, data: JSON.stringify(pause) };
  }
  const base = { executionId: pause.executionId, workflowId: pause.workflowType };
  switch (change.cause) {
    case 'resumed': {
      const detail = change.detail as Partial<WorkflowResumedData> | undefined;
      const data: WorkflowResumedData = {
        ...base,
        resumedFrom: pause.pausedAt,
        ...pick(detail, ['resumedBy', 'payload']),
      };
      return { id: change.cursor, event: PAUSE_EVENTS.resumed, data: JSON.stringify(data) };
    }
    case 'timedOut': {
      const data: WorkflowTimedOutData = { ...base, pausedAt: pause.pausedAt, timeoutAt: pause.timeoutAt ?? '' };
      return { id: change.cursor, event: PAUSE_EVENTS.timedOut, data: JSON.stringify(data) };
    }
    default: {
      const detail = change.detail as Partial<WorkflowCancelledData> | undefined;
      const reason =
        typeof detail?.reason === 'string'
          ? detail.reason
          : change.cause === 'cancelled'
            ? 'Cancelled'
            : 'No longer paused';
      const data: WorkflowCancelledData = { ...base, pausedAt: pause.pausedAt, reason };
      return { id: change.cursor, event: PAUSE_EVENTS.cancelled, data: JSON.stringify(data) };
    }
  }
}

function pick<T extends object, K extends keyof T>(value: T | undefined, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  if (!value) return out;
  for (const key of keys) if (value[key] !== undefined) out[key] = value[key];
  return out;
}
