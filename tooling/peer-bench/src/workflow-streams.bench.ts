/**
 * Resumable against @temporalio/workflow-streams on one Temporal dev server, in one
 * run, interleaved, at 1, 10, 100 and 1,000 subscribers, with a bare `node:http`
 * write loop as the floor. Figures go to BENCHMARKS.md (section
 * `peer-workflow-streams`).
 *
 * One process holds the worker (both emitters of workflows.ts, Resumable's sinks into
 * an in-memory bus, the timing sink), the recovery server (`toNodeHandler`,
 * 127.0.0.1) and the bare loop. SSE clients run in a child process (the
 * recovery-server bench's sse-clients.ts, for Resumable and the bare loop alike);
 * workflow-streams subscribers in another (ws-subscribers.ts), forked per run.
 *
 *   pnpm --filter @resumable/peer-bench bench:workflow-streams [--rounds N] [--sizes 1,10,100,1000]
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { cpus } from 'node:os';
import type { WorkflowHandle } from '@temporalio/client';
import { clockOffset, machineLine, nextMessage, writeBenchSection } from '@resumable/kit/bench-report';
import { createRecoveryServer } from '@resumable/recovery-server';
import { createInMemoryBus } from '@resumable/sse-publisher';
import { forkClients, listen } from '../../../packages/recovery-server/bench/bench-kit';
import { startBareSse } from './bare-sse';
import {
  EmitClock,
  cleanupStack,
  findTemporalPid,
  forkChild,
  int,
  loadavg,
  median,
  ms,
  now,
  procCpuMs,
  ratio,
  sleep,
  startTemporal,
  startWorker,
  waitFor,
  type ClientsDone,
  type Summary,
} from './harness';
import type { EmitterInput } from './workflows';

const argument = (name: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const COUNT = 1000;
const BATCH = 100;
const PAUSE_MS = 50;
const INPUT: EmitterInput = { count: COUNT, batch: BATCH, pauseMs: PAUSE_MS };
const SIZES = (argument('sizes') ?? '1,10,100,1000').split(',').map(Number);
const ROUNDS = Number(argument('rounds') ?? 3);
/** Longest a run may take from `go` until every subscriber is done. */
const RUN_TIMEOUT_MS = Number(argument('timeout') ?? 60_000);
const SECRET = 'peer-bench-secret-that-is-at-least-32-characters';
const SIDES = ['bare', 'resumable', 'streams'] as const;
type Side = (typeof SIDES)[number];
const TASK_QUEUE = 'peer-bench';

