/**
 * Recovery-server figures for BENCHMARKS.md (section `recovery-server`):
 *
 * 1. live latency, bus publish → client receive, for 1, 100 and 1,000 clients on one
 *    task while `tickingTask` emits 1,000 updates (batches of 100, 50 ms apart);
 * 2. the workflow's history length with 0 and with 1,000 subscribers;
 * 3. a reconnect herd: 1,000 clients resuming at once, at random Last-Event-IDs, on a
 *    fresh server instance over a completed 1,000-update workflow.
 *
 * This process runs a Temporal dev server of its own, a real worker (sinks into a
 * timed in-memory bus) and the recovery server (`toNodeHandler`, 127.0.0.1); the SSE
 * clients run in a child process (sse-clients.ts).
 *
 *   npx tsx --conditions=@resumable/source packages/recovery-server/bench/recovery-server.bench.ts
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Worker } from '@temporalio/worker';
import { describeErrorContext, type ErrorHandler } from '@resumable/protocol';
import { createInMemoryBus } from '@resumable/sse-publisher';
import { createResumableSinks } from '@resumable/workflow-state/worker';
import { machineLine, nextMessage, percentile, writeBenchSection } from '@resumable/kit/bench-report';
import { createRecoveryServer, type RecoveryServer } from '../src/index';
import type { tickingTask } from '../test/workflows';
import {
  cleanupStack,
  countingClient,
  forkClients,
  listen as listenOn,
  resumePoints,
  sleep,
  startTemporal,
  type ClientsDone,
  type Listening,
} from './bench-kit';
import { timedBus } from './timed-bus';

const COUNT = 1000;
const BATCH = 100;
const PAUSE_MS = 50;
const LIVE_SIZES = [0, 1, 100, 1000];
const HERD = 1000;
const SECRET = 'bench-secret-that-is-at-least-32-characters';
const WATCHDOG_MS = 280_000;
const now = () => performance.timeOrigin + performance.now();

// ---- the client process -------------------------------------------------------

interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

const next = nextMessage;

/**
 * The client process's clock minus ours, NTP-style over IPC: the ping with the
 * smallest round trip wins, and the offset is within ± half that round trip.
 */
async function clockOffset(child: ChildProcess): Promise<{ offset: number; rtt: number }> {
  let best = { offset: 0, rtt: Number.POSITIVE_INFINITY };
  for (let id = 0; id < 50; id++) {
    const pong = next<{ at: number }>(child, 'pong');
    const sent = now();
    child.send({ type: 'ping', id });
    const { at } = await pong;
    const back = now();
    if (back - sent < best.rtt) best = { offset: at - (sent + back) / 2, rtt: back - sent };
  }
  return best;
}

// ---- Temporal -------------------------------------------------------------------

// ---- HTTP -------------------------------------------------------------------------

/** Stream requests that reached the HTTP server, per task id. */
const arrivals = new Map<string, number>();

/** Counts a stream request that reached the HTTP server. */
function countArrival(req: IncomingMessage): void {
  const match = /\/temporal\/stream\/([^/?]+)/.exec(req.url ?? '');
  if (match?.[1]) arrivals.set(match[1], (arrivals.get(match[1]) ?? 0) + 1);
}

const listen = (server: RecoveryServer) => listenOn(server, countArrival);

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

// ---- the run ------------------------------------------------------------------------

/** How the server treats a live update: `confirmed` (the log's copy, after a read) or `unconfirmed` (the bus's, at once: the behaviour before the content guarantee). */
type LiveMode = 'confirmed' | 'unconfirmed';

interface LiveResult {
  mode: LiveMode;
  clients: number;
  workflowId: string;
  history: number;
  result: number;
  queries: number;
  describes: number;
  published: number;
  /** CPU time of this process (server, worker, Temporal client) from connect to the last `end`. */
  cpuMs: number;
  done?: ClientsDone;
  all?: Summary;
  live?: Summary;
}

interface HerdResult {
  done: ClientsDone;
  queries: number;
  describes: number;
  allEndedMs: number;
  p50: number;
  p99: number;
  cpuMs: number;
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const cleanups = cleanupStack(WATCHDOG_MS);

