/**
 * What both peer benchmarks share: Temporal (started as the other benches start it),
 * the worker with the timing sink, the Temporal server's CPU from /proc, load
 * averages, child processes with a raised descriptor limit, and summaries.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker, type InjectedSinks } from '@temporalio/worker';
import type { UpdateBus } from '@resumable/protocol';
import { bundleWorkflows } from '@resumable/temporal-dev';
import { createResumableSinks } from '@resumable/workflow-state/worker';
import {
  cleanupStack,
  sleep,
  startTemporal as startDevTemporal,
} from '../../../packages/recovery-server/bench/bench-kit';
import type { TimingSinks } from './workflows';

export { cleanupStack, sleep };
export const HERE = import.meta.dirname;
export const ROOT = resolve(HERE, '../../..');
export const now = () => performance.timeOrigin + performance.now();

/** The recovery-server bench's Temporal start-up (dev server, native connection, counting client), plus our bundle. */
export async function startTemporal(cleanups: ReturnType<typeof cleanupStack>) {
  const temporal = await startDevTemporal(cleanups, 'resumable-peer-bench');
  const bundles = await bundleWorkflows({ peer: join(HERE, 'workflows.ts') }, join(tmpdir(), 'resumable-peer-bench'));
  return { ...temporal, peerCodePath: bundles.peer as string };
}

/** Emit stamps per workflow id: index = sequence (1-based), stamped by the timing sink. */
export class EmitClock {
  private readonly stamps = new Map<string, (number | null)[]>();

  sinks(): InjectedSinks<TimingSinks> {
    return {
      peerBench: {
        batch: {
          fn: (info, first, last) => {
            const at = now();
            let times = this.stamps.get(info.workflowId);
            if (!times) this.stamps.set(info.workflowId, (times = [null]));
            while (times.length <= last) times.push(null);
            // A retried workflow task stamps again: the first is the emit.
            for (let n = first; n <= last; n++) times[n] ??= at;
          },
          callDuringReplay: false,
        },
      },
    };
  }

  times(workflowId: string): (number | null)[] {
    return this.stamps.get(workflowId) ?? [];
  }
}

/** A worker for both emitters on `taskQueue`: Resumable's sinks into `bus`, and the timing sink. */
export async function startWorker(
  options: { native: Parameters<typeof Worker.create>[0]['connection']; namespace: string; codePath: string },
  taskQueue: string,
  bus: UpdateBus,
  clock: EmitClock,
  cleanups: ReturnType<typeof cleanupStack>,
) {
  const worker = await Worker.create({
    connection: options.native,
    namespace: options.namespace,
    taskQueue,
    workflowBundle: { codePath: options.codePath },
    sinks: { ...createResumableSinks({ bus }), ...clock.sinks() },
    // Hundreds of parked workflow-streams polls are update handlers of one workflow; the
    // defaults are enough for one workflow at a time.
  });
  const running = worker.run();
  cleanups.push(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running.catch(() => undefined);
  });
  return worker;
}

/** `/proc/loadavg`'s three averages. */
export function loadavg(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

const TICK_MS = 10; // CLK_TCK is 100 on Linux.

/** CPU (user + system) of a process from /proc/<pid>/stat, ms. */
export function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command: state is field 3, utime 14 and stime 15 (1-based), here 0-based from state.
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** The `temporal` dev server we started: a child of this process (the SDK's ephemeral server). */
export function findTemporalPid(port: string): number {
  const candidates: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!cmdline.some((arg) => arg.includes('start-dev'))) continue;
      if (!cmdline.includes(port) && !cmdline.some((arg) => arg.endsWith(`:${port}`))) continue;
      candidates.push(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  const pid = candidates.find((candidate) => {
    const stat = readFileSync(`/proc/${candidate}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid;
  });
  if (pid === undefined) throw new Error(`no temporal dev server process on port ${port} (candidates ${candidates})`);
  return pid;
}

/** Forks a TypeScript child under a shell that raises its descriptor limit first (as the fanout bench does). */
export function forkChild(file: string, args: string[], fds = 20_000): { child: ChildProcess; stop(): Promise<void> } {
  const child = fork(resolve(HERE, file), args, {
    cwd: ROOT,
    execPath: 'sh',
    execArgv: [
      '-c',
      `ulimit -n ${fds} 2>/dev/null; exec "${process.execPath}" --conditions=@resumable/source --import tsx ${process.env.PEER_CHILD_FLAGS ?? ''} "$0" "$@"`,
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.send({ type: 'exit' });
      await Promise.race([exited, sleep(5_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Latency summary as the client processes report it. */
export interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** What a client process reports once every client is done (sse-clients.ts and ws-subscribers.ts alike). */
export interface ClientsDone {
  startedAt: number;
  clients: number;
  ended: number;
  exact: number;
  updates: number;
  events: number;
  outOfOrder: number;
  duplicates: number;
  failures: Record<string, number>;
  endAt: number[];
  cpuMs: number;
  /** workflow-streams only: poll Updates started by the subscribers' client, and those refused (with why). */
  polls?: { started: number; refused: number; kinds: Record<string, number> };
}

export function median(values: number[]): number {
  const finite = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const middle = Math.floor(finite.length / 2);
  return finite.length % 2 ? finite[middle]! : (finite[middle - 1]! + finite[middle]!) / 2;
}

export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

export const int = (value: number) => value.toLocaleString('en-US');
export const ms = (value: number | undefined) =>
  value === undefined || !Number.isFinite(value)
    ? 'n/a'
    : value >= 100
      ? `${value.toFixed(0)} ms`
      : `${value.toFixed(1)} ms`;
export const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0
    ? 'n/a'
    : `${(a / b).toFixed(a / b >= 10 ? 0 : 1)}×`;
