/*
 * One node of a cluster: started, stopped and restarted from the state folder alone, so
 * `Cluster.restart` in the process that started the cluster and `cluster restart <n>` in
 * another shell do the same thing and leave the same pid file behind.
 *
 *   up ── kill / stopNode ──▶ down ── restart ──▶ starting ── health SERVING and namespace ──▶ up
 *                                                     │
 *                                                     └─ exited, or not serving in time ──▶ down (CLUSTER_NODE_FAILED)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TemporalDevError } from '../errors';
import { clusterStateDir } from '../paths';
import { clientTlsOf, type ServerTlsOptions } from '../tls/server-tls';
import { serverBinaryPaths } from './build';
import { CONFIG_ENV, nodeConfigDir } from './config';
import { nodePorts } from './layout';
import { findPostgresBinDir, openPostgres, postgresRunning } from './postgres';
import { logTail, runningPid, signalPid, sleep, spawnDetached, stopPid } from './processes';
import { connectWhenServing, servesNamespace } from './setup';

/** Saved in `<state>/cluster.json` so `status`, `stop` and `restart` need no options. */
export interface SavedLayout {
  serverVersion: string;
  nodes: number;
  port: number;
  postgresPort: number;
  uiPort: number | undefined;
  namespace: string;
  /** The certificate files of a `--tls` cluster: a restarted node's health check needs them. */
  tls?: ServerTlsOptions;
}

export const LAYOUT_FILE = 'cluster.json';

/** How long a node may take from process start to serving. */
const RESTART_TIMEOUT_MS = 120_000;
/** How long a stop may take after SIGTERM before SIGKILL, as `cluster stop` allows. */
const STOP_GRACE_MS = 20_000;

export function nodePidFile(stateDir: string, index: number): string {
  return join(stateDir, `node${index + 1}.pid`);
}

export function readLayout(stateDir: string): SavedLayout | undefined {
  try {
    return JSON.parse(readFileSync(join(stateDir, LAYOUT_FILE), 'utf8')) as SavedLayout;
  } catch {
    return undefined;
  }
}

/** The frontend address of node `index` (0-based). */
export function nodeAddress(layout: Pick<SavedLayout, 'port'>, index: number): string {
  return `127.0.0.1:${nodePorts(layout.port, index).grpc.frontend}`;
}

/** Starts node `index` (0-based) from its config folder, detached, its pid in the pid file `status` and `stop` read. */
export function spawnNode(stateDir: string, server: string, index: number): number {
  const dir = nodeConfigDir(stateDir, index);
  return spawnDetached({
    command: server,
    args: ['--root', stateDir, '--config', `node${index + 1}`, '--env', CONFIG_ENV, '--allow-no-auth', 'start'],
    cwd: dir,
    logFile: join(dir, 'server.log'),
    pidFile: nodePidFile(stateDir, index),
  });
}

/**
 * Options of `restartClusterNode`.
 *
 * @example
 * const options: RestartNodeOptions = { dir: '/tmp/temporal-cluster', node: 2, timeoutMs: 60_000 };
 */
export interface RestartNodeOptions {
  /** The cluster's state folder (as given to `startCluster`); `~/.cache/resumable/cluster` by default. */
  dir?: string;
  /** Node number, 1-based. */
  node: number;
  /** Longest wait for the node to serve, ms (default 120 000). */
  timeoutMs?: number;
  /** Progress lines; stderr by default. */
  log?: (line: string) => void;
}

/**
 * Options of `stopClusterNode`.
 *
 * @example
 * const options: StopNodeOptions = { dir: '/tmp/temporal-cluster', node: 1, signal: 'SIGKILL' };
 */
export interface StopNodeOptions {
  /** The cluster's state folder; `~/.cache/resumable/cluster` by default. */
  dir?: string;
  /** Node number, 1-based. */
  node: number;
  /**
   * `SIGTERM` (default): an orderly stop, then SIGKILL after `graceMs`.
   * `SIGKILL`: a crash, nothing flushed; resolves once the process is gone.
   */
  signal?: 'SIGTERM' | 'SIGKILL';
  /** Wait after SIGTERM before SIGKILL, ms (default 20 000). */
  graceMs?: number;
}

interface NodeTarget {
  stateDir: string;
  layout: SavedLayout;
  index: number;
  server: string;
}

