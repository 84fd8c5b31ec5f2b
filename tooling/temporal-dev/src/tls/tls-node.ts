import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common';
import { TemporalDevError } from '../errors';
import { ensureServerBinaries } from '../cluster/build';
import { renderDynamicConfig } from '../cluster/config';
import { MEMBERSHIP_OFFSET, NODE_PORT_STRIDE, nodePorts } from '../cluster/layout';
import { logTail, sleep } from '../cluster/processes';
import { clientTlsOf, renderServerTls, type ServerTlsOptions } from './server-tls';

const CONFIG_ENV = 'tls';
const READY_MS = 60_000;
/** gRPC ALREADY_EXISTS. */
const ALREADY_EXISTS = 6;

/** A one-node Temporal server whose frontend requires client certificates. */
export interface TlsNode {
  /** Frontend `127.0.0.1:port`. */
  address: string;
  namespace: string;
  /** The server's log file, for error messages. */
  logFile: string;
  /** Stops the server (SIGTERM, then SIGKILL after 3 s). Safe to call twice. */
  stop(): Promise<void>;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/** A frontend port whose every sibling port (services, membership, HTTP) is free. */
async function findFreeLayout(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + NODE_PORT_STRIDE * Math.floor(Math.random() * 2_000);
    const ports = nodePorts(base, 0);
    const all = [...Object.values(ports.grpc), ...Object.values(ports.membership), ports.frontendHttp];
    let free = true;
    for (const port of all) if (!(free = await portFree(port))) break;
    if (free) return base;
  }
  throw new TemporalDevError('SERVER_START_FAILED', 'found no free ports for a TLS test server');
}

/** The node's YAML: every service in one process, in-memory SQLite (schema made at start), TLS on. */
function renderConfig(port: number, tls: ServerTlsOptions, dynamicConfigFile: string): string {
  const ports = nodePorts(port, 0);
  const sqlite = [
    `      sql:`,
    `        pluginName: "sqlite"`,
    `        databaseName: "default"`,
    `        connectAddr: "localhost"`,
    `        connectProtocol: "tcp"`,
    `        connectAttributes:`,
    `          mode: "memory"`,
    `          cache: "private"`,
    // In-memory SQLite lives as long as its one connection.
    `        maxConns: 1`,
    `        maxIdleConns: 1`,
    `        maxConnLifetime: "1h"`,
  ].join('\n');
  const services = (['frontend', 'history', 'matching', 'worker'] as const)
    .map((service) =>
      [
        `  ${service}:`,
        `    rpc:`,
        `      grpcPort: ${ports.grpc[service]}`,
        `      membershipPort: ${ports.membership[service]}`,
        `      bindOnLocalHost: true`,
        ...(service === 'frontend' ? [`      httpPort: ${ports.frontendHttp}`] : []),
      ].join('\n'),
    )
    .join('\n');
  return `log:
  stdout: true
  level: warn
persistence:
  defaultStore: sqlite-default
  visibilityStore: sqlite-visibility
  numHistoryShards: 1
  datastores:
    sqlite-default:
${sqlite}
    sqlite-visibility:
${sqlite}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
${renderServerTls(tls)}
services:
${services}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${port}"
dcRedirectionPolicy:
  policy: "noop"
dynamicConfigClient:
  filepath: ${JSON.stringify(dynamicConfigFile)}
  pollInterval: "10s"
`;
}

/**
 * Starts one Temporal server process (frontend, history, matching and worker) over
 * in-memory SQLite, its frontend requiring client certificates signed by `tls.caFile`,
 * and registers `namespace`. No PostgreSQL: it starts in a few seconds, for tests of
 * mTLS. Its data lives only as long as the process. Builds the server with Go the
 * first time, as `startCluster` does.
 *
 * @example
 * const tls = serverTlsFromPki(createTestPki('/tmp/pki'));
 * const node = await startTlsNode({ dir: '/tmp/tls-node', tls });
 * const connection = await Connection.connect({ address: node.address, tls: clientTlsOf(tls) });
 * await node.stop();
 */
export async function startTlsNode(options: {
  /** Folder for the config and the log. */
  dir: string;
  tls: ServerTlsOptions;
  /** Frontend gRPC port; other services use the next ones (and 300 below). A free layout by default. */
  port?: number;
  namespace?: string;
  log?: (line: string) => void;
}): Promise<TlsNode> {
  const dir = resolve(options.dir);
  const namespace = options.namespace ?? 'default';
  const port = options.port ?? (await findFreeLayout());
  if (port + MEMBERSHIP_OFFSET < 1) throw new TemporalDevError('CLUSTER_BAD_OPTIONS', `port ${port} is too low`);
  const binaries = await ensureServerBinaries(options.log ? { log: options.log } : {});
  const configDir = join(dir, 'node');
  mkdirSync(configDir, { recursive: true });
  const dynamicConfigFile = join(dir, 'dynamicconfig.yaml');
  writeFileSync(dynamicConfigFile, renderDynamicConfig());
  writeFileSync(join(configDir, `${CONFIG_ENV}.yaml`), renderConfig(port, options.tls, dynamicConfigFile));
  const logFile = join(dir, 'server.log');
  const log = openSync(logFile, 'w');
  const child = spawn(
    binaries.server,
    ['--root', dir, '--config', 'node', '--env', CONFIG_ENV, '--allow-no-auth', 'start'],
    { cwd: dir, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  let exited = false;
  const exit = new Promise<void>((done) =>
    child.once('exit', () => {
      exited = true;
      done();
    }),
  );
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (exited) return;
      child.kill('SIGTERM');
      // In-memory data: nothing to flush, so a short grace.
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exit;
      clearTimeout(timer);
    })());
  const address = `127.0.0.1:${port}`;
  try {
    await register(address, namespace, options.tls, () => !exited);
  } catch (error) {
    await stop();
    const text = error instanceof Error ? error.message : String(error);
    throw new TemporalDevError('SERVER_START_FAILED', `${text}\nLast lines of ${logFile}:\n${logTail(logFile)}`, {
      cause: error,
    });
  }
  return { address, namespace, logFile, stop };
}

/** Waits for the frontend over mTLS, registers the namespace, waits until a list call in it answers. */
async function register(address: string, namespace: string, tls: ServerTlsOptions, alive: () => boolean) {
  const deadline = Date.now() + READY_MS;
  let last = '';
  for (;;) {
    if (!alive()) throw new Error(`the TLS server process exited (${last})`);
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, tls: clientTlsOf(tls), connectTimeout: 2_000 });
      try {
        await connection.workflowService.registerNamespace({
          namespace,
          workflowExecutionRetentionPeriod: msToTs('1 day'),
        });
      } catch (error) {
        if ((error as { code?: number }).code !== ALREADY_EXISTS) throw error;
      }
      await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 });
      return;
    } catch (error) {
      last = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    } finally {
      await connection?.close().catch(() => undefined);
    }
    if (Date.now() > deadline)
      throw new Error(`no answer over mTLS from ${address} within ${READY_MS / 1000} s (${last})`);
    await sleep(300);
  }
}
