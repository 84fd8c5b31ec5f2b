import { randomUUID } from 'node:crypto';
import { ResumableError, SIGNAL_NAMES, type PublishSignalArgs } from '@resumable/protocol';

/**
 * What the publisher needs of a Temporal `Client` (`@temporalio/client`): signalling a
 * workflow by id. A `Client` is one.
 *
 * @example
 * const client: SignalingClient = new Client({ connection: await Connection.connect() });
 */
export interface SignalingClient {
  /** The client's workflow operations. */
  workflow: SignalingWorkflows;
}

/**
 * The part of `client.workflow` the publisher uses.
 *
 * @example
 * const workflows: SignalingWorkflows = client.workflow;
 */
export interface SignalingWorkflows {
  /** A handle on the workflow's latest run. */
  getHandle(workflowId: string): SignalingHandle;
}

/**
 * The part of a workflow handle the publisher uses.
 *
 * @example
 * const handle: SignalingHandle = client.workflow.getHandle('order-7');
 */
export interface SignalingHandle {
  /** Sends a signal by name; resolves once Temporal recorded it. */
  signal(name: string, ...args: unknown[]): Promise<void>;
}

/**
 * Options of {@link createTaskPublisher}.
 *
 * @example
 * const options: TaskPublisherOptions = { client, batchMs: 50, maxBatch: 200 };
 */
export interface TaskPublisherOptions {
  /** A Temporal client (`new Client({ connection })`). */
  client: SignalingClient;
  /** How long updates of one task wait for company before they go as one signal, ms. Default 20. */
  batchMs?: number;
  /** Most updates in one signal (a full batch goes at once). Default 100. */
  maxBatch?: number;
}

/**
 * Appends updates to tasks' logs from outside their workflows: `publish(taskId, type, data)`.
 *
 * @example
 * const publisher = createTaskPublisher({ client });
 * await publisher.publish('order-7', 'message', { text: 'Payment received' });
 */
export interface TaskPublisher {
  /**
   * Queues an update for the task's log and resolves once Temporal has recorded the
   * signal carrying it (with the other updates of its batch): from then on it is durable,
   * and the workflow appends it, in order, at its next workflow task. Batches of one task
   * are signalled one after another, so updates land in the order they were published. Rejects when the
   * signal was refused (no such workflow, a closed one, Temporal unreachable): then
   * nothing of the batch was recorded.
   */
  publish(taskId: string, type: string, data: unknown): Promise<void>;
  /** Sends every waiting batch now; resolves when all were recorded. */
  flush(): Promise<void>;
}

interface Pending {
  batch: PublishSignalArgs & { key: string };
  waiters: { resolve(): void; reject(error: unknown): void }[];
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * A publisher for producers that are not activities (a webhook handler, a script, another
 * service): updates of one task within `batchMs` go as one `resumable.publish` signal
 * (one history event per batch, not per update) with a key, so a batch delivered twice is
 * appended once. Each update goes through the log's `emit`: a reserved type or data JSON
 * cannot hold is skipped (and logged by the worker), the rest of the batch still lands.
 *
 * @example
 * import { Client, Connection } from '@temporalio/client';
 * import { createTaskPublisher } from '@resumable/workflow-state/client';
 *
 * const client = new Client({ connection: await Connection.connect() });
 * const publisher = createTaskPublisher({ client });
 * await publisher.publish('import-42', 'message', { text: 'Row 1,000 read by the loader' });
 */
export function createTaskPublisher(options: TaskPublisherOptions): TaskPublisher {
  if (typeof options?.client?.workflow?.getHandle !== 'function') {
    throw new ResumableError('INVALID_PARAMETER', 'createTaskPublisher needs { client }, a Temporal Client');
  }
  const batchMs = options.batchMs ?? 20;
  const maxBatch = options.maxBatch ?? 100;
  const pending = new Map<string, Pending>();
  // One signal in flight per task: Temporal orders signals as it records them, so two
  // batches of one task sent at once could land in either order.
  const lanes = new Map<string, Promise<void>>();

  const deliver = async (taskId: string, entry: Pending): Promise<void> => {
    try {
      await options.client.workflow.getHandle(taskId).signal(SIGNAL_NAMES.publish, entry.batch);
      for (const waiter of entry.waiters) waiter.resolve();
    } catch (error) {
      for (const waiter of entry.waiters) waiter.reject(error);
    }
  };

  const send = (taskId: string): Promise<void> => {
    const entry = pending.get(taskId);
    if (!entry) return lanes.get(taskId) ?? Promise.resolve();
    pending.delete(taskId);
    clearTimeout(entry.timer);
    const previous = lanes.get(taskId) ?? Promise.resolve();
    const lane = previous.then(() => deliver(taskId, entry));
    lanes.set(taskId, lane);
    void lane.then(() => {
      if (lanes.get(taskId) === lane) lanes.delete(taskId);
    });
    return lane;
  };

  return {
    publish(taskId, type, data) {
      if (typeof taskId !== 'string' || taskId.length === 0) {
        return Promise.reject(new ResumableError('INVALID_PARAMETER', 'publish needs a taskId (the workflow id)'));
      }
      if (typeof type !== 'string' || type.length === 0) {
        return Promise.reject(new ResumableError('INVALID_PARAMETER', 'publish needs an update type'));
      }
      return new Promise<void>((resolve, reject) => {
        let entry = pending.get(taskId);
        if (!entry) {
          entry = { batch: { key: randomUUID(), updates: [] }, waiters: [], timer: undefined };
          pending.set(taskId, entry);
          entry.timer = setTimeout(() => void send(taskId), batchMs);
        }
        entry.batch.updates.push({ type, data });
        entry.waiters.push({ resolve, reject });
        if (entry.batch.updates.length >= maxBatch) void send(taskId);
      });
    },
    flush: async () => {
      await Promise.all([...new Set([...pending.keys(), ...lanes.keys()])].map(send));
    },
  };
}
