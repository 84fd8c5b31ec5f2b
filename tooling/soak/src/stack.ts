/**
 * The production shape on loopback: redis-server, a Temporal dev server on a database
 * file (so it survives kill -9), the worker and two recovery servers, each a process
 * of its own that a fault can kill and restart.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { buildTemporalCli, bundleWorkflows, findTemporalCli } from '@resumable/temporal-dev';
import { Connection } from '@temporalio/client';
import { accepting, freePort } from '@resumable/kit/net';
import { ManagedProcess } from './processes';

const HERE = resolve(import.meta.dirname, '..');

export interface Stack {
  redis: ManagedProcess;
  temporal: ManagedProcess;
  worker: ManagedProcess;
  servers: ManagedProcess[];
  serverPorts: number[];
  temporalAddress: string;
  taskQueue: string;
  secret: string;
  close(): Promise<void>;
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

export async function startStack(runDir: string, log: (line: string) => void): Promise<Stack> {
  const redisBinary = which('redis-server');
  if (!redisBinary)
    throw new Error('redis-server is not installed: apt-get install redis-server (the soak runs a real Redis)');
  const cli = findTemporalCli()?.path ?? (await buildTemporalCli({ log }));

  const [redisPort, temporalPort, httpPort, metricsPort, portA, portB] = (await Promise.all(
    Array.from({ length: 6 }, freePort),
  )) as [number, number, number, number, number, number];
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const secret = randomBytes(32).toString('hex');
  const taskQueue = `soak-${randomBytes(4).toString('hex')}`;
  const started: ManagedProcess[] = [];
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
    const temporal = await start(
      new ManagedProcess(
        {
          name: 'temporal',
          command: cli,
          args: [
            'server',
            'start-dev',
            '--headless',
            '--ip',
            '127.0.0.1',
            '--port',
            String(temporalPort),
            '--http-port',
            String(httpPort),
            '--metrics-port',
            String(metricsPort),
            '--db-filename',
            join(runDir, 'temporal.db'),
            '--namespace',
            'default',
            '--log-level',
            'error',
          ],
          ready: () => temporalAnswers(temporalAddress),
          startTimeoutMs: 90_000,
        },
        runDir,
      ),
    );
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
      close: async () => {
        // Clients' servers first, Temporal last, so nothing waits on what is gone.
        for (const process of [...started].reverse()) await process.close();
      },
    };
  } catch (error) {
    for (const process of started.reverse()) await process.close();
    throw error;
  }
}