interface Run {
  side: Side;
  clients: number;
  round: number;
  loadBefore: string;
  loadAfter: string;
  done?: ClientsDone;
  latency?: Summary;
  /** From `go` until the last subscriber was done (or the time limit). */
  wallMs: number;
  temporalCpuMs: number;
  benchCpuMs: number;
  history?: { events: number; bytes: number; updatesAccepted: number; updatesCompleted: number };
  /** From the first batch's emit stamp to the last's: how long the workflow took to emit. */
  emitSpanMs?: number;
  /** workflow-streams: polls accepted (parked in the workflow) before `go`. */
  parkedBeforeGo?: number;
  note?: string;
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const cleanups = cleanupStack(40 * 60_000);
  const runs: Run[] = [];
  const clocks: { offset: number; rtt: number }[] = [];
  try {
    const { dev, native, temporal, peerCodePath } = await startTemporal(cleanups);
    const temporalPid = findTemporalPid(dev.address.split(':').pop() as string);
    const client = temporal.client;
    const bus = createInMemoryBus();
    const clock = new EmitClock();
    await startWorker({ native, namespace: dev.namespace, codePath: peerCodePath }, TASK_QUEUE, bus, clock, cleanups);

    const arrivals = new Map<string, number>();
    const countArrival = (req: IncomingMessage) => {
      const match = /\/temporal\/stream\/([^/?]+)/.exec(req.url ?? '');
      if (match?.[1]) arrivals.set(match[1], (arrivals.get(match[1]) ?? 0) + 1);
    };
    const errors: string[] = [];
    const recovery = await listen(
      createRecoveryServer({
        temporal: { client },
        auth: { secret: SECRET },
        bus,
        limits: { maxStreamsPerToken: 5_000 },
        onError: (error) => void errors.push(error.message),
      }),
      countArrival,
    );
    cleanups.push(() => recovery.close());
    const bare = await startBareSse();
    cleanups.push(() => bare.close());
    const sse = forkClients();
    cleanups.push(sse.stop);
    await nextMessage(sse.child, 'ready');
    const sseClock = await clockOffset(sse.child);
    clocks.push(sseClock);

    const cpuNow = () => {
      const own = process.cpuUsage();
      return { temporal: procCpuMs(temporalPid), bench: (own.user + own.system) / 1000 };
    };

    /** Latency of a finished run from its client process. */
    async function latencyOf(child: ChildProcess, publish: (number | null)[], offset: number): Promise<Summary> {
      const reply = nextMessage<{ all: Summary }>(child, 'latency');
      child.send({ type: 'latency', publish, offset, liveFrom: 0 });
      return (await reply).all;
    }

    /** Update events in the history, read in small pages (a poll-heavy history outgrows gRPC's 4 MB message limit). */
    async function updateEvents(workflowId: string) {
      let accepted = 0;
      let completed = 0;
      let nextPageToken: Uint8Array | undefined;
      do {
        const page = await client.workflowService.getWorkflowExecutionHistory({
          namespace: dev.namespace,
          execution: { workflowId },
          maximumPageSize: 100,
          ...(nextPageToken ? { nextPageToken } : {}),
        });
        for (const event of page.history?.events ?? []) {
          if (event.workflowExecutionUpdateAcceptedEventAttributes) accepted++;
          if (event.workflowExecutionUpdateCompletedEventAttributes) completed++;
        }
        nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
      } while (nextPageToken);
      return { accepted, completed };
    }

    async function history(handle: WorkflowHandle) {
      const description = await handle.describe();
      const updates = await updateEvents(handle.workflowId);
      return {
        events: description.historyLength,
        bytes: description.historySize ?? Number.NaN,
        updatesAccepted: updates.accepted,
        updatesCompleted: updates.completed,
      };
    }

    /**
     * The bare loop's batches go out as far apart as the workflows' batches went in the
     * latest run (the dev server fires a 50 ms timer about 1 s late): without that, the
     * floor would pile batches on top of each other and not be a floor.
     */
    let gapMs = 1000;
    const noteGap = (workflowId: string) => {
      const times = clock.times(workflowId);
      const gaps: number[] = [];
      for (let first = 1 + BATCH; first <= COUNT; first += BATCH) gaps.push(times[first]! - times[first - BATCH]!);
      if (gaps.length && gaps.every(Number.isFinite)) gapMs = median(gaps);
    };

    async function sseRun(side: 'bare' | 'resumable', clients: number, round: number): Promise<Run> {
      const loadBefore = loadavg();
      const workflowId = `peer-${side}-${clients}-${round}-${randomUUID()}`;
      let handle: WorkflowHandle | undefined;
      let url: string;
      let token = 'none';
      const arrived0 = bare.arrivals();
      if (side === 'resumable') {
        handle = await client.workflow.start('resumableEmitter', { taskQueue: TASK_QUEUE, workflowId, args: [INPUT] });
        token = await recovery.server.mintToken({
          subject: 'peer',
          tasks: [workflowId],
          actions: ['read'],
          ttlSeconds: 900,
        });
        url = `${recovery.baseUrl}/temporal/stream/${workflowId}`;
      } else {
        url = `${bare.baseUrl}/stream/${workflowId}`;
      }
      let done: Promise<ClientsDone> | undefined;
      if (clients > 0) {
        done = nextMessage<ClientsDone>(sse.child, 'done');
        sse.child.send({
          type: 'open',
          url,
          token,
          since: Array.from({ length: clients }, () => 0),
          total: COUNT,
          timeoutMs: RUN_TIMEOUT_MS + 30_000,
          untilTotal: true,
        });
        const arrived = () =>
          side === 'bare' ? bare.arrivals() - arrived0 === clients : arrivals.get(workflowId) === clients;
        if (!(await waitFor(arrived, 60_000))) throw new Error(`${side}: ${clients} stream requests did not arrive`);
        // Every stream past auth and its first (empty) log read, or on the bare list.
        await sleep(300 + clients);
      }
      const cpuBefore = cpuNow();
      const go = now();
      let bareTimes: (number | null)[] = [];
      if (side === 'bare') {
        bareTimes = [null];
        for (let first = 1; first <= COUNT; first += BATCH) {
          const last = Math.min(COUNT, first + BATCH - 1);
          const at = bare.batch(workflowId, first, last);
          for (let n = first; n <= last; n++) bareTimes[n] = at;
          if (last < COUNT) await sleep(gapMs);
        }
      } else {
        await handle!.signal('go');
      }
      const finished = done ? await done : undefined;
      if (!finished) await waitFor(() => clock.times(workflowId).length > COUNT, 30_000);
      const wallMs = now() - go;
      const cpuAfter = cpuNow();
      const run: Run = {
        side,
        clients,
        round,
        loadBefore,
        loadAfter: '',
        wallMs,
        temporalCpuMs: cpuAfter.temporal - cpuBefore.temporal,
        benchCpuMs: cpuAfter.bench - cpuBefore.bench,
      };
      if (handle) {
        await sleep(200);
        await handle.signal('finish');
        await handle.result();
        run.history = await history(handle);
      }
      if (finished) {
        run.done = finished;
        run.latency = await latencyOf(
          sse.child,
          side === 'bare' ? bareTimes : clock.times(workflowId),
          sseClock.offset,
        );
        const reset = nextMessage(sse.child, 'reset');
        sse.child.send({ type: 'reset' });
        await reset;
      }
      if (side !== 'bare') noteGap(workflowId);
      const times = side === 'bare' ? bareTimes : clock.times(workflowId);
      run.emitSpanMs = (times[COUNT] ?? Number.NaN) - (times[1] ?? Number.NaN);
      run.loadAfter = loadavg();
      return run;
    }

    async function streamsRun(clients: number, round: number): Promise<Run> {
      const loadBefore = loadavg();
      const workflowId = `peer-streams-${clients}-${round}-${randomUUID()}`;
      const handle = await client.workflow.start('streamsEmitter', {
        taskQueue: TASK_QUEUE,
        workflowId,
        args: [INPUT],
      });
      const subscribers = clients > 0 ? forkChild('ws-subscribers.ts', [dev.address, dev.namespace]) : undefined;
      let done: Promise<ClientsDone> | undefined;
      let offset = 0;
      let parked = 0;
      if (subscribers) {
        await nextMessage(subscribers.child, 'ready');
        const measured = await clockOffset(subscribers.child);
        clocks.push(measured);
        offset = measured.offset;
        done = nextMessage<ClientsDone>(subscribers.child, 'done');
        subscribers.child.send({ type: 'open', workflowId, clients, total: COUNT, timeoutMs: RUN_TIMEOUT_MS + 30_000 });
        // Each subscriber's first poll parks in the workflow (an accepted Update) until
        // there is something to read: wait until all are parked, or no more arrive.
        const deadline = now() + 30_000;
        let lastChange = now();
        while (now() < deadline && now() - lastChange < 3_000) {
          const { accepted } = await updateEvents(workflowId);
          if (accepted !== parked) lastChange = now();
          parked = accepted;
          if (parked >= clients) break;
          await sleep(200);
        }
      }
      const cpuBefore = { temporal: procCpuMs(temporalPid), bench: process.cpuUsage() };
      const go = now();
      await handle.signal('go');
      let finished: ClientsDone | undefined;
      let note: string | undefined;
      if (done) {
        const timedOut = sleep(RUN_TIMEOUT_MS).then(() => undefined);
        finished = await Promise.race([done, timedOut]);
        if (!finished) {
          note = `not every subscriber done ${RUN_TIMEOUT_MS / 1000} s after go`;
          subscribers!.child.send({ type: 'report' });
          finished = await done;
        }
      } else {
        await waitFor(() => clock.times(workflowId).length > COUNT, 30_000);
      }
      const wallMs = now() - go;
      const own = process.cpuUsage(cpuBefore.bench);
      const temporalCpuMs = procCpuMs(temporalPid) - cpuBefore.temporal;
      await sleep(200);
      const outcome = await handle
        .signal('finish')
        .then(() => handle.result())
        .then(
          () => undefined,
          (error: Error) => `the workflow did not complete: ${error.message.slice(0, 160)}`,
        );
      if (outcome) note = note ? `${note}; ${outcome}` : outcome;
      const run: Run = {
        side: 'streams',
        clients,
        round,
        loadBefore,
        loadAfter: '',
        wallMs,
        temporalCpuMs,
        benchCpuMs: (own.user + own.system) / 1000,
        history: await history(handle),
        parkedBeforeGo: parked,
        ...(note ? { note } : {}),
      };
      if (subscribers && finished) {
        run.done = finished;
        run.latency = await latencyOf(subscribers.child, clock.times(workflowId), offset);
        await subscribers.stop();
      }
      noteGap(workflowId);
      const times = clock.times(workflowId);
      run.emitSpanMs = (times[COUNT] ?? Number.NaN) - (times[1] ?? Number.NaN);
      run.loadAfter = loadavg();
      return run;
    }

    // History with no subscriber at all: the baseline both sides start from.
    runs.push(await sseRun('resumable', 0, 0), await streamsRun(0, 0));
    for (let round = 1; round <= ROUNDS; round++) {
      for (const clients of SIZES) {
        // Rotate the order each round, so no side always runs first (or on a warmer server).
        const order = SIDES.map((_, index) => SIDES[(index + round + clients) % SIDES.length]!);
        for (const side of order) {
          const run = side === 'streams' ? await streamsRun(clients, round) : await sseRun(side, clients, round);
          runs.push(run);
          console.log(
            `[peer] round ${round} ${side} ×${clients}: span ${ms(run.emitSpanMs)} p50 ${ms(run.latency?.p50)} p99 ${ms(run.latency?.p99)}` +
              ` exact ${run.done?.exact ?? 0}/${clients} wall ${run.wallMs.toFixed(0)} ms temporal cpu ${run.temporalCpuMs} ms` +
              (run.history ? ` history ${run.history.events} ev ${run.history.bytes} B` : '') +
              (run.done && Object.keys(run.done.failures).length
                ? ` failures ${JSON.stringify(run.done.failures)}`
                : '') +
              (run.done?.polls ? ` polls ${JSON.stringify(run.done.polls)}` : '') +
              (run.note ? ` note: ${run.note}` : '') +
              ` load ${run.loadBefore} → ${run.loadAfter}`,
          );
        }
      }
    }
    clocks.push(await clockOffset(sse.child));
    const markdown = report(runs, clocks, errors, (Date.now() - startedAt) / 1000);
    writeBenchSection('peer-workflow-streams', markdown);
    console.log(`\n${markdown}\n`);
  } finally {
    await cleanups.run();
  }
}

