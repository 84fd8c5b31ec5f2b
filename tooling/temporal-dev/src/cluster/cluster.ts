import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Connection } from '@temporalio/client';
import { TemporalDevError } from '../errors';
import { TEMPORAL_SERVER_VERSION, clusterStateDir } from '../paths';
import { ensureServerBinaries, ensureUiServer, serverBinaryPaths, uiServerPath } from './build';
import { startBalancer, type Balancer } from './balancer';
import { nodeConfigDir, writeClusterConfig } from './config';
import {
  DEFAULT_FRONTEND_PORT,
  DEFAULT_NODE_COUNT,
  DEFAULT_POSTGRES_PORT,
  DEFAULT_UI_PORT,
  BALANCER_OFFSET,
  checkLayout,
} from './layout';
import {
  ensurePostgresInstalled,
  findPostgresBinDir,
  initPostgres,
  openPostgres,
  postgresPid,
  postgresRunning,
  startPostgres,
  stopPostgres,
} from './postgres';
import {
  LAYOUT_FILE,
  nodeAddress,
  nodePidFile,
  readLayout,
  restartClusterNode,
  spawnNode,
  stopClusterNode,
  type SavedLayout,
} from './nodes';
import { logTail, runningPid, signalPid, stopPid } from './processes';
import { migrateDatabases } from './schema';
import { connectWhenServing, setUpNamespace } from './setup';
import { clientTlsOf, type ServerTlsOptions } from '../tls/server-tls';
import { startUi } from './ui';
import type { RestartNodeOptions, StopNodeOptions } from './nodes';

export interface ClusterOptions {
  /** State folder (PostgreSQL data, configs, logs, pid files); `~/.cache/resumable/cluster` by default. */
  dir?: string;
  /** Number of server processes, each running every service (default 2). */
  nodes?: number;
  /** Node 1's frontend gRPC port (default 7233); node n's is 10 × (n − 1) higher. */
  port?: number;
  /** PostgreSQL port on 127.0.0.1 (default 5433). */
  postgresPort?: number;
  /** Also run the Temporal web UI (built with Go on first use). */
  ui?: boolean;
  /** Web UI port (default 8088). */
  uiPort?: number;
  namespace?: string;
  /**
   * mTLS: every node's frontend requires client certificates from `tls.caFile`
   * (`serverTlsFromPki(createTestPki(dir))` makes test ones). Clients then need
   * `clientTlsOf(tls)`, or `TEMPORAL_TLS_*` variables naming the same files.
   */
  tls?: ServerTlsOptions;
  /**
   * Also run a TCP balancer in front of the nodes' frontends, as production puts a load
   * balancer there: `cluster.balancer.address` hands each new connection to the next node
   * that accepts, so a client on a killed node reconnects to another. It runs in this
   * process (the nodes outlive it): `stop()` closes it. `true` listens on node 1's
   * frontend port − 1 (7232 by default); `{ port: 0 }` on any free port.
   */
  balancer?: boolean | { port?: number };
  /** Progress lines; stderr by default. */
  log?: (line: string) => void;
}

/** A running cluster, as `startCluster` returns it. */
export interface Cluster {
  /** Frontend `host:port` of each node, node 1 first. */
  addresses: string[];
  namespace: string;
  /** The web UI, when it was asked for and could be built. */
  uiUrl: string | undefined;
  /** Why there is no web UI although one was asked for. */
  uiError: string | undefined;
  stateDir: string;
  /**
   * The balancer in front of the frontends when `balancer` was asked for: give clients
   * `balancer.address`; `balancer.stats.open` counts the connections on each node now.
   */
  balancer: Balancer | undefined;
  /** SIGKILLs node `node` (1-based), as a crash would; the other nodes take over its shards. */
  kill(node: number): void;
  /**
   * Stops node `node` (1-based): SIGTERM and, after `graceMs`, SIGKILL; or with
   * `signal: 'SIGKILL'` a crash. Resolves once the process is gone.
   */
  stopNode(node: number, options?: Pick<StopNodeOptions, 'signal' | 'graceMs'>): Promise<void>;
  /**
   * Starts node `node` (1-based) again on the same config and database, stopping it first
   * if it runs; resolves once it serves (see `restartClusterNode`). The balancer sends it
   * no new connection until then.
   */
  restart(node: number, options?: Pick<RestartNodeOptions, 'timeoutMs'>): Promise<void>;
  /** Stops the balancer, every node, the web UI and PostgreSQL. Safe to call twice. */
  stop(): Promise<void>;
}

/** What `cluster status` reports. */
export interface ClusterStatus {
  stateDir: string;
  nodes: { node: number; address: string; pid: number | undefined }[];
  postgres: { port: number; pid: number | undefined } | undefined;
  ui: { url: string; pid: number | undefined } | undefined;
  namespace: string | undefined;
}

function uiPidFile(stateDir: string): string {
  return join(stateDir, 'ui.pid');
}

