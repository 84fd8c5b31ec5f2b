import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QUERY_NAMES, type WorkflowState } from '@resumable/protocol';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { clusterStatus, runOnCluster, startCluster, type Cluster } from '../src/cluster/index';
import { uniqueTaskQueue } from '../src/vitest';

/*
 * A two-node Temporal cluster on PostgreSQL, a node killed mid-run. It takes a minute or
 * two and needs PostgreSQL and the Go-built server, so it runs only with
 * RESUMABLE_CLUSTER=1 (`pnpm test:cluster`, a step of .ci/run).
 */
const ENABLED = process.env.RESUMABLE_CLUSTER === '1';

// Clear of the cluster's defaults (7233, 5433: a developer's own cluster may run there)
// and of the ephemeral range (32768+) the run's dev server takes its free port from.
const FRONTEND_PORT = 17233;
const POSTGRES_PORT = 15433;

/** Updates the workflow emits: one batch of 4 per workflow task, a ~1 s timer between batches. */
const UPDATES = 120;
const BATCH = 4;
/** The node is killed once the log holds this many updates: mid-run, with most still to come. */
const KILL_AFTER = 16;

type StepUpdate = { sequence: number; type: string; data: { index: number } };

describe.runIf(ENABLED)('a two-node Temporal cluster on PostgreSQL', () => {
  // Made in beforeAll: collecting the tests (or filtering them out) must leave nothing behind.
  let dir = '';
  const lines: string[] = [];
  const log = (line: string) => {
    lines.push(line);
    process.stderr.write(`${line}\n`);
  };
  const start = () => startCluster({ dir, port: FRONTEND_PORT, postgresPort: POSTGRES_PORT, log });
  let cluster: Cluster;
  let firstWorkflowId = '';
  let firstStart: string[] = [];

  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR') });
    } catch {
      // Installed already in this process.
    }
    dir = mkdtempSync(join(tmpdir(), 'resumable-cluster-test-'));
    const started = Date.now();
    cluster = await start();
    process.stderr.write(`[cluster.test] cold start (new database) in ${Date.now() - started} ms\n`);
  }, 300_000);

  afterAll(async () => {
    await cluster?.stop();
    if (!dir) return;
    const status = clusterStatus({ dir });
    rmSync(dir, { recursive: true, force: true });
    // Nothing may outlive the test: no node, no PostgreSQL.
    expect(status.nodes.map((node) => node.pid)).toEqual([undefined, undefined]);
    expect(status.postgres?.pid).toBeUndefined();
  }, 120_000);

  it('loses no update when the node the client does not use is killed mid-run', async () => {
    expect(cluster.addresses).toEqual([`127.0.0.1:${FRONTEND_PORT}`, `127.0.0.1:${FRONTEND_PORT + 10}`]);
    firstWorkflowId = await runThroughKill({ cluster, via: 1, kill: 2 });
  }, 300_000);

  it('starts again on the same database without setting it up again, and keeps its workflows', async () => {
    await cluster.stop();
    const stopped = clusterStatus({ dir });
    expect(stopped.nodes.every((node) => node.pid === undefined)).toBe(true);
    expect(stopped.postgres?.pid).toBeUndefined();

    firstStart = lines.splice(0);
    const started = Date.now();
    cluster = await start();
    process.stderr.write(`[cluster.test] warm start (existing database) in ${Date.now() - started} ms\n`);
    // The first start (a new state folder) set both databases up; this one sets up nothing.
    expect(firstStart.filter((line) => /created database/.test(line))).toEqual([
      '[temporal-cluster] created database temporal',
      '[temporal-cluster] created database temporal_visibility',
    ]);
    expect(lines.filter((line) => /created database|registered namespace/.test(line))).toEqual([]);

    const connection = await Connection.connect({ address: cluster.addresses[1]! });
    try {
      const client = new Client({ connection, namespace: cluster.namespace });
      const listed: string[] = [];
      for await (const execution of client.workflow.list({ query: `WorkflowId = '${firstWorkflowId}'` })) {
        listed.push(`${execution.workflowId} ${execution.status.name}`);
      }
      expect(listed).toEqual([`${firstWorkflowId} COMPLETED`]);
    } finally {
      await connection.close();
    }
  }, 300_000);

  it('goes on through the surviving node when node 1, the cluster address, is killed', async () => {
    await runThroughKill({ cluster, via: 2, kill: 1 });
  }, 300_000);
});