function target(options: { dir?: string; node: number }): NodeTarget {
  const stateDir = resolve(options.dir ?? clusterStateDir());
  const layout = readLayout(stateDir);
  if (!layout) throw new TemporalDevError('CLUSTER_BAD_OPTIONS', `no cluster in ${stateDir}: start one first`);
  const { node } = options;
  if (!Number.isInteger(node) || node < 1 || node > layout.nodes) {
    throw new TemporalDevError('CLUSTER_BAD_OPTIONS', `no node ${node}: the cluster has nodes 1-${layout.nodes}`);
  }
  return { stateDir, layout, index: node - 1, server: serverBinaryPaths(layout.serverVersion).server };
}

/**
 * Stops one node of a cluster and resolves once its process is gone; the other nodes
 * take over its shards and task queues. A node that is down already is left as it is.
 *
 * @example
 * await stopClusterNode({ dir: '/tmp/temporal-cluster', node: 2 });
 * await stopClusterNode({ dir: '/tmp/temporal-cluster', node: 1, signal: 'SIGKILL' });
 */
export async function stopClusterNode(options: StopNodeOptions): Promise<void> {
  const { stateDir, index, server } = target(options);
  const pidFile = nodePidFile(stateDir, index);
  if (options.signal !== 'SIGKILL') return stopPid(pidFile, server, options.graceMs ?? STOP_GRACE_MS);
  if (!signalPid(pidFile, server, 'SIGKILL')) return;
  const deadline = Date.now() + 10_000;
  while (runningPid(pidFile, server) !== undefined) {
    if (Date.now() > deadline) {
      throw new TemporalDevError('CLUSTER_NODE_FAILED', `node ${options.node} still runs 10 s after SIGKILL`);
    }
    await sleep(50);
  }
}

/**
 * Starts one node of a cluster again on the same config and database, as a supervisor
 * would restart a crashed server: stops it first if it still runs, records the new pid
 * where `clusterStatus` and `stopCluster` find it, and resolves once its frontend
 * answers the gRPC health check with SERVING and serves the cluster's namespace.
 * Rejects with a `CLUSTER_NODE_FAILED` error (and the node's log tail) when the process
 * exits or does not serve within `timeoutMs`; the node is then down.
 *
 * @example
 * const { address, pid } = await restartClusterNode({ dir: '/tmp/temporal-cluster', node: 2 });
 */
export async function restartClusterNode(
  options: RestartNodeOptions,
): Promise<{ node: number; address: string; pid: number }> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { stateDir, layout, index, server } = target(options);
  const node = index + 1;
  const binDir = findPostgresBinDir();
  if (!binDir || !postgresRunning(openPostgres({ binDir, stateDir, port: layout.postgresPort }))) {
    throw new TemporalDevError(
      'CLUSTER_NODE_FAILED',
      `cannot restart node ${node}: the cluster's PostgreSQL is not running (\`pnpm temporal cluster start\` starts it all)`,
    );
  }
  if (!existsSync(server)) {
    throw new TemporalDevError('CLUSTER_NODE_FAILED', `cannot restart node ${node}: ${server} is missing`);
  }
  const pidFile = nodePidFile(stateDir, index);
  if (runningPid(pidFile, server) !== undefined) {
    log(`[temporal-cluster] node ${node} still runs: stopping it first`);
    await stopPid(pidFile, server, STOP_GRACE_MS);
  }
  const address = nodeAddress(layout, index);
  const logFile = join(nodeConfigDir(stateDir, index), 'server.log');
  const started = Date.now();
  const pid = spawnNode(stateDir, server, index);
  const alive = () => runningPid(pidFile, server) === pid;
  const timeoutMs = options.timeoutMs ?? RESTART_TIMEOUT_MS;
  try {
    const connection = await connectWhenServing(
      address,
      alive,
      layout.tls ? clientTlsOf(layout.tls) : undefined,
      timeoutMs,
    );
    try {
      await servesNamespace(connection, layout.namespace, alive, Math.max(1_000, started + timeoutMs - Date.now()));
    } finally {
      await connection.close().catch(() => undefined);
    }
  } catch (error) {
    // Down, not half up: a node that does not serve must not take connections either.
    signalPid(pidFile, server, 'SIGKILL');
    const text = error instanceof Error ? error.message : String(error);
    throw new TemporalDevError(
      'CLUSTER_NODE_FAILED',
      `node ${node} did not come back: ${text}\nLast lines of ${logFile}:\n${logTail(logFile)}`,
      { cause: error },
    );
  }
  log(`[temporal-cluster] node ${node} restarted (pid ${pid}); serves on ${address} after ${Date.now() - started} ms`);
  return { node, address, pid };
}