/** The balancer's port for `options.balancer`, undefined without one. */
function balancerPort(options: ClusterOptions, frontendPort: number): number | undefined {
  if (!options.balancer) return undefined;
  const asked = options.balancer === true ? undefined : options.balancer.port;
  return asked ?? frontendPort + BALANCER_OFFSET;
}

/**
 * Starts a Temporal cluster of `nodes` server processes (each running frontend,
 * history, matching and worker) on one PostgreSQL, all on 127.0.0.1, detached from the
 * caller: it keeps running after this process exits until `stop()` or
 * `pnpm temporal cluster stop`. Builds the server with Go the first time. Resolves once
 * every node serves the namespace with Resumable's search attributes.
 *
 * @example
 * const cluster = await startCluster({ dir: '/tmp/temporal-cluster', port: 17233, balancer: true });
 * console.log(cluster.addresses); // ['127.0.0.1:17233', '127.0.0.1:17243']
 * const connection = await Connection.connect({ address: cluster.balancer!.address }); // 127.0.0.1:17232
 * cluster.kill(1); // the connection's next call goes to node 2 if it was on node 1
 * await cluster.restart(1);
 * await cluster.stop();
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const stateDir = resolve(options.dir ?? clusterStateDir());
  const layout: SavedLayout = {
    serverVersion: TEMPORAL_SERVER_VERSION,
    nodes: options.nodes ?? DEFAULT_NODE_COUNT,
    port: options.port ?? DEFAULT_FRONTEND_PORT,
    postgresPort: options.postgresPort ?? DEFAULT_POSTGRES_PORT,
    uiPort: options.ui ? (options.uiPort ?? DEFAULT_UI_PORT) : undefined,
    namespace: options.namespace ?? 'default',
    ...(options.tls ? { tls: options.tls } : {}),
  };
  const balancing = balancerPort(options, layout.port);
  checkLayout({
    frontendPort: layout.port,
    nodes: layout.nodes,
    postgresPort: layout.postgresPort,
    ...(layout.uiPort === undefined ? {} : { uiPort: layout.uiPort }),
    ...(balancing ? { balancerPort: balancing } : {}),
  });
  const running = clusterStatus({ dir: stateDir });
  if (running.nodes.some((node) => node.pid !== undefined)) {
    throw new TemporalDevError(
      'CLUSTER_RUNNING',
      `A cluster already runs from ${stateDir} (${running.nodes.map((node) => node.address).join(', ')}): ` +
        'stop it first (`pnpm temporal cluster stop`)',
    );
  }
  mkdirSync(stateDir, { recursive: true });

  const binaries = await ensureServerBinaries({ log });
  let uiServer: string | undefined;
  let uiError: string | undefined;
  if (layout.uiPort !== undefined) {
    try {
      uiServer = await ensureUiServer({ log });
    } catch (error) {
      uiError = error instanceof Error ? error.message : String(error);
      log(`[temporal-cluster] no web UI: ${uiError.split('\n')[0]}`);
    }
  }

  const postgres = initPostgres({ binDir: ensurePostgresInstalled(log), stateDir, port: layout.postgresPort });
  startPostgres(postgres);
  log(`[temporal-cluster] PostgreSQL on 127.0.0.1:${postgres.port} (data in ${postgres.dir})`);
  writeFileSync(join(stateDir, LAYOUT_FILE), `${JSON.stringify(layout, null, 2)}\n`);

  const connections: Connection[] = [];
  let balancer: Balancer | undefined;
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await balancer?.close();
      await stopCluster({ dir: stateDir });
    })());
  try {
    migrateDatabases(binaries, postgres, log);
    writeClusterConfig({
      stateDir,
      nodes: layout.nodes,
      frontendPort: layout.port,
      postgres,
      ...(options.tls ? { tls: options.tls } : {}),
    });
    const clientTls = options.tls ? clientTlsOf(options.tls) : undefined;
    const addresses = Array.from({ length: layout.nodes }, (_, index) => nodeAddress(layout, index));
    let spawned = 0;
    const spawnNodes = (count: number) => {
      for (; spawned < count; spawned++) spawnNode(stateDir, binaries.server, spawned);
    };
    const alive = () =>
      addresses
        .slice(0, spawned)
        .every((_, index) => runningPid(nodePidFile(stateDir, index), binaries.server) !== undefined);
    const awaitServing = async (index: number) => {
      try {
        connections.push(await connectWhenServing(addresses[index]!, alive, clientTls));
      } catch (error) {
        throw withLog(error, join(nodeConfigDir(stateDir, index), 'server.log'));
      }
      log(`[temporal-cluster] node ${index + 1} serves on ${addresses[index]}`);
    };
    // Node 1 alone first: on a new database the first node writes the cluster metadata,
    // and nodes racing to write it can fail ("failed to initialize current cluster metadata").
    spawnNodes(1);
    await awaitServing(0);
    spawnNodes(layout.nodes);
    for (let index = 1; index < layout.nodes; index++) await awaitServing(index);
    await setUpNamespace(connections, layout.namespace, alive, log).catch((error: unknown) => {
      throw withLog(error, join(nodeConfigDir(stateDir, 0), 'server.log'));
    });

    let uiUrl: string | undefined;
    if (uiServer && layout.uiPort !== undefined) {
      try {
        uiUrl = await startUi({
          stateDir,
          uiServer,
          pidFile: uiPidFile(stateDir),
          uiPort: layout.uiPort,
          frontendPort: layout.port,
          namespace: layout.namespace,
          ...(options.tls ? { tls: options.tls } : {}),
        });
        log(`[temporal-cluster] web UI on ${uiUrl}`);
      } catch (error) {
        // Like a failed build: the cluster serves without its UI, and says why.
        uiError = error instanceof Error ? error.message : String(error);
        log(`[temporal-cluster] no web UI: ${uiError.split('\n')[0]}`);
      }
    }
    // Nodes being restarted take no new connection until they serve: a starting
    // frontend can accept TCP before it answers gRPC.
    const restarting = new Set<number>();
    if (balancing !== undefined) {
      balancer = await startBalancer({
        targets: addresses,
        port: balancing,
        inRotation: (index) => !restarting.has(index),
      });
      log(`[temporal-cluster] balancer on ${balancer.address} in front of ${addresses.join(', ')}`);
    }
    const checkNode = (node: number) => {
      if (!Number.isInteger(node) || node < 1 || node > layout.nodes) {
        throw new TemporalDevError('CLUSTER_BAD_OPTIONS', `no node ${node}: the cluster has nodes 1-${layout.nodes}`);
      }
    };
    return {
      addresses,
      namespace: layout.namespace,
      uiUrl,
      uiError,
      stateDir,
      balancer,
      kill: (node: number) => {
        checkNode(node);
        signalPid(nodePidFile(stateDir, node - 1), binaries.server, 'SIGKILL');
      },
      stopNode: async (node, stopOptions = {}) => {
        checkNode(node);
        await stopClusterNode({ dir: stateDir, node, ...stopOptions });
      },
      restart: async (node, restartOptions = {}) => {
        checkNode(node);
        restarting.add(node - 1);
        try {
          await restartClusterNode({ dir: stateDir, node, log, ...restartOptions });
        } finally {
          restarting.delete(node - 1);
        }
      },
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  } finally {
    await Promise.all(connections.map((connection) => connection.close().catch(() => undefined)));
  }
}

function withLog(error: unknown, logFile: string): TemporalDevError {
  const text = error instanceof Error ? error.message : String(error);
  return new TemporalDevError('CLUSTER_START_FAILED', `${text}\nLast lines of ${logFile}:\n${logTail(logFile)}`, {
    cause: error,
  });
}

/**
 * Stops the cluster of a state folder: its nodes (SIGTERM, then SIGKILL after 20 s),
 * its web UI and its PostgreSQL. The data stays for the next start.
 *
 * @example
 * await stopCluster({ dir: '/tmp/temporal-cluster' });
 */
