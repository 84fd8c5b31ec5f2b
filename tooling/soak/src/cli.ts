/**
 * `pnpm soak`: the chaos soak. Starts the production shape on loopback, runs many
 * workflows emitting known updates (some with SSE-hostile strings, some 1 MiB ones
 * the log must refuse), follows them with hundreds of clients through a proxy that
 * cuts connections, injects one fault at a time, then checks every client: lost,
 * duplicated, reordered, forged, wrong content must all be 0. Exits 1 otherwise.
 * `--cluster` runs Temporal as a two-node cluster on PostgreSQL behind a TCP balancer
 * instead of the dev server, and kills -9 each node in turn (see cluster.ts).
 *
 *   pnpm soak [--short] [--cluster] [--tasks 50] [--updates 500] [--clients 300] [--tabs 4]
 *             [--duration 75] [--seed 1] [--report] [--keep]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { mintToken } from '@resumable/recovery-server';
import { Client, Connection } from '@temporalio/client';
import { RawClient, startClient, type SoakClient } from './clients';
import { SoakError } from './errors';
import { faultPlan, runFault, type FaultRecord } from './faults';
import { baselineGaps, CHECKS, heals, kindsLine, totals } from './figures';
import { startTabs, type Tabs } from './browser/tabs';
import { startProxy } from './proxy';
import { writeReliability, type SoakConfig } from './report';
import { startStack, type Stack } from './stack';
import type { SoakInput } from './workflows';

const { values } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    cluster: { type: 'boolean', default: false },
    tasks: { type: 'string' },
    updates: { type: 'string' },
    clients: { type: 'string' },
    tabs: { type: 'string' },
    duration: { type: 'string' },
    seed: { type: 'string', default: '1' },
    report: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});

const short = values.short ?? false;
const cluster = values.cluster ?? false;
// The report's section describes the dev-server run; a cluster run's figures are written up by hand.
if (cluster && values.report)
  throw new SoakError('BAD_OPTIONS', '--report writes the dev-server soak section: run it without --cluster');
const number = (value: string | undefined, fallback: number, name: string) => {
  const parsed = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a positive integer, got ${value}`);
  return parsed;
};
const config: SoakConfig = {
  tasks: number(values.tasks, short ? 8 : 50, 'tasks'),
  updates: number(values.updates, short ? 150 : 500, 'updates'),
  clients: number(values.clients, short ? 48 : 300, 'clients'),
  tabs: values.tabs === '0' ? 0 : number(values.tabs, short ? 2 : 4, 'tabs'),
  durationS: number(values.duration, short ? 40 : 75, 'duration'),
  seed: number(values.seed, 1, 'seed'),
  redisDownMs: 10_000,
  freezeMs: short ? 12_000 : 15_000,
  gapMs: short ? 3_000 : 6_000,
  short,
};

/** A seeded generator, so a run's cuts and jitter can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Resolves true once every client that is not done has received an update at or after `since`. */
async function healedSince(clients: SoakClient[], since: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const healed = () => clients.every(({ ledger }) => ledger.complete || (ledger.deliveries.at(-1) ?? 0) >= since);
  while (!healed()) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/**
 * The stack's processes run detached (a cluster even outlives us by design): on Ctrl-C or
 * a CI runner's TERM, stop them all before exiting.
 */
function stopOnSignals(stack: Stack): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      log(`${signal}: stopping the stack`);
      void stack.close().finally(() => process.exit(128 + constants.signals[signal]));
    });
}

