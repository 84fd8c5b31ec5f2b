/**
 * The faults, one at a time, each ended by a restart (or a thaw), as an operator's
 * supervisor would restart a crashed process.
 */
import type { RawClient } from './clients';
import type { Restartable } from './processes';
import type { Stack } from './stack';

export interface FaultRecord {
  name: string;
  /** When the fault began and when its restart was ready, ms since the epoch. */
  startedAt: number;
  restoredAt: number;
  note?: string;
}

export interface Fault {
  name: string;
  run(): Promise<string | undefined>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function faultPlan(
  stack: Stack,
  frozen: RawClient | undefined,
  options: { redisDownMs: number; freezeMs: number },
): Fault[] {
  const [serverA] = stack.servers;
  const faults: Fault[] = [];
  if (frozen) {
    faults.push({
      name: `freeze a client's socket for ${options.freezeMs / 1000} s (slow consumer)`,
      run: async () => {
        const { closedByServer, frozeOnUpdate } = await frozen.freeze(options.freezeMs);
        return closedByServer
          ? `the server closed the frozen stream (it froze after update ${frozeOnUpdate}); it resumed by Last-Event-ID`
          : `the stream survived the freeze (froze after update ${frozeOnUpdate}; buffers absorbed it)`;
      },
    });
  }
  faults.push(
    outage('kill -9 a recovery-server process', serverA, 'kill9', 1000),
    outage('kill -9 the worker', stack.worker, 'kill9', 1000),
    ...temporalFaults(stack),
    outage(`stop redis-server for ${options.redisDownMs / 1000} s`, stack.redis, 'stop', options.redisDownMs),
  );
  return faults;
}

/**
 * The dev server is killed and restarted on its database file. On a cluster, node 2
 * first (no client uses it: its shards and task queue partitions must move to node 1
 * and back), then node 1, the clients' only address (Temporal unreachable until the
 * restart, like the dev server's kill).
 */
function temporalFaults(stack: Stack): Fault[] {
  const { temporal } = stack;
  if (temporal.kind === 'dev-server')
    return [outage('kill -9 the Temporal dev server (restarted on its database file)', temporal.server, 'kill9', 1000)];
  const [node1, node2] = temporal.nodes;
  return [
    outage('kill -9 Temporal cluster node 2 (no client uses it; restarted)', node2, 'kill9', 1000),
    outage("kill -9 Temporal cluster node 1 (the clients' address; restarted)", node1, 'kill9', 1000),
  ];
}

/** A process taken down (`kill9`: a crash; `stop`: SIGTERM), left down for `downMs`, then started again. */
function outage(name: string, process: Restartable | undefined, how: 'kill9' | 'stop', downMs: number): Fault {
  return {
    name,
    run: async () => {
      if (!process) throw new Error(`fault "${name}": no such process in the stack`);
      await process[how]();
      await sleep(downMs);
      await process.start();
      return undefined;
    },
  };
}

export async function runFault(fault: Fault): Promise<FaultRecord> {
  const startedAt = Date.now();
  const note = await fault.run();
  return { name: fault.name, startedAt, restoredAt: Date.now(), ...(note ? { note } : {}) };
}