export async function stopCluster(options: { dir?: string } = {}): Promise<void> {
  const stateDir = resolve(options.dir ?? clusterStateDir());
  const layout = readLayout(stateDir);
  if (!layout) return;
  const { server } = serverBinaryPaths(layout.serverVersion);
  await Promise.all([
    stopPid(uiPidFile(stateDir), uiServerPath()),
    ...Array.from({ length: layout.nodes }, (_, index) => stopPid(nodePidFile(stateDir, index), server)),
  ]);
  const binDir = existsSync(join(stateDir, 'postgres')) ? findPostgresBinDir() : undefined;
  if (binDir) stopPostgres(openPostgres({ binDir, stateDir, port: layout.postgresPort }));
}

/**
 * What runs from a state folder: each node's address and pid (undefined when down),
 * PostgreSQL and the web UI.
 *
 * @example
 * const { nodes } = clusterStatus();
 */
export function clusterStatus(options: { dir?: string } = {}): ClusterStatus {
  const stateDir = resolve(options.dir ?? clusterStateDir());
  const layout = readLayout(stateDir);
  if (!layout) return { stateDir, nodes: [], postgres: undefined, ui: undefined, namespace: undefined };
  const { server } = serverBinaryPaths(layout.serverVersion);
  let postgres: ClusterStatus['postgres'];
  const binDir = existsSync(join(stateDir, 'postgres')) ? findPostgresBinDir() : undefined;
  if (binDir) {
    const instance = openPostgres({ binDir, stateDir, port: layout.postgresPort });
    postgres = { port: layout.postgresPort, pid: postgresRunning(instance) ? postgresPid(instance) : undefined };
  }
  return {
    stateDir,
    namespace: layout.namespace,
    nodes: Array.from({ length: layout.nodes }, (_, index) => ({
      node: index + 1,
      address: nodeAddress(layout, index),
      pid: runningPid(nodePidFile(stateDir, index), server),
    })),
    postgres,
    ui:
      layout.uiPort === undefined
        ? undefined
        : { url: `http://127.0.0.1:${layout.uiPort}`, pid: runningPid(uiPidFile(stateDir), uiServerPath()) },
  };
}
