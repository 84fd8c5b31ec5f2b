/** The benchmark's side of a `tuning-worker.ts` process: start it, ask it, stop or kill it. */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { nextMessage } from '@resumable/kit/bench-report';
import type { Effective, FromWorker, Stats, WorkerSpec } from './tuning-worker';

const HERE = import.meta.dirname;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export interface WorkerProcess {
  effective: Effective;
  /** When it was ready (polling), ms since the epoch. */
  readyAt: number;
  /** Each workflow's first live update from this process: workflow id → ms since the epoch. */
  firsts: Map<string, number>;
  stats(): Promise<Stats>;
  /** Graceful: `worker.shutdown()`, SIGKILL after 10 s. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash: no shutdown call reaches Temporal. */
  kill(): Promise<void>;
}

export async function forkWorker(spec: WorkerSpec): Promise<WorkerProcess> {
  const child = fork(resolve(HERE, 'tuning-worker.ts'), [], {
    cwd: resolve(HERE, '..'),
    execArgv: ['--conditions=@resumable/source', '--import', 'tsx'],
    env: { ...process.env, TUNING_WORKER: JSON.stringify(spec) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const firsts = new Map<string, number>();
  child.on('message', (message: FromWorker) => {
    if (message.type === 'first') firsts.set(message.taskId, message.at);
  });
  const exited = once(child, 'exit');
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  let ready: Extract<FromWorker, { type: 'ready' }>;
  try {
    ready = await nextMessage(child, 'ready');
  } catch (error) {
    throw new Error('the benchmark worker did not start', { cause: error });
  }
  return {
    effective: ready.effective,
    readyAt: Date.now(),
    firsts,
    async stats() {
      const answer = nextMessage<Extract<FromWorker, { type: 'stats' }>>(child, 'stats');
      child.send({ type: 'stats' });
      return (await answer).stats;
    },
    async stop() {
      if (gone()) return;
      child.send({ type: 'stop' });
      await Promise.race([exited, sleep(10_000)]);
      if (!gone()) child.kill('SIGKILL');
      await exited;
    },
    async kill() {
      if (gone()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
