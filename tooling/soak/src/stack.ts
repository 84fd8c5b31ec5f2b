/**
 * The production shape on loopback: redis-server, Temporal (a dev server on a database
 * file, so it survives kill -9; or with `cluster`, two server nodes on PostgreSQL), the
 * worker and two recovery servers, each a process of its own that a fault can kill and
 * restart.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { buildTemporalCli, bundleWorkflows, findTemporalCli, type Balancer } from '@resumable/temporal-dev';
import { Connection } from '@temporalio/client';
import { accepting, freePort } from '@resumable/kit/net';
import { startSoakCluster, type ClusterNode } from './cluster';
import { ManagedProcess } from './processes';

const HERE = resolve(import.meta.dirname, '..');

/** The Temporal the stack runs; on a cluster, the worker and both recovery servers reach it through the balancer. */
export type TemporalStack =
  { kind: 'dev-server'; server: ManagedProcess } | { kind: 'cluster'; nodes: ClusterNode[]; balancer: Balancer };

export interface Stack {
  redis: ManagedProcess;
  temporal: TemporalStack;
  worker: ManagedProcess;
  servers: ManagedProcess[];
  serverPorts: number[];
  temporalAddress: string;
  taskQueue: string;
  secret: string;
  /** Stops everything, the cluster too, even when a part fails to stop. Safe to call twice. */
  close(): Promise<void>;
}

interface Closable {
  close(): Promise<void>;
}

/** Closes in reverse start order, every one even if some throw; rethrows the first failure. */
async function closeAll(started: Closable[]): Promise<void> {
  let failure: unknown;
  for (const part of [...started].reverse()) {
    try {
      await part.close();
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
}

function which(binary: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
}

/** Node running a TypeScript entry of this package, with workspace packages from source. */
function tsEntry(file: string): { command: string; args: string[] } {
  return {
    command: process.execPath,
    args: ['--conditions=@resumable/source', '--import', 'tsx', join(HERE, 'src', file)],
  };
}

async function temporalAnswers(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 1000 });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

/** The Temporal CLI's dev server on a SQLite file in `runDir`, so a kill -9 and restart keeps its workflows. */
function devServer(options: {
  cli: string;
  port: number;
  httpPort: number;
  metricsPort: number;
  runDir: string;
}): ManagedProcess {
  return new ManagedProcess(
    {
      name: 'temporal',
      command: options.cli,
      args: [
        'server',
        'start-dev',
        '--headless',
        '--ip',
        '127.0.0.1',
        '--port',
        String(options.port),
        '--http-port',
        String(options.httpPort),
        '--metrics-port',
        String(options.metricsPort),
        '--db-filename',
        join(options.runDir, 'temporal.db'),
        '--namespace',
        'default',
        '--log-level',
        'error',
      ],
      ready: () => temporalAnswers(`127.0.0.1:${options.port}`),
      startTimeoutMs: 90_000,
    },
    options.runDir,
  );
}

export async function startStack(
  runDir: string,
  log: (line: string) => void,
  options: { cluster?: boolean } = {},
): Promise<Stack> {
  const redisBinary = which('redis-server');
  if (!redisBinary)
    throw new Error('redis-server is not installed: apt-get install redis-server (the soak runs a real Redis)');
  const cli = options.cluster ? undefined : (findTemporalCli()?.path ?? (await buildTemporalCli({ log })));

  const [redisPort, temporalPort, httpPort, metricsPort, portA, portB] = (await Promise.all(
    Array.from({ length: 6 }, freePort),
  )) as [number, number, number, number, number, number];
  let temporalAddress = `127.0.0.1:${temporalPort}`;
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const secret = randomBytes(32).toString('hex');
  const taskQueue = `soak-${randomBytes(4).toString('hex')}`;
  const started: Closable[] = [];
  let closed: Promise<void> | undefined;
  const start = async (process: ManagedProcess) => {
    started.push(process);
    await process.start();
    return process;
  };

  try {
    const redis = await start(
      new ManagedProcess(
        {
          name: 'redis',
          command: redisBinary,
          args: ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
          ready: () => accepting(redisPort),
        },
        runDir,
      ),
    );
    let temporal: TemporalStack;
    if (cli === undefined) {
      const { nodes, balancer } = await startSoakCluster(join(runDir, 'cluster'), log);
      const cluster = nodes[0]!.cluster;
      started.push({ close: () => cluster.stop() });
      temporalAddress = balancer.address;
      log(
        `Temporal cluster: nodes ${cluster.addresses.join(', ')} on PostgreSQL; every Temporal client connects through the balancer on ${balancer.address}`,
      );
      temporal = { kind: 'cluster', nodes, balancer };
    } else {
      const server = devServer({ cli, port: temporalPort, httpPort, metricsPort, runDir });
      temporal = { kind: 'dev-server', server: await start(server) };
    }

    log('bundling the soak workflow');
    const { soak: bundle } = await bundleWorkflows({ soak: join(HERE, 'src/workflows.ts') }, join(runDir, 'bundle'));
    const worker = await start(
      new ManagedProcess(
        {
          name: 'worker',
          ...tsEntry('worker-main.ts'),
          cwd: HERE,
          env: {
            TEMPORAL_ADDRESS: temporalAddress,
            SOAK_TASK_QUEUE: taskQueue,
            SOAK_BUNDLE: bundle as string,
            REDIS_URL: redisUrl,
          },
          ready: (output) => output.includes('ready'),
        },
        runDir,
      ),
    );
    const servers = await Promise.all(
      [portA, portB].map((port, index) =>
        start(
          new ManagedProcess(
            {
              name: `server-${'ab'[index]}`,
              ...tsEntry('server-main.ts'),
              cwd: HERE,
              env: {
                PORT: String(port),
                TEMPORAL_ADDRESS: temporalAddress,
                REDIS_URL: redisUrl,
                RESUMABLE_SECRET: secret,
              },
              ready: (output) => output.includes('ready'),
            },
            runDir,
          ),
        ),
      ),
    );
    return {
      redis,
      temporal,
      worker,
      servers,
      serverPorts: [portA, portB],
      temporalAddress,
      taskQueue,
      secret,
      // Clients' servers first, Temporal last, so nothing waits on what is gone.
      close: () => (closed ??= closeAll(started)),
    };
  } catch (error) {
    await closeAll(started).catch(() => undefined);
    throw error;
  }
}
