import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QUERY_NAMES, type WorkflowState } from '@resumable/protocol';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { clusterStatus, runOnCluster, startCluster, type Balancer, type Cluster } from '../src/cluster/index';
import { TemporalDevError } from '../src/errors';
import { uniqueTaskQueue } from '../src/vitest';

/*
 * A two-node Temporal cluster on PostgreSQL, a node killed mid-run, restarted, and
 * clients failing over through the cluster's balancer. It takes a few minutes and needs
 * PostgreSQL and the Go-built server, so it runs only with RESUMABLE_CLUSTER=1
 * (`pnpm test:cluster`, a step of .ci/run); without it vitest.config.ts leaves the file out.
 */
const ENABLED = process.env.RESUMABLE_CLUSTER === '1';

// Clear of the cluster's defaults (7233, 5433: a developer's own cluster may run there)
// and of the ephemeral range (32768+) the run's dev server takes its free port from.
const FRONTEND_PORT = 17233;
const POSTGRES_PORT = 15433;
/** The balancer's default place: node 1's port − 1. */
const BALANCER_PORT = 17232;

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
  const start = () => startCluster({ dir, port: FRONTEND_PORT, postgresPort: POSTGRES_PORT, balancer: true, log });
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

  it('restarts a killed node where status sees it, and fails with CLUSTER_NODE_FAILED when it cannot serve', async () => {
    expect(clusterStatus({ dir }).nodes[0]?.pid).toBeUndefined();
    // Something else on node 1's frontend port: the server cannot listen and exits.
    const squatter = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(FRONTEND_PORT, '127.0.0.1', resolve));
    try {
      const failed = await cluster.restart(1, { timeoutMs: 60_000 }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failed).toBeInstanceOf(TemporalDevError);
      expect((failed as TemporalDevError).code).toBe('CLUSTER_NODE_FAILED');
      expect((failed as Error).message).toMatch(/node 1 did not come back[\s\S]*Last lines of .*server\.log/);
      expect(clusterStatus({ dir }).nodes[0]?.pid).toBeUndefined();
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }

    const started = Date.now();
    await cluster.restart(1);
    process.stderr.write(`[cluster.test] node 1 restarted and serving in ${Date.now() - started} ms\n`);
    const pid = clusterStatus({ dir }).nodes[0]?.pid;
    expect(pid).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatch(new RegExp(`node 1 restarted \\(pid ${pid}\\)`));
    // A graceful stop and a restart of a running node (stopped first) work the same way.
    await cluster.stopNode(2);
    expect(clusterStatus({ dir }).nodes[1]?.pid).toBeUndefined();
    await cluster.restart(2);
    await cluster.restart(2);
    expect(clusterStatus({ dir }).nodes.every((node) => node.pid !== undefined)).toBe(true);
  }, 300_000);

  it('moves a client and a worker through the balancer off the node they are on when it is killed, losing no update', async () => {
    expect(cluster.balancer?.address).toBe(`127.0.0.1:${BALANCER_PORT}`);
    await runThroughBalancer(cluster, cluster.balancer!);
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

/** The node (0-based) whose open connection count through `balancer` grew while `connect` ran. */
async function nodeOf<T>(balancer: Balancer, connect: () => Promise<T>): Promise<{ value: T; node: number }> {
  const before = [...balancer.stats.open];
  const value = await connect();
  const grew = balancer.stats.open.flatMap((open, index) => (open > before[index]! ? [index] : []));
  expect(grew).toHaveLength(1);
  return { value, node: grew[0]! };
}

/**
 * `emitMany` with a client and a worker that know only the balancer. Round robin puts
 * them on different nodes. Once 16 updates are in, the client's node is killed: the
 * client's next calls must reconnect to the other node. The node is restarted, and once
 * 60 updates are in, the node the worker is on (and now the client too) is killed: the
 * worker's polls must move. The log must hold 1..UPDATES exactly once, in order.
 */
async function runThroughBalancer(cluster: Cluster, balancer: Balancer): Promise<void> {
  const codePath = inject('workflowBundles')['workflow-state'];
  if (!codePath) throw new Error('no workflow-state bundle: the global setup bundles packages/workflow-state/test');
  const { value: connection, node: clientNode } = await nodeOf(balancer, () =>
    Connection.connect({ address: balancer.address }),
  );
  const { value: nativeConnection, node: workerNode } = await nodeOf(balancer, () =>
    NativeConnection.connect({ address: balancer.address }),
  );
  expect(workerNode).not.toBe(clientNode);
  const client = new Client({ connection, namespace: cluster.namespace });
  const taskQueue = uniqueTaskQueue('cluster-balancer');
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: cluster.namespace,
    taskQueue,
    workflowBundle: { codePath },
    sinks: { resumable: { publish: { fn: () => undefined } } },
  });
  const report = (line: string) => process.stderr.write(`[cluster.test] balancer: ${line}\n`);
  try {
    await worker.runUntil(async () => {
      const handle = await client.workflow.start('emitMany', {
        taskQueue,
        workflowId: `cluster-balancer-${Date.now()}`,
        args: [{ count: UPDATES, batch: BATCH }],
      });
      /** Kills `node` (0-based) once the log holds `after` updates; resolves when the log has grown past that point. */
      const killAt = async (after: number, node: number, who: string) => {
        const deadline = Date.now() + 120_000;
        let at = await lastSequence(handle);
        while (at < after && Date.now() < deadline) {
          await pause(200);
          at = await lastSequence(handle);
        }
        expect(at).toBeGreaterThanOrEqual(after);
        expect(at).toBeLessThan(UPDATES);
        cluster.kill(node + 1);
        const killed = Date.now();
        // The client's very next call, through the balancer: must reach the other node. A
        // call that needs no shard shows the reconnect; a query, the shard's takeover too.
        await connection.workflowService.getSystemInfo({});
        const reconnected = Date.now() - killed;
        const answered = await answeredAfterKill(handle, killed);
        const progressed = await grewPast(handle, at);
        report(
          `killed node ${node + 1} (${who}) at sequence ${at}; the client's next call answered ${reconnected} ms later, ` +
            `its first query ${answered} ms later, the log grew past ${at} ${progressed - killed} ms later; ` +
            `open per node ${balancer.stats.open.join('/')}`,
        );
        return at;
      };
      await killAt(KILL_AFTER, clientNode, 'the client is on it');
      expect(balancer.stats.open[clientNode]).toBe(0);
      const restarted = Date.now();
      await cluster.restart(clientNode + 1);
      report(`node ${clientNode + 1} restarted in ${Date.now() - restarted} ms`);
      await killAt(60, workerNode, 'the worker is on it, and now the client too');
      expect(balancer.stats.open[workerNode]).toBe(0);

      await expect
        .poll(async () => (await handle.describe()).status.name, { timeout: 240_000, interval: 1_000 })
        .toBe('COMPLETED');
      expect(await handle.result()).toEqual({ lastSequence: UPDATES });
      const state = await stateOnceAnswered(handle);
      expect(state.lastSequence).toBe(UPDATES);
      const updates = state.updates as unknown as StepUpdate[];
      expect(updates.map((update) => update.sequence)).toEqual(Array.from({ length: UPDATES }, (_, i) => i + 1));
      expect(updates.every((update) => update.type === 'step' && update.data.index === update.sequence)).toBe(true);
      // Both connections are on the node that was restarted, the only one left up.
      expect(balancer.stats.open[workerNode]).toBe(0);
      expect(balancer.stats.open[clientNode]).toBeGreaterThanOrEqual(2);
    });
  } finally {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await connection.close();
    await nativeConnection.close();
  }
}

/** Ms from `since` until a query through the client first succeeds (the client's retries ride over the broken connection). */
async function answeredAfterKill(handle: WorkflowHandle, since: number): Promise<number> {
  const deadline = since + 120_000;
  for (;;) {
    try {
      await handle.client.withDeadline(Date.now() + 10_000, () => handle.query<WorkflowState>(QUERY_NAMES.state));
      return Date.now() - since;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await pause(100);
    }
  }
}

/** The time at which the log first holds more than `sequence` updates. */
async function grewPast(handle: WorkflowHandle, sequence: number): Promise<number> {
  const deadline = Date.now() + 120_000;
  while ((await lastSequence(handle)) <= sequence) {
    if (Date.now() > deadline) throw new Error(`the log did not grow past ${sequence} within 2 minutes`);
    await pause(100);
  }
  return Date.now();
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
