import type { PauseDeltaName } from './events';
import type {
  PausedWorkflow,
  WorkflowCancelledData,
  WorkflowResumedData,
  WorkflowTimedOutData,
  WorkflowUpdate,
} from './types';

/** A task's update, pushed live the moment the workflow emits it. */
export interface TaskUpdateMessage {
  kind: 'update';
  taskId: string;
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

export type PauseMessage =
  | (PauseMessageBase & { event: 'workflow.paused'; data: PausedWorkflow })
  | (PauseMessageBase & { event: 'workflow.resumed'; data: WorkflowResumedData })
  | (PauseMessageBase & { event: 'workflow.cancelled'; data: WorkflowCancelledData })
  | (PauseMessageBase & { event: 'workflow.timeout'; data: WorkflowTimedOutData });

/** Everything that moves over a bus. */
export type BusMessage = TaskUpdateMessage | PauseMessage;

/** A bus topic: one per task, one for every pause change. */
export type BusTopic = `task:${string}` | 'paused';

/** The topic a message is published on. */
export function topicOf(message: BusMessage): BusTopic {
  return message.kind === 'update' ? taskTopic(message.taskId) : 'paused';
}

/** The topic of a task's updates. */
export function taskTopic(taskId: string): BusTopic {
  return `task:${taskId}`;
}

export type BusHandler = (message: BusMessage) => void;
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

/** Type guard for pause messages. */
export function isPauseMessage(message: BusMessage): message is PauseMessage {
  return message.kind === 'pause';
}

export type { PauseDeltaName };