  const errors = { server: [] as string[], bus: 0 };
  try {
    const { dev, codePath, native, temporal } = await startTemporal(cleanups, 'resumable-recovery-server-bench');

    const bus = timedBus(createInMemoryBus());
    const sinks = createResumableSinks({ bus, onError: () => void errors.bus++ });
    const workers: { worker: Worker; running: Promise<void> }[] = [];
    cleanups.push(async () => {
      for (const { worker } of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await Promise.allSettled(workers.map(({ running }) => running));
    });

    const { child, stop: stopClients } = forkClients();
    cleanups.push(stopClients);
    await next(child, 'ready');
    const clockBefore = await clockOffset(child);

    const onError: ErrorHandler = (error, context) =>
      void errors.server.push(`${describeErrorContext(context)}: ${error.message}`);
    const limits = { maxStreamsPerToken: 5_000 };
    const servers: Record<LiveMode, Listening> = {
      confirmed: await listen(
        createRecoveryServer({ temporal: { client: temporal.client }, auth: { secret: SECRET }, bus, limits, onError }),
      ),
      unconfirmed: await listen(
        createRecoveryServer({
          temporal: { client: temporal.client },
          auth: { secret: SECRET },
          bus,
          limits,
          onError,
          stream: { forwardUnconfirmed: true },
        }),
      ),
    };
    cleanups.push(
      () => servers.confirmed.close(),
      () => servers.unconfirmed.close(),
    );

    // 1 + 2: live latency and history length, per number of subscribers, the old way and the new, interleaved.
    const live: LiveResult[] = [];
    const runs = LIVE_SIZES.flatMap((clients): { clients: number; mode: LiveMode }[] =>
      clients === 0
        ? [{ clients, mode: 'confirmed' }]
        : [
            { clients, mode: 'unconfirmed' },
            { clients, mode: 'confirmed' },
          ],
    );
    for (const { clients, mode } of runs) {
      const primary = servers[mode];
      const taskQueue = `rs-bench-${clients}-${randomUUID()}`;
      const worker = await Worker.create({
        connection: native,
        namespace: dev.namespace,
        taskQueue,
        workflowBundle: { codePath },
        sinks,
      });
      const workflowId = `tick-${clients}-${randomUUID()}`;
      // Started before its worker runs: the clients can connect before the first update.
      const handle = await temporal.client.workflow.start<typeof tickingTask>('tickingTask', {
        taskQueue,
        workflowId,
        args: [{ count: COUNT, batch: BATCH, pauseMs: PAUSE_MS }],
      });
      // Counted from before the clients connect, so the first log read is included.
      temporal.reset();
      const cpuBefore = process.cpuUsage();
      let clientsDone: Promise<ClientsDone> | undefined;
      if (clients > 0) {
        const token = await primary.server.mintToken({
          subject: 'bench',
          tasks: [workflowId],
          actions: ['read'],
          ttlSeconds: 600,
        });
        clientsDone = next<ClientsDone>(child, 'done');
        child.send({
          type: 'open',
          url: `${primary.baseUrl}/temporal/stream/${workflowId}`,
          token,
          since: Array.from({ length: clients }, () => 0),
          total: COUNT,
          timeoutMs: 120_000,
        });
        await waitFor(() => arrivals.get(workflowId) === clients, 60_000, `${clients} stream requests`);
        // Every request gets through auth and into the feed's first log read, which waits for the worker.
        await sleep(500);
      }
      const running = worker.run();
      workers.push({ worker, running });
      const result = await handle.result();
      const done = await clientsDone;
      const cpu = process.cpuUsage(cpuBefore);
      const { queries, describes } = temporal.counts;
      const history = (await handle.fetchHistory()).events?.length ?? 0;
      const row: LiveResult = {
        mode,
        clients,
        workflowId,
        history,
        result,
        queries,
        describes,
        published: bus.published(workflowId),
        cpuMs: (cpu.user + cpu.system) / 1000,
      };
      if (done) {
        const latencyReady = next<{ all: Summary; live: Summary }>(child, 'latency');
        child.send({
          type: 'latency',
          publish: bus.publishTimes(workflowId),
          offset: clockBefore.offset,
          liveFrom: BATCH,
        });
        const latency = await latencyReady;
        Object.assign(row, { done, all: latency.all, live: latency.live });
        const reset = next(child, 'reset');
        child.send({ type: 'reset' });
        await reset;
      }
      live.push(row);
      console.log(
        `[bench] ${clients} client(s), ${mode}: history ${history} events, ${queries} queries` +
          (row.all
            ? `, latency p50 ${row.all.p50.toFixed(1)} ms p99 ${row.all.p99.toFixed(1)} ms over ${row.all.count} deliveries`
            : ''),
      );
      // The 0-subscriber run's worker stays: the herd reads that completed workflow (queries replay it).
      if (clients > 0) {
        worker.shutdown();
        await running;
      }
    }
    await servers.confirmed.close();
    await servers.unconfirmed.close();

    // 3: the reconnect herd on a fresh instance (empty cache) over the completed 0-subscriber workflow.
    const target = live.find((row) => row.clients === 0) as LiveResult;
    const herdClient = await countingClient(dev);
    cleanups.push(() => herdClient.client.connection.close());
    const fresh = await listen(
      createRecoveryServer({
        temporal: { client: herdClient.client },
        auth: { secret: SECRET },
        bus: createInMemoryBus(),
        limits,
        onError,
      }),
    );
    cleanups.push(() => fresh.close());
    const token = await fresh.server.mintToken({
      subject: 'bench',
      tasks: [target.workflowId],
      actions: ['read'],
      ttlSeconds: 600,
    });
    herdClient.reset();
    const cpuBefore = process.cpuUsage();
    const herdDone = next<ClientsDone>(child, 'done');
    child.send({
      type: 'open',
      url: `${fresh.baseUrl}/temporal/stream/${target.workflowId}`,
      token,
      since: resumePoints(HERD, COUNT),
      total: COUNT,
      timeoutMs: 120_000,
    });
    const done = await herdDone;
    const cpu = process.cpuUsage(cpuBefore);
    const toEnd = done.endAt.filter((at) => !Number.isNaN(at) && at !== null).map((at) => at - done.startedAt);
    const herd: HerdResult = {
      done,
      queries: herdClient.counts.queries,
      describes: herdClient.counts.describes,
      allEndedMs: Math.max(...toEnd),
      p50: percentile(toEnd, 50),
      p99: percentile(toEnd, 99),
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
    console.log(
      `[bench] herd: all ${done.ended}/${HERD} ended after ${herd.allEndedMs.toFixed(0)} ms, ${herd.queries} queries`,
    );
    const reset = next(child, 'reset');
    child.send({ type: 'reset' });
    await reset;
    await fresh.close();
    const clockAfter = await clockOffset(child);

    const markdown = report(live, herd, clockBefore, clockAfter, errors, (Date.now() - startedAt) / 1000);
    writeBenchSection('recovery-server', markdown);
    console.log(`\n${markdown}\n`);
  } finally {
    await cleanups.run();
  }
}

// ---- the report ---------------------------------------------------------------------

const ms = (value: number | null | undefined) =>
  value == null || Number.isNaN(value) ? 'n/a' : `${value.toFixed(1)} ms`;
const int = (value: number) => value.toLocaleString('en-US');

function failures(done: ClientsDone): string {
  const entries = Object.entries(done.failures);
  return entries.length === 0 ? 'none' : entries.map(([what, count]) => `${count} × ${what}`).join(', ');
}

function report(
  live: LiveResult[],
  herd: HerdResult,
  clockBefore: { offset: number; rtt: number },
  clockAfter: { offset: number; rtt: number },
  errors: { server: string[]; bus: number },
  seconds: number,
): string {
  const withClients = live.filter((row) => row.done);
  const zero = live.find((row) => row.clients === 0);
  const thousand = live.find((row) => row.clients === 1000 && row.mode === 'confirmed');
  const lines = [
    '## recovery-server',
    '',
    machineLine(),
    'One run of `packages/recovery-server/bench/recovery-server.bench.ts` (' +
      `${seconds.toFixed(0)} s in all). Temporal: a dev server started by the script (SQLite in memory). One process holds ` +
      'the worker (`tickingTask` of `test/workflows.ts`, sinks from `createResumableSinks` into an in-memory bus), the ' +
      'recovery server (`toNodeHandler`, 127.0.0.1, default stream options) and its Temporal client; the SSE clients ' +
      'run in a second Node process (raw `http.get`, one socket each, a minimal SSE line parser). Both share 2 cores ' +
      'with the Temporal server (and, on this machine, with other jobs), so the figures include that contention.',
    '',
    `### Live latency: emit (sink publish) → client receive (${int(COUNT)} updates, batches of ${BATCH}, ${PAUSE_MS} ms apart)`,
    '',
    'Two servers on the same bus and Temporal client, runs interleaved: **confirmed** is the shipped behaviour (a live ' +
      "update is a claim; the server forwards the log's copy after a confirming read, so a failed workflow task can " +
      'never put wrong content on a screen); **unconfirmed** forwards the bus copy at once, as the server did before ' +
      '(kept as an internal switch for this comparison only). The difference is the price of the content guarantee: ' +
      "the in-flight workflow task's completion plus one `getUpdatesSince` round trip, shared by every client of the task.",
    '',
    'Each workflow is started before its worker runs and the clients connect first (all requests are waiting in the ' +
      "feed's first log read), so every client is on the stream before update 1 exists. Publish time: when the " +
      "worker's sink calls `bus.publish` (stamped before the bus hands the update on). Receive time: when the chunk " +
      'holding the event reaches the client process. Both are `performance.timeOrigin + performance.now()` (the same ' +
      'monotonic clock on one machine); the offset between the two processes is measured over IPC, NTP-style ' +
      `(smallest of 50 round trips): ${clockBefore.offset.toFixed(3)} ms ± ${(clockBefore.rtt / 2).toFixed(3)} ms ` +
      `before the run, ${clockAfter.offset.toFixed(3)} ms ± ${(clockAfter.rtt / 2).toFixed(3)} ms after, and is ` +
      'subtracted. A batch of 100 updates is published in one burst, so later updates of a batch queue behind the ' +
      'earlier ones: the figures include that fan-out queueing. Updates 1–100 go out when the first log read returns ' +
      '(the query waits for the first workflow task), so two columns leave them out: the pure live path. Temporal ' +
      'queries and describes: all the server sent for that task, first log read, confirming reads and tail checks included. CPU: from the clients ' +
      'connecting to the last `end`, in each process.',
    '',
    '| clients | live path | deliveries (of expected) | exact, in order, then `end` | p50 | p99 | max | p50, updates 101–1,000 | p99, updates 101–1,000 | Temporal queries / describes | CPU: server process / client process |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...withClients.map((row) => {
      const done = row.done as ClientsDone;
      return (
        `| ${int(row.clients)} | ${row.mode} | ${int(done.updates)} (${int(row.clients * COUNT)}) | ${int(done.exact)} of ${int(row.clients)}` +
        `${done.outOfOrder || done.duplicates ? ` (${done.outOfOrder} gaps, ${done.duplicates} duplicates)` : ''} | ` +
        `**${ms(row.all?.p50)}** | **${ms(row.all?.p99)}** | ${ms(row.all?.max)} | ${ms(row.live?.p50)} | ${ms(row.live?.p99)} | ${row.queries} / ${row.describes} | ${row.cpuMs.toFixed(0)} ms / ${done.cpuMs.toFixed(0)} ms |`
      );
    }),
    '',
    `### History cost per subscriber`,
    '',
    'Events in the workflow history (`handle.fetchHistory()`) of the same `tickingTask` run with each number of ' +
      'SSE subscribers. Streams read the log with queries, which never write history, and live updates leave ' +
      'through sinks, which do not either.',
    '',
    '| subscribers | history events | updates published on the bus | workflow result |',
    '|---|---|---|---|',
    ...live
      .filter((row) => row.mode === 'confirmed')
      .map((row) => `| ${int(row.clients)} | **${int(row.history)}** | ${int(row.published)} | ${row.result} |`),
    '',
    zero && thousand
      ? `0 subscribers: ${int(zero.history)} events; 1,000 subscribers: ${int(thousand.history)} events: ` +
        (zero.history === thousand.history ? '**equal**.' : `**not equal** (${thousand.history - zero.history} more).`)
      : '',
    '',
    '### Reconnect herd',
    '',
    `${int(HERD)} clients open their streams at once, each with a random \`Last-Event-ID\` in 0–${COUNT - 1} (seeded), ` +
      `on a fresh server instance (empty cache) over the completed ${int(COUNT)}-update workflow; each must get ` +
      'every update after its resume point, in order, then `end`. Time runs in the client process from issuing the ' +
      "requests. Queries and describes are counted by a client interceptor on the fresh instance's Temporal client " +
      `(a log page holds at most 500 updates; each query on the closed workflow is answered by replaying it on the worker).`,
    '',
    '| what | figure |',
    '|---|---|',
    `| all ${int(HERD)} received \`end\` after | **${herd.allEndedMs.toFixed(0)} ms** |`,
    `| per client, time to \`end\` | p50 ${herd.p50.toFixed(0)} ms, p99 ${herd.p99.toFixed(0)} ms |`,
    `| Temporal queries (\`getUpdatesSince\`) | **${herd.queries}** |`,
    `| Temporal describes | ${herd.describes} |`,
    `| clients exact (every update after the resume point once, in order, then \`end\`) | ${int(herd.done.exact)} of ${int(HERD)}; failures: ${failures(herd.done)} |`,
    `| updates delivered | ${int(herd.done.updates)} |`,
    `| CPU during the herd: server process (server, worker, Temporal client) / client process | ${herd.cpuMs.toFixed(0)} ms / ${herd.done.cpuMs.toFixed(0)} ms |`,
    '',
    `Errors reported by the servers' \`onError\`: ${errors.server.length === 0 ? 'none' : errors.server.slice(0, 3).join('; ')}; ` +
      `bus publish failures: ${errors.bus}.`,
  ];
  return lines.join('\n');
}

await main();
