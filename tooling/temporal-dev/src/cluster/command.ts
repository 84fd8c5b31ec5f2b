import { parseArgs } from 'node:util';
import { TemporalDevError } from '../errors';
import { clusterStateDir } from '../paths';
import { startBalancer } from './balancer';
import { clusterStatus, startCluster, stopCluster } from './cluster';
import { readLayout, restartClusterNode } from './nodes';
import { runOnCluster } from './run';
import { clientEnvOf } from '../tls/client-env';
import { createTestPki } from '../tls/pki';
import { serverTlsFromPki, type ServerTlsOptions } from '../tls/server-tls';
import {
  BALANCER_OFFSET,
  DEFAULT_BALANCER_PORT,
  DEFAULT_FRONTEND_PORT,
  DEFAULT_NODE_COUNT,
  DEFAULT_POSTGRES_PORT,
  DEFAULT_UI_PORT,
  NODE_PORT_STRIDE,
} from './layout';

export const CLUSTER_USAGE = `Usage: resumable-temporal cluster <start|stop|status> [options]
       resumable-temporal cluster restart <node> [--dir <path>]
       resumable-temporal cluster balancer [--balancer-port <n>] [--dir <path>]
       resumable-temporal cluster run [options] -- <command> [args…]

A Temporal cluster without Docker: ${DEFAULT_NODE_COUNT} server processes (each running frontend,
history, matching and worker) on one PostgreSQL, all on 127.0.0.1. \`start\` returns once
every node serves; the processes keep running until \`stop\`. \`restart <node>\` starts
node <node> (1-based) again, stopping it first if it runs, and returns once it serves.
\`balancer\` runs a TCP balancer in front of the nodes' frontends until Ctrl-C: each new
connection goes to the next node that accepts, so clients given its address move off a
killed node. \`run\` starts a cluster (in a fresh state folder unless --dir is given),
runs the command with TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE (and with --tls,
TEMPORAL_TLS_*) set to it, stops it and exits with the command's code.

Options:
  --dir <path>          state folder: PostgreSQL data, configs, logs, pid files
                        (default: ${clusterStateDir()})
  --nodes <n>           server processes (default: ${DEFAULT_NODE_COUNT})
  --port <n>            node 1's frontend gRPC port (default: ${DEFAULT_FRONTEND_PORT}); node k uses
                        port + ${NODE_PORT_STRIDE} × (k - 1)
  --postgres-port <n>   PostgreSQL port (default: ${DEFAULT_POSTGRES_PORT})
  --ui                  also run the Temporal web UI
  --ui-port <n>         web UI port (default: ${DEFAULT_UI_PORT})
  --namespace <ns>      namespace to register (default: default)
  --tls <dir>           require client certificates (mTLS, node to node too), from a
                        test CA made with openssl in <dir> (kept and reused); prints the
                        TEMPORAL_TLS_* variables a client needs
  --balancer            (run) TEMPORAL_ADDRESS names a balancer in front of the nodes
  --balancer-port <n>   (run, balancer) its port (default: node 1's port ${BALANCER_OFFSET}, so
                        ${DEFAULT_BALANCER_PORT}; 0 picks a free one)
`;

function port(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!/^\d+$/.test(value))
    throw new TemporalDevError('CLUSTER_BAD_OPTIONS', `--${name} must be a number, got "${value}"`);
  return parsed;
}

/** The server side of the test PKI in `dir` (made there when missing), node-to-node TLS on. */
function testTls(dir: string): ServerTlsOptions {
  if (!dir) throw new TemporalDevError('CLUSTER_BAD_OPTIONS', '--tls needs a folder for the test certificates');
  return serverTlsFromPki(createTestPki(dir), { internode: true });
}

