import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DYNAMIC_CONFIG,
  HISTORY_SHARDS,
  TEMPORAL_DATABASE,
  TEMPORAL_SERVICES,
  VISIBILITY_DATABASE,
  nodePorts,
} from './layout';
import type { PostgresInstance } from './postgres';
import { renderServerTls, type ServerTlsOptions } from '../tls/server-tls';

/** The server reads `<root>/<node>/<CONFIG_ENV>.yaml`. */
export const CONFIG_ENV = 'cluster';

/** One node's config folder inside the state folder. */
export function nodeConfigDir(stateDir: string, index: number): string {
  return join(stateDir, `node${index + 1}`);
}

/** The dynamic config file every node polls. */
export function dynamicConfigPath(stateDir: string): string {
  return join(stateDir, 'dynamicconfig.yaml');
}

/** A YAML scalar: JSON strings, numbers and booleans are valid YAML as they are. */
function scalar(value: string | number | boolean): string {
  return JSON.stringify(value);
}

/** The dynamic config as YAML, every value for all namespaces (no constraints). */
export function renderDynamicConfig(
  values: Readonly<Record<string, string | number | boolean>> = DYNAMIC_CONFIG,
): string {
  return Object.entries(values)
    .map(([key, value]) => `${key}:\n  - value: ${scalar(value)}\n`)
    .join('');
}

/**
 * The static config of node `index`: every service (frontend, history, matching,
 * worker) on 127.0.0.1, ring membership over the shared PostgreSQL, and node 1's
 * frontend as the cluster's address.
 */
export function renderNodeConfig(options: {
  index: number;
  frontendPort: number;
  postgres: Pick<PostgresInstance, 'port' | 'user' | 'password'>;
  dynamicConfigFile: string;
  /** Frontend requires client certificates (mTLS); plain gRPC when absent. */
  tls?: ServerTlsOptions;
}): string {
  const { index, frontendPort, postgres } = options;
  const ports = nodePorts(frontendPort, index);
  const datastore = (database: string, maxConns: number) =>
    [
      `      sql:`,
      `        pluginName: "postgres12"`,
      `        databaseName: ${scalar(database)}`,
      `        connectAddr: ${scalar(`127.0.0.1:${postgres.port}`)}`,
      `        connectProtocol: "tcp"`,
      `        user: ${scalar(postgres.user)}`,
      `        password: ${scalar(postgres.password)}`,
      `        maxConns: ${maxConns}`,
      `        maxIdleConns: ${maxConns}`,
      `        maxConnLifetime: "1h"`,
    ].join('\n');
  const services = TEMPORAL_SERVICES.map((service) =>
    [
      `  ${service}:`,
      `    rpc:`,
      `      grpcPort: ${ports.grpc[service]}`,
      `      membershipPort: ${ports.membership[service]}`,
      `      bindOnLocalHost: true`,
      ...(service === 'frontend' ? [`      httpPort: ${ports.frontendHttp}`] : []),
    ].join('\n'),
  ).join('\n');
  return `# Written by \`pnpm temporal cluster start\` for node ${index + 1}; rewritten on every start.
log:
  stdout: true
  level: warn

persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: ${HISTORY_SHARDS}
  datastores:
    postgres-default:
${datastore(TEMPORAL_DATABASE, 20)}
    postgres-visibility:
${datastore(VISIBILITY_DATABASE, 5)}

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
${options.tls ? `${renderServerTls(options.tls)}\n` : ''}
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
      rpcAddress: ${scalar(`127.0.0.1:${frontendPort}`)}

dcRedirectionPolicy:
  policy: "noop"

dynamicConfigClient:
  filepath: ${scalar(options.dynamicConfigFile)}
  pollInterval: "10s"
`;
}

/** Writes the dynamic config and each node's config (mode 0600: they hold the database password). */
export function writeClusterConfig(options: {
  stateDir: string;
  nodes: number;
  frontendPort: number;
  postgres: Pick<PostgresInstance, 'port' | 'user' | 'password'>;
  tls?: ServerTlsOptions;
}): void {
  const dynamicConfigFile = dynamicConfigPath(options.stateDir);
  writeFileSync(dynamicConfigFile, renderDynamicConfig());
  for (let index = 0; index < options.nodes; index++) {
    const dir = nodeConfigDir(options.stateDir, index);
    mkdirSync(dir, { recursive: true });
    const yaml = renderNodeConfig({
      index,
      frontendPort: options.frontendPort,
      postgres: options.postgres,
      dynamicConfigFile,
      ...(options.tls ? { tls: options.tls } : {}),
    });
    writeFileSync(join(dir, `${CONFIG_ENV}.yaml`), yaml, { mode: 0o600 });
  }
}

/** The web UI server's config: `<state>/ui/config/cluster.yaml`, pointed at node 1. */
export function writeUiConfig(options: {
  stateDir: string;
  uiPort: number;
  frontendPort: number;
  namespace: string;
  /** The UI server is a client of the frontend too: with mTLS it presents the client certificate. */
  tls?: ServerTlsOptions;
}): string {
  const root = join(options.stateDir, 'ui');
  mkdirSync(join(root, 'config'), { recursive: true });
  writeFileSync(
    join(root, 'config', `${CONFIG_ENV}.yaml`),
    `temporalGrpcAddress: ${scalar(`127.0.0.1:${options.frontendPort}`)}
host: "127.0.0.1"
port: ${options.uiPort}
enableUi: true
defaultNamespace: ${scalar(options.namespace)}
cors:
  # Plain HTTP on loopback: a Secure CSRF cookie would never be stored, and every
  # action the UI posts (signal, cancel, terminate) would be refused.
  cookieInsecure: true
  allowOrigins:
    - ${scalar(`http://127.0.0.1:${options.uiPort}`)}
    - ${scalar(`http://localhost:${options.uiPort}`)}
${
  options.tls
    ? `tls:
  caFile: ${scalar(options.tls.caFile)}
  certFile: ${scalar(options.tls.clientCertFile)}
  keyFile: ${scalar(options.tls.clientKeyFile)}
  serverName: ${scalar(options.tls.serverName)}
  enableHostVerification: true
`
    : ''
}`,
  );
  return root;
}
