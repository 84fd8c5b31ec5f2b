import { registerSearchAttributes } from '@resumable/protocol';
import { Connection, type TLSConfig } from '@temporalio/client';
import { msToTs } from '@temporalio/common';
import { TemporalDevError } from '../errors';
import { sleep } from './processes';

/** How long a node may take from process start to serving its frontend. */
const NODE_READY_MS = 120_000;
/** gRPC ALREADY_EXISTS. */
const ALREADY_EXISTS = 6;

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

/**
 * Retries `attempt` until it resolves or `timeoutMs` passes; `alive()` false (the
 * node's process died) ends the wait at once.
 */
async function retry<T>(what: string, attempt: () => Promise<T>, alive: () => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    if (!alive()) throw new TemporalDevError('CLUSTER_START_FAILED', `${what}: the server process exited (${last})`);
    try {
      return await attempt();
    } catch (error) {
      last = message(error);
    }
    if (Date.now() > deadline) {
      throw new TemporalDevError('CLUSTER_START_FAILED', `${what}: no success within ${timeoutMs / 1000} s (${last})`);
    }
    await sleep(500);
  }
}

/** A connection to a node's frontend (over mTLS when `tls` is given), once it answers a health check. */
export async function connectWhenServing(
  address: string,
  alive: () => boolean,
  tls?: TLSConfig,
  timeoutMs = NODE_READY_MS,
): Promise<Connection> {
  return retry(
    `frontend ${address}`,
    async () => {
      const connection = await Connection.connect({ address, connectTimeout: 2_000, ...(tls ? { tls } : {}) });
      try {
        const { status } = await connection.withDeadline(Date.now() + 2_000, () =>
          connection.healthService.check({ service: 'temporal.api.workflowservice.v1.WorkflowService' }),
        );
        // 1 = SERVING.
        if (status !== 1) throw new Error(`health status ${status}`);
        return connection;
      } catch (error) {
        await connection.close();
        throw error;
      }
    },
    alive,
    timeoutMs,
  );
}

/** Waits until the node behind `connection` can describe `namespace` and list its workflows. */
export async function servesNamespace(
  connection: Connection,
  namespace: string,
  alive: () => boolean,
  timeoutMs = NODE_READY_MS,
): Promise<void> {
  await retry(
    `namespace ${namespace} on ${connection.options.address}`,
    async () => {
      await connection.workflowService.describeNamespace({ namespace });
      // A list call needs the node's visibility store and namespace cache both ready.
      await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 });
    },
    alive,
    timeoutMs,
  );
}

/**
 * Registers `namespace` (when new) and Resumable's search attributes through one node,
 * then waits until every node sees both: "serving" means a client of any node can
 * start a workflow that sets those attributes.
 */
export async function setUpNamespace(
  connections: Connection[],
  namespace: string,
  alive: () => boolean,
  log: (line: string) => void,
): Promise<void> {
  const [first] = connections;
  if (!first) return;
  await retry(
    `registering namespace ${namespace}`,
    async () => {
      try {
        await first.workflowService.registerNamespace({
          namespace,
          workflowExecutionRetentionPeriod: msToTs('1 day'),
        });
        log(`[temporal-cluster] registered namespace ${namespace}`);
      } catch (error) {
        if ((error as { code?: number }).code !== ALREADY_EXISTS) throw error;
      }
    },
    alive,
    NODE_READY_MS,
  );
  const added = await retry(
    'registering search attributes',
    () => registerSearchAttributes(first, namespace),
    alive,
    NODE_READY_MS,
  );
  if (added.length > 0) log(`[temporal-cluster] registered search attributes ${added.join(', ')}`);
  for (const connection of connections) await servesNamespace(connection, namespace, alive);
}