/** `cluster balancer`: a balancer in front of the cluster of `dir` until SIGINT or SIGTERM. */
async function runBalancer(dir: string | undefined, balancerPort: number | undefined): Promise<number> {
  const status = clusterStatus(dir === undefined ? {} : { dir });
  const layout = readLayout(status.stateDir);
  if (!layout) {
    process.stderr.write(`No cluster in ${status.stateDir}.\n`);
    return 3;
  }
  const balancer = await startBalancer({
    targets: status.nodes.map((node) => node.address),
    port: balancerPort ?? layout.port + BALANCER_OFFSET,
  });
  process.stdout.write(`TEMPORAL_ADDRESS=${balancer.address}\n`);
  process.stdout.write(`Balancing ${status.nodes.map((node) => node.address).join(', ')}. Press Ctrl-C to stop.\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await balancer.close();
  return 0;
}

/** Runs `cluster start|stop|status|restart|balancer|run`; returns the exit code. */
export async function clusterCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dir: { type: 'string' },
      nodes: { type: 'string' },
      port: { type: 'string' },
      'postgres-port': { type: 'string' },
      ui: { type: 'boolean', default: false },
      'ui-port': { type: 'string' },
      namespace: { type: 'string' },
      tls: { type: 'string' },
      balancer: { type: 'boolean', default: false },
      'balancer-port': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(CLUSTER_USAGE);
    return values.help ? 0 : 2;
  }
  const dir = values.dir;
  // Only a start makes certificates: `stop --tls dir` must not write a PKI.
  const starts = command === 'start' || command === 'run';
  const tls = starts && values.tls !== undefined ? testTls(values.tls) : undefined;
  switch (command) {
    case 'start': {
      const nodes = port(values.nodes, 'nodes');
      const frontendPort = port(values.port, 'port');
      const postgresPort = port(values['postgres-port'], 'postgres-port');
      const uiPort = port(values['ui-port'], 'ui-port');
      const cluster = await startCluster({
        ...(dir === undefined ? {} : { dir }),
        ...(nodes === undefined ? {} : { nodes }),
        ...(frontendPort === undefined ? {} : { port: frontendPort }),
        ...(postgresPort === undefined ? {} : { postgresPort }),
        ...(uiPort === undefined ? {} : { uiPort }),
        ...(values.namespace === undefined ? {} : { namespace: values.namespace }),
        ui: values.ui || uiPort !== undefined,
        ...(tls ? { tls } : {}),
      });
      cluster.addresses.forEach((address, index) => process.stdout.write(`node ${index + 1}: ${address}\n`));
      process.stdout.write(`TEMPORAL_ADDRESS=${cluster.addresses[0]}\n`);
      process.stdout.write(`TEMPORAL_NAMESPACE=${cluster.namespace}\n`);
      for (const [name, value] of Object.entries(tls ? clientEnvOf(tls) : {})) {
        process.stdout.write(`${name}=${value}\n`);
      }
      if (cluster.uiUrl) process.stdout.write(`Temporal web UI: ${cluster.uiUrl}\n`);
      if (cluster.uiError) process.stdout.write(`No web UI: ${cluster.uiError.split('\n')[0]}\n`);
      process.stdout.write(`State in ${cluster.stateDir}; stop with \`pnpm temporal cluster stop\`.\n`);
      return 0;
    }
    case 'run': {
      const nodes = port(values.nodes, 'nodes');
      const frontendPort = port(values.port, 'port');
      const postgresPort = port(values['postgres-port'], 'postgres-port');
      const balancerPort = port(values['balancer-port'], 'balancer-port');
      return runOnCluster(
        {
          ...(dir === undefined ? {} : { dir }),
          ...(values.balancer || balancerPort !== undefined
            ? { balancer: balancerPort === undefined ? true : { port: balancerPort } }
            : {}),
          ...(nodes === undefined ? {} : { nodes }),
          ...(frontendPort === undefined ? {} : { port: frontendPort }),
          ...(postgresPort === undefined ? {} : { postgresPort }),
          ...(values.namespace === undefined ? {} : { namespace: values.namespace }),
          ...(tls ? { tls } : {}),
        },
        positionals.slice(1),
      );
    }
    case 'restart': {
      const node = positionals[1];
      if (node === undefined || !/^\d+$/.test(node) || positionals.length > 2) {
        process.stderr.write(`cluster restart needs one node number\n\n${CLUSTER_USAGE}`);
        return 2;
      }
      const restarted = await restartClusterNode({ ...(dir === undefined ? {} : { dir }), node: Number(node) });
      process.stdout.write(`node ${restarted.node}: ${restarted.address} up (pid ${restarted.pid})\n`);
      return 0;
    }
    case 'balancer':
      return runBalancer(dir, port(values['balancer-port'], 'balancer-port'));
    case 'stop':
      await stopCluster(dir === undefined ? {} : { dir });
      process.stdout.write('Temporal cluster stopped.\n');
      return 0;
    case 'status': {
      const status = clusterStatus(dir === undefined ? {} : { dir });
      if (status.nodes.length === 0) {
        process.stdout.write(`No cluster in ${status.stateDir}.\n`);
        return 3;
      }
      const state = (pid: number | undefined) => (pid === undefined ? 'down' : `up (pid ${pid})`);
      for (const node of status.nodes) process.stdout.write(`node ${node.node}: ${node.address} ${state(node.pid)}\n`);
      if (status.postgres)
        process.stdout.write(`PostgreSQL: 127.0.0.1:${status.postgres.port} ${state(status.postgres.pid)}\n`);
      if (status.ui) process.stdout.write(`web UI: ${status.ui.url} ${state(status.ui.pid)}\n`);
      process.stdout.write(`namespace: ${status.namespace}; state in ${status.stateDir}\n`);
      // Like `pg_ctl status`: 0 when everything runs, 3 when anything is down.
      const allUp = status.nodes.every((node) => node.pid !== undefined) && status.postgres?.pid !== undefined;
      return allUp ? 0 : 3;
    }
    default:
      process.stderr.write(`Unknown cluster command "${command}"\n\n${CLUSTER_USAGE}`);
      return 2;
  }
}