describe.runIf(ENABLED)('cluster run: a command against a cluster of its own', () => {
  it('gives the command TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE, returns its exit code and leaves nothing behind', async () => {
    const before = readdirSync(tmpdir()).filter((name) => name.startsWith('resumable-cluster-run-'));
    // The command proves the cluster serves by describing the namespace it was given.
    const script = `
      const { Connection } = require('@temporalio/client');
      Connection.connect({ address: process.env.TEMPORAL_ADDRESS })
        .then((c) => c.workflowService.describeNamespace({ namespace: process.env.TEMPORAL_NAMESPACE }))
        .then((r) => process.exit(r.namespaceInfo.name === 'default' ? 7 : 1), () => process.exit(2));`;
    const code = await runOnCluster({ port: FRONTEND_PORT, postgresPort: POSTGRES_PORT, log: () => undefined }, [
      process.execPath,
      '-e',
      script,
    ]);
    expect(code).toBe(7);
    // Stopped, and its fresh state folder removed.
    expect(await listening(FRONTEND_PORT)).toBe(false);
    expect(await listening(POSTGRES_PORT)).toBe(false);
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith('resumable-cluster-run-'))).toEqual(before);
  }, 300_000);
});

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Runs the workflow-state package's `emitMany` with a worker and a client both on node
 * `via`, SIGKILLs node `kill` once the log holds `KILL_AFTER` updates, and checks the
 * log read by query holds sequences 1..UPDATES exactly once, in order. Returns the workflow id.
 */
async function runThroughKill(options: { cluster: Cluster; via: number; kill: number }): Promise<string> {
  const address = options.cluster.addresses[options.via - 1]!;
  const codePath = inject('workflowBundles')['workflow-state'];
  if (!codePath) throw new Error('no workflow-state bundle: the global setup bundles packages/workflow-state/test');
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: options.cluster.namespace });
  const taskQueue = uniqueTaskQueue('cluster');
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: options.cluster.namespace,
    taskQueue,
    workflowBundle: { codePath },
    // The update log publishes each emit to the live bus through this sink; this test reads the log by query only.
    sinks: { resumable: { publish: { fn: () => undefined } } },
  });
  const workflowId = `cluster-kill-node${options.kill}-${Date.now()}`;
  try {
    await worker.runUntil(async () => {
      const handle = await client.workflow.start('emitMany', {
        taskQueue,
        workflowId,
        args: [{ count: UPDATES, batch: BATCH }],
      });
      const deadline = Date.now() + 60_000;
      let killedAt = await lastSequence(handle);
      while (killedAt < KILL_AFTER && Date.now() < deadline) {
        await pause(200);
        killedAt = await lastSequence(handle);
      }
      expect(killedAt).toBeGreaterThanOrEqual(KILL_AFTER);
      expect(killedAt).toBeLessThan(UPDATES);
      options.cluster.kill(options.kill);
      const killed = Date.now();

      // The killed node's shards and task queue partitions move to the survivor; calls
      // that reach a moving shard fail until then, so poll rather than wait once.
      await expect
        .poll(async () => (await handle.describe()).status.name, { timeout: 240_000, interval: 1_000 })
        .toBe('COMPLETED');
      process.stderr.write(
        `[cluster.test] node ${options.kill} killed at sequence ${killedAt}; completed ${Date.now() - killed} ms later\n`,
      );
      expect(await handle.result()).toEqual({ lastSequence: UPDATES });

      const state = await stateOnceAnswered(handle);
      expect(state.status).toBe('DONE');
      expect(state.lastSequence).toBe(UPDATES);
      const updates = state.updates as unknown as StepUpdate[];
      // Every sequence exactly once, in order, each carrying the index it was emitted with.
      expect(updates.map((update) => update.sequence)).toEqual(Array.from({ length: UPDATES }, (_, i) => i + 1));
      expect(updates.every((update) => update.type === 'step' && update.data.index === update.sequence)).toBe(true);
    });
  } finally {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await connection.close();
    await nativeConnection.close();
  }
  return workflowId;
}

/**
 * The log read by query, retried for up to two minutes: a query on a closed workflow
 * needs a worker, and right after a node died the task queue's new owner can answer
 * "no poller seen for task queue recently" until it has seen the worker poll.
 */
async function stateOnceAnswered(handle: WorkflowHandle): Promise<WorkflowState> {
  const failures: string[] = [];
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const state = await handle.client.withDeadline(Date.now() + 10_000, () =>
        handle.query<WorkflowState>(QUERY_NAMES.state),
      );
      if (failures.length > 0) process.stderr.write(`[cluster.test] query answered after: ${failures.join('; ')}\n`);
      return state;
    } catch (error) {
      const cause = (error as { cause?: Error }).cause?.message;
      failures.push(cause ?? (error as Error).message);
      if (Date.now() > deadline) {
        throw new Error(`query ${QUERY_NAMES.state} failed for 2 minutes: ${failures.join('; ')}`, { cause: error });
      }
      await pause(1_000);
    }
  }
}

/** The log's last sequence; 0 while the query cannot be answered (e.g. its shard is moving). */
async function lastSequence(handle: WorkflowHandle): Promise<number> {
  try {
    const state = await handle.client.withDeadline(Date.now() + 5_000, () =>
      handle.query<WorkflowState>(QUERY_NAMES.state),
    );
    return state.lastSequence;
  } catch {
    return 0;
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