const log = (line: string) => process.stdout.write(`[soak] ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<number> {
  const random = seeded(config.seed);
  const runDir = mkdtempSync(join(tmpdir(), 'resumable-soak-'));
  log(`run directory ${runDir} (process logs, Temporal ${cluster ? 'cluster state' : 'database'})`);
  const stack = await startStack(runDir, log, { cluster });
  stopOnSignals(stack);
  const proxy = await startProxy({ backends: stack.serverPorts, cutShare: 0.3, lifeMs: [1000, 8000], random });
  const clients: SoakClient[] = [];
  const faults: FaultRecord[] = [];
  let connection: Connection | undefined;
  let tabs: Tabs | undefined;
  try {
    connection = await Connection.connect({ address: stack.temporalAddress });
    const temporal = new Client({ connection });
    const run = Date.now().toString(36);
    const tasks = Array.from({ length: config.tasks }, (_, index) => `soak-${run}-${index}`);
    const heavy = `soak-${run}-heavy`;
    const batches = Math.max(1, Math.round((config.durationS * 1000) / 500));
    const input: SoakInput = {
      updates: config.updates,
      batch: Math.max(1, Math.ceil(config.updates / batches)),
      pauseMs: 500,
    };
    // Fast enough (10 × 48 KiB per half second) to fill a frozen socket's buffers within seconds.
    const heavyInput: SoakInput = { updates: 300, batch: 10, pauseMs: 500 };
    for (const task of [...tasks, heavy]) {
      await temporal.workflow.start('soakTask', {
        taskQueue: stack.taskQueue,
        workflowId: task,
        args: [task === heavy ? heavyInput : input],
      });
    }
    log(
      `started ${tasks.length} tasks × ${input.updates} updates (${input.batch} per workflow task) and 1 heavy task × ${heavyInput.updates} updates of 48 KiB`,
    );

    const token = (index: number, task: string) =>
      mintToken(stack.secret, { subject: `client-${index}`, tasks: [task], ttlSeconds: 3600 });
    for (let index = 0; index < config.clients; index++) {
      const task = tasks[index % tasks.length] as string;
      clients.push(
        startClient({
          kind: index % 2 ? 'raw' : 'eventsource',
          task,
          total: input.updates,
          token: await token(index, task),
          ports: [proxy.port],
          random,
        }),
      );
    }
    for (const kind of ['eventsource', 'raw'] as const) {
      clients.push(
        startClient({
          kind,
          task: heavy,
          total: heavyInput.updates,
          token: await token(clients.length, heavy),
          ports: [proxy.port],
          random,
        }),
      );
    }
    // The one that will freeze reads a server directly, so its stall reaches the server's buffers.
    const frozen = startClient({
      kind: 'raw',
      task: heavy,
      total: heavyInput.updates,
      token: await token(clients.length, heavy),
      ports: stack.serverPorts,
      random,
    }) as RawClient;
    clients.push(frozen);
    log(`${clients.length - 1} clients through the proxy (half eventsource, half raw) and 1 slow consumer on server a`);
    if (config.tabs) {
      tabs = await startTabs();
      for (let index = 0; index < config.tabs; index++) {
        const task = tasks[index % tasks.length] as string;
        const mode = index % 2 ? 'hook' : 'native';
        clients.push(
          await tabs.open({
            mode,
            task,
            total: input.updates,
            token: await token(clients.length, task),
            apiBaseUrl: `http://127.0.0.1:${proxy.port}/api`,
          }),
        );
      }
      log(`${config.tabs} Chromium tabs through the proxy (native EventSource and our hook, in turn)`);
    }

    await sleep(config.gapMs);
    for (const fault of faultPlan(stack, frozen, config)) {
      log(`fault: ${fault.name}`);
      const record = await runFault(fault);
      faults.push(record);
      log(`  restored after ${record.restoredAt - record.startedAt} ms${record.note ? `: ${record.note}` : ''}`);
      // Every client mid-task has had an update since: the next fault finds a healed system.
      const healed = await healedSince(clients, record.restoredAt, 60_000);
      log(`  ${healed ? 'healed' : 'NOT healed after 60 s'}: ${Date.now() - record.restoredAt} ms after the restore`);
      await sleep(config.gapMs);
    }

    const deadline = Date.now() + config.durationS * 1000 + 180_000;
    while (clients.some((client) => !client.ledger.complete) && Date.now() < deadline) await sleep(500);
  } finally {
    for (const client of clients) client.stop();
    await tabs?.close();
    await connection?.close();
    await proxy.close();
    await stack.close();
    if (!values.keep) rmSync(runDir, { recursive: true, force: true });
  }

  const sum = totals(clients);
  const healed = heals(clients, faults);
  const baseline = baselineGaps(clients, faults[0]?.startedAt ?? Date.now());
  log(`clients complete: ${sum.complete}/${sum.clients} (${kindsLine(sum)})`);
  for (const check of CHECKS) log(`check ${check}: ${sum[check]}`);
  log(
    `baseline, between two deliveries (bursts) to a client before the first fault: p50 ${baseline.p50} ms, p99 ${baseline.p99} ms, max ${baseline.max} ms`,
  );
  for (const heal of healed)
    log(
      `heal "${heal.fault.name}": p50 ${heal.p50} ms, p99 ${heal.p99} ms, max ${heal.max} ms over ${heal.clients} clients`,
    );
  log(
    `proxy: ${proxy.stats.connections} connections, ${proxy.stats.cuts} cut, ${proxy.stats.failovers} failovers, ${proxy.stats.refused} refused`,
  );
  if (stack.temporal.kind === 'cluster') {
    const { stats } = stack.temporal.balancer;
    log(
      `Temporal balancer: ${stats.connections} connections, ${stats.failovers} sent past a node that refused, ${stats.refused} refused`,
    );
  }
  const reconnects = clients.reduce((total, client) => total + client.connects, 0) - clients.length;
  log(`reconnects: ${reconnects}`);
  const failed = clients.filter((client) => !client.ledger.complete || client.ledger.problems.length);
  for (const client of failed.slice(0, 5)) {
    log(
      `  ${client.kind} client of ${client.ledger.task}: ${JSON.stringify(client.ledger.result())} ended=${client.ledger.ended} ${client.ledger.problems.join('; ')}`,
    );
    if (client instanceof RawClient) for (const line of client.history) log(`    ${line}`);
  }
  if (values.report) writeReliability(config, sum, healed, baseline, { ...proxy.stats, reconnects });
  const ok = failed.length === 0 && CHECKS.every((check) => sum[check] === 0);
  log(ok ? 'PASS: every client got every update exactly once, in order, with the right content' : 'FAIL');
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('[soak] failed:', error);
    process.exit(2);
  },
);