// ---- the report ---------------------------------------------------------------------

const NAMES: Record<Side, string> = {
  bare: 'bare node:http loop',
  resumable: 'Resumable',
  streams: 'workflow-streams',
};

function report(runs: Run[], clocks: { offset: number; rtt: number }[], errors: string[], seconds: number): string {
  const measured = runs.filter((run) => run.clients > 0);
  const cell = (side: Side, clients: number) => {
    const own = measured.filter((run) => run.side === side && run.clients === clients);
    const exact = own.reduce((sum, run) => sum + (run.done?.exact ?? 0), 0);
    const gaps = own.reduce((sum, run) => sum + (run.done?.outOfOrder ?? 0), 0);
    const duplicates = own.reduce((sum, run) => sum + (run.done?.duplicates ?? 0), 0);
    const failures = new Map<string, number>();
    for (const run of own)
      for (const [what, count] of Object.entries(run.done?.failures ?? {}))
        failures.set(what, (failures.get(what) ?? 0) + count);
    return {
      own,
      p50: median(own.map((run) => run.latency?.p50 ?? Number.NaN)),
      p99: median(own.map((run) => run.latency?.p99 ?? Number.NaN)),
      p50s: own.map((run) => ms(run.latency?.p50)).join(', '),
      p99s: own.map((run) => ms(run.latency?.p99)).join(', '),
      exact: `${int(exact)} of ${int(own.length * clients)}${gaps || duplicates ? ` (${gaps} gaps, ${duplicates} duplicates)` : ''}`,
      deliveries: own.reduce((sum, run) => sum + (run.done?.updates ?? 0), 0),
      failures,
      temporalCpu: median(own.map((run) => run.temporalCpuMs)),
      benchCpu: median(own.map((run) => run.benchCpuMs)),
      clientCpu: median(own.map((run) => run.done?.cpuMs ?? Number.NaN)),
      wall: median(own.map((run) => run.wallMs)),
      emitSpan: median(own.map((run) => run.emitSpanMs ?? Number.NaN)),
      historyEvents: median(own.map((run) => run.history?.events ?? Number.NaN)),
      historyBytes: median(own.map((run) => run.history?.bytes ?? Number.NaN)),
      polls: median(own.map((run) => run.history?.updatesAccepted ?? Number.NaN)),
      parked: own.map((run) => run.parkedBeforeGo ?? 0),
      notes: own.map((run) => run.note).filter(Boolean) as string[],
    };
  };
  const sizes = [...new Set(measured.map((run) => run.clients))].sort((a, b) => a - b);
  const latencyRows = sizes.map((clients) => {
    const b = cell('bare', clients);
    const r = cell('resumable', clients);
    const s = cell('streams', clients);
    return (
      `| ${int(clients)} | ${ms(b.p50)} / ${ms(b.p99)} | **${ms(r.p50)} / ${ms(r.p99)}** | **${ms(s.p50)} / ${ms(s.p99)}** | ` +
      `${ratio(r.p50, b.p50)} / ${ratio(r.p99, b.p99)} | ${ratio(s.p50, b.p50)} / ${ratio(s.p99, b.p99)} | ${ratio(s.p50, r.p50)} / ${ratio(s.p99, r.p99)} |`
    );
  });
  const detailRows = sizes.flatMap((clients) =>
    SIDES.map((side) => {
      const c = cell(side, clients);
      let failures = [...c.failures].map(([what, count]) => `${int(count)} × ${what}`).join('; ');
      const polls = c.own.map((run) => run.done?.polls).filter((p) => p !== undefined);
      if (polls.length)
        failures += `${failures ? '; ' : ''}poll Updates started per round: ${polls.map((p) => `${int(p.started)} (${int(p.refused)} refused)`).join(', ')}`;
      return (
        `| ${int(clients)} | ${NAMES[side]} | ${c.p50s} | ${c.p99s} | ${c.exact} | ${int(c.deliveries)} of ${int(c.own.length * clients * COUNT)} | ` +
        `${ms(c.emitSpan)} | ${ms(c.wall)} | ${side === 'bare' ? '–' : `${c.temporalCpu.toFixed(0)} ms`} | ${c.benchCpu.toFixed(0)} ms / ${c.clientCpu.toFixed(0)} ms | ${failures || 'none'}${c.notes.length ? `; ${c.notes.join('; ')}` : ''} |`
      );
    }),
  );
  const historyRows = [0, ...sizes].map((clients) => {
    const own = (side: Side) =>
      (clients === 0 ? runs.filter((run) => run.clients === 0 && run.side === side) : cell(side, clients).own).filter(
        (run) => run.history,
      );
    const fmt = (list: Run[]) => {
      if (list.length === 0) return 'n/a';
      const events = median(list.map((run) => run.history!.events));
      const bytes = median(list.map((run) => run.history!.bytes));
      return `${int(events)} events, ${(bytes / 1024).toFixed(1)} KiB`;
    };
    const streams = own('streams');
    const polls = streams.length ? median(streams.map((run) => run.history!.updatesAccepted)) : Number.NaN;
    const parked = clients > 0 ? cell('streams', clients).parked.join(', ') : '–';
    return `| ${int(clients)} | ${fmt(own('resumable'))} | ${fmt(streams)} | ${Number.isFinite(polls) ? int(polls) : 'n/a'} | ${parked} |`;
  });
  const maxLoad = Math.max(
    ...measured.flatMap((run) => [run.loadBefore, run.loadAfter].map((l) => Number(l.split(' ')[0]))),
  );
  const offsets = clocks.map((c) => `${c.offset.toFixed(3)} ± ${(c.rtt / 2).toFixed(3)} ms`);
  return [
    '## Peer comparison: Resumable vs @temporalio/workflow-streams',
    '',
    machineLine(),
    `One run of \`tooling/peer-bench/src/workflow-streams.bench.ts\` (${seconds.toFixed(0)} s in all), ${ROUNDS} rounds; ` +
      `load average (1/5/15 min) ${runs[0]?.loadBefore} at the start, ${runs.at(-1)?.loadAfter} at the end, highest 1-min figure seen ${maxLoad.toFixed(2)} on ${cpus().length} cores.`,
    '',
    '### Method',
    '',
    `- **One Temporal dev server** (started by \`@resumable/temporal-dev\` as the other benches start it: SQLite in memory, default dynamic config), **one worker** running both workflows of \`tooling/peer-bench/src/workflows.ts\`. Both wait for a \`go\` signal, emit ${int(COUNT)} updates in batches of ${BATCH} (one workflow task per batch, a ${PAUSE_MS} ms timer between), then wait for a \`finish\` signal (sent once every subscriber is done or the time limit passed) and return. They differ only in how an update leaves: **Resumable**: \`createUpdateLog().emit\` (the durable log, read by queries; the live copy leaves through the worker sink, an in-memory bus and the recovery server's task stream, confirmed against the log before it is sent); **workflow-streams** (\`@temporalio/workflow-streams\` ${'1.23.0'} on SDK 1.24.0): \`new WorkflowStream().topic('tick').publish\`, subscribers \`WorkflowStreamClient.create(client, id).topic('tick').subscribe(0)\` with the library defaults (each poll is an Update that waits in the workflow until there is something new; 100 ms cooldown between polls).`,
    `- **Subscribers** connect before \`go\`: SSE clients (raw \`http.get\`, the recovery-server bench's \`sse-clients.ts\`) in one child process; workflow-streams subscribers in another, all on one Temporal client connection, as one backend serving N browsers would hold them. Before \`go\` the script waits until every SSE request reached the server, or until every subscriber's first poll was accepted by the workflow (or no more were accepted for 3 s).`,
    `- **Emit time, the same on both sides**: a timing sink called in the workflow activation that emits a batch, before its updates; the worker stamps it when it carries the activation's sink calls out, which is before the activation's completion goes to the server (so before a workflow-streams poll can be answered) and before Resumable's own sink hands the batch to the bus. **Receipt**: for SSE when the chunk holding the event reaches the client process; for workflow-streams when \`subscribe()\` yields the item. All clocks are \`performance.timeOrigin + performance.now()\` on one machine; each child's offset to the worker process is measured over IPC, NTP-style (smallest of 50 round trips: ${offsets.slice(0, 3).join('; ')}${offsets.length > 3 ? ', …' : ''}) and subtracted. A batch of ${BATCH} goes out at once, so later updates of a batch queue behind earlier ones: the figures include that.`,
    `- **Bare loop**: the same ${int(COUNT)} updates (same framing and JSON shape, same batches, spaced as far apart as the workflow's batches were in the run before: the dev server fires each ${PAUSE_MS} ms timer about 1 s late, see the emit spans) written by a plain \`node:http\` server in the same process to the same number of SSE clients, with no Temporal; emit time is when the loop starts writing the batch.`,
    `- **Exactly once**: a subscriber is exact when it received updates 1–${int(COUNT)}, each once, in order (SSE: by \`id\`; workflow-streams: by offset + 1). **History**: \`describe()\`'s history length and size after the workflow closed; polls = \`WorkflowExecutionUpdateAccepted\` events. **Temporal CPU**: user + system of the dev server process (\`/proc/<pid>/stat\`) from \`go\` until every subscriber was done. Bench CPU: the process holding worker, recovery server and bare loop; client CPU: the subscribers' process.`,
    `- Rounds interleave sides and sizes (the side order rotates each round); tables show the **median over ${ROUNDS} rounds**, per-round values in the detail table. Each run is bounded: ${RUN_TIMEOUT_MS / 1000} s from \`go\` for every subscriber to finish.`,
    '',
    '### Emit → receipt, median of rounds: p50 / p99',
    '',
    '| subscribers | bare loop | Resumable | workflow-streams | Resumable ÷ bare | workflow-streams ÷ bare | workflow-streams ÷ Resumable |',
    '|---|---|---|---|---|---|---|',
    ...latencyRows,
    '',
    '### Per round',
    '',
    '| subscribers | side | p50 per round | p99 per round | exact, in order (all rounds) | updates received | first → last emit (median) | go → all done (median) | Temporal server CPU (median) | CPU bench / clients (median) | failures |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...detailRows,
    '',
    '### History cost per number of subscribers (median of rounds)',
    '',
    '| subscribers | Resumable history | workflow-streams history | workflow-streams polls (Updates in history) | workflow-streams polls parked before `go`, per round |',
    '|---|---|---|---|---|',
    ...historyRows,
    '',
    `Recovery server \`onError\`: ${errors.length === 0 ? 'none' : errors.slice(0, 3).join('; ')}.`,
    '',
    '### Reading the figures',
    '',
    '- Latency percentiles are over the updates that arrived. Where workflow-streams subscribers failed, their missing updates are not in them: read them with the exact and received columns.',
    "- **workflow-streams past 10 subscribers**: every subscriber keeps one poll (an Update) waiting in the workflow, and the dev server's default allows 10 Updates in flight per workflow (`history.maxInFlightUpdates`). Polls beyond that are refused with `RESOURCE_EXHAUSTED: limit on number of concurrent in-flight updates has been reached`; the client retries, and when a poll still fails `subscribe()` throws and that subscriber is gone. Others failed with `UNAVAILABLE: workflow update was aborted`: the server aborts the Updates in flight when the workflow task carrying them fails or is replaced (the worker logged `Workflow task not found` while completing tasks), and the workflow's own emission slowed down with them (first → last emit). The runs that did complete took tens of seconds, bounded by the time limit. These limits are server settings; the figures are for the defaults `temporal server start-dev` runs with, which is what a user gets out of the box.",
    "- **History**: each answered poll stores its items in history (the Update's result), so a workflow-streams history grows with subscribers × updates (about 0.9 MiB for 10 subscribers of 1,000 small updates; Temporal warns at 10 MiB and terminates the workflow at 50 MiB by default). Resumable subscribers read with queries and receive through sinks, neither of which writes history: the same 58 events at every count.",
    "- **Emit cadence**: the dev server fires each 50 ms timer about 1 s late (see first → last emit: about 9 s for 10 batches on both sides), so batches are about 1 s apart. A workflow-streams poll is then usually already waiting when a batch lands and its 100 ms cooldown rarely shows; with 1 or 10 subscribers it answers faster than Resumable, whose live path adds a confirming log read (a query, and the workflow task's completion before it) to every batch. From 100 subscribers up the bare loop and Resumable keep every subscriber exact; at 1,000 the bare loop is slower than Resumable because `res.write()` per event and response costs more CPU than the publisher's pre-framed chunk (see the sse-publisher section).",
    `- **Contention**: the two cores were shared with other engineers' test runs during this run (1-minute load average up to ${maxLoad.toFixed(1)}); the per-round columns show the spread, and every figure may be inflated by it, the bare loop and Resumable at 1,000 subscribers most (their client process alone needs about a core).`,
  ].join('\n');
}

await main();
