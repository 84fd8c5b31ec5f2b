import type { ActivityProgressMessage } from './activities';
import type { PauseDeltaName } from './events';
import type {
  PausedWorkflow,
  WorkflowCancelledData,
  WorkflowResumedData,
  WorkflowTimedOutData,
  WorkflowUpdate,
} from './types';

/**
 * A task's update, pushed live the moment the workflow emits it.
 *
 * @example
 * const message: TaskUpdateMessage = { kind: 'update', taskId: 'order-1', update, status: 'running' };
 */
export interface TaskUpdateMessage {
  /** Tells it from a `PauseMessage`. */
  kind: 'update';
  /** The Temporal workflow id. */
  taskId: string;
  /** The update, as it stands in the workflow's log. */
  update: WorkflowUpdate;
  /** The workflow's status right after this update. */
  status?: string;
}

/** A pause lifecycle change, for the paused-workflows stream. */
interface PauseMessageBase {
  kind: 'pause';
  taskId: string;
  sequence: number;
  /**
   * The log update's timestamp (the workflow's clock). Sequences start again at 1 in a
   * new run of the same workflow id; its timestamps are later, so a consumer can tell
   * the new run's pause from a stale message of the old one.
   */
  timestamp?: number;
}

/**
 * A pause lifecycle change, for the paused-workflows stream: `kind: 'pause'`, the
 * task, the update's `sequence` (and `timestamp`), its `event` and that event's `data`.
 *
 * @example
 * const message: PauseMessage = { kind: 'pause', taskId: 'order-7', sequence: 4, event: 'workflow.paused', data: pause };
 */
export type PauseMessage =
  | (PauseMessageBase & {
      /** The pause event. */
      event: 'workflow.paused';
      /** The pause. */
      data: PausedWorkflow;
    })
  | (PauseMessageBase & {
      /** The pause event. */
      event: 'workflow.resumed';
      /** Which pause went on, and why. */
      data: WorkflowResumedData;
    })
  | (PauseMessageBase & {
      /** The pause event. */
      event: 'workflow.cancelled';
      /** Which pause was cancelled, and why. */
      data: WorkflowCancelledData;
    })
  | (PauseMessageBase & {
      /** The pause event. */
      event: 'workflow.timeout';
      /** Which pause timed out. */
      data: WorkflowTimedOutData;
    });

/**
 * Everything that moves over a bus.
 *
 * @example
 * const handler = (message: BusMessage) => (isPauseMessage(message) ? onPause(message) : onUpdate(message));
 */
export type BusMessage = TaskUpdateMessage | PauseMessage | ActivityProgressMessage;

/**
 * A bus topic: one per task, one for every pause change.
 *
 * @example
 * const topics: BusTopic[] = [taskTopic('order-1'), 'paused'];
 */
export type BusTopic = `task:${string}` | 'paused';

/**
 * The topic a message is published on.
 *
 * @example
 * topicOf({ kind: 'update', taskId: 'order-1', update }); // 'task:order-1'
 */
export function topicOf(message: BusMessage): BusTopic {
  return message.kind === 'pause' ? 'paused' : taskTopic(message.taskId);
}

/**
 * The topic of a task's updates.
 *
 * @example
 * const stop = await bus.subscribe(taskTopic('order-1'), (message) => console.log(message));
 */
export function taskTopic(taskId: string): BusTopic {
  return `task:${taskId}`;
}

/**
 * Receives the messages of a bus subscription.
 *
 * @example
 * const handler: BusHandler = (message) => console.log(topicOf(message));
 */
export type BusHandler = (message: BusMessage) => void;
/**
 * Ends a bus subscription; resolves once it is gone.
 *
 * @example
 * const stop: Unsubscribe = await bus.subscribe('paused', handler);
 * await stop();
 */
export type Unsubscribe = () => Promise<void>;

/**
 * Carries live messages between processes (worker → servers, server → server).
 *
 * A bus is best-effort: it may drop, duplicate or reorder. It must never alter a
 * message. Consumers repair loss by sequence number from the workflow's durable log.
 *
 * @example
 * const stop = await bus.subscribe(taskTopic('order-1'), (message) => console.log(message));
 * await bus.publish({ kind: 'update', taskId: 'order-1', update });
 * await stop();
 */
export interface UpdateBus {
  /** Sends a message to every subscriber of its topic, in any process. */
  publish(message: BusMessage): Promise<void>;
  /** Resolves once the subscription is active, so nothing published afterwards is missed. */
  subscribe(topic: BusTopic, handler: BusHandler): Promise<Unsubscribe>;
  /** Releases connections; publish and subscribe fail afterwards. */
  close(): Promise<void>;
}

/**
 * Type guard for pause messages.
 *
 * @example
 * if (isPauseMessage(message)) console.log(message.event, message.data.executionId);
 */
export function isPauseMessage(message: BusMessage): message is PauseMessage {
  return message.kind === 'pause';
}

export type { PauseDeltaName };
