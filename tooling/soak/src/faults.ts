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
 * The dev server is killed and restarted on its database file. On a cluster, node 1
 * then node 2, each while traffic flows through the balancer: the Temporal connections
 * on the killed node (the worker's, the recovery servers', the soak's own) break and
 * reconnect through the balancer to the other node, which also takes over the killed
 * node's shards and task queue partitions; the node is restarted after 1 s. Whatever
 * moved to node 2 at the first kill is on node 2 at the second.
 */
function temporalFaults(stack: Stack): Fault[] {
  const { temporal } = stack;
  if (temporal.kind === 'dev-server')
    return [outage('kill -9 the Temporal dev server (restarted on its database file)', temporal.server, 'kill9', 1000)];
  const { balancer } = temporal;
  return temporal.nodes.map((node) => {
    const name = `kill -9 Temporal cluster node ${node.node} (its connections fail over through the balancer; restarted)`;
    const restart = outage(name, node, 'kill9', 1000);
    return {
      name,
      run: async () => {
        const on = node.connections;
        const open = balancer.stats.open.reduce((sum, count) => sum + count, 0);
        const opened = balancer.stats.connections;
        await restart.run();
        return (
          `${on} of ${open} Temporal connections were on node ${node.node}; ` +
          `${balancer.stats.connections - opened} new through the balancer since (an idle one reconnects at its next call); ` +
          `open per node now ${balancer.stats.open.join(' / ')}`
        );
      },
    };
  });
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
