import { SpanStatusCode, metrics, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { QUERY_NAMES, type WorkflowState } from '@resumable/protocol';
import { createInMemoryBus, createSsePublisher } from '@resumable/sse-publisher';
import { describe, expect, it } from 'vitest';
import { RECOVERY_ATTRIBUTES, RECOVERY_METRICS } from '../src/index';
import { lossyBus, useServerHarness, type Harness, type ServerInstance } from './harness';
import { StreamFollower } from './sse-client';
import { emitMore, finish, steppedTask, tickingTask } from './workflows';

const BUS_SECRET = 'bus-secret-that-is-at-least-32-characters-long';
let seq = 0;
const taskId = (name: string) => `${name}-${Date.now()}-${++seq}`;

/** A metric reader over the in-memory exporter: `read()` collects now and returns the points by name. */
function inMemoryMetrics() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  return {
    provider,
    async read(): Promise<(name: string) => DataPoint<unknown>[]> {
      exporter.reset();
      await reader.forceFlush();
      const found =
        exporter
          .getMetrics()
          .at(-1)
          ?.scopeMetrics.flatMap((scope) => scope.metrics) ?? [];
      return (name) => found.find((metric) => metric.descriptor.name === name)?.dataPoints ?? [];
    },
  };
}

/** Sum points by one attribute: `{ value of the attribute: total }`. */
function byAttribute(points: DataPoint<unknown>[], key: string): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const point of points) {
    const name = String(point.attributes[key]);
    totals[name] = (totals[name] ?? 0) + (point.value as number);
  }
  return totals;
}

const total = (points: DataPoint<unknown>[]) => points.reduce((sum, point) => sum + (point.value as number), 0);
const histogram = (points: DataPoint<unknown>[]) => points[0]?.value as Histogram | undefined;

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const globalMetrics = inMemoryMetrics();
const meterProvider = globalMetrics.provider;
const spans = new InMemorySpanExporter();
// The app's SDK, registered before the server's first request: by default the server uses the global providers.
metrics.setGlobalMeterProvider(meterProvider);
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));

describe('recovery metrics on the global providers', () => {
  let harness: Harness;
  let instance: ServerInstance;

  useServerHarness(
    (h, i) => {
      harness = h;
      instance = i;
    },
    {
      server: {
        busSecret: BUS_SECRET,
        // Small, so that a client that reads nothing of a catch-up is cut as a slow consumer.
        publisher: createSsePublisher({ retryMs: 20, heartbeatMs: 5_000, maxBufferedBytes: 16 * 1024 }),
      },
    },
  );

  it('records connections, catch-ups, live lag, recoveries, slow-consumer cuts and bus errors as they happened', async () => {
    const id = taskId('metrics');
    const token = await harness.token('*');
    const auth = { Authorization: `Bearer ${token}` };
    const handle = await harness.client.workflow.start(steppedTask, { taskQueue: harness.taskQueue, workflowId: id });
    const url = `${instance.baseUrl}/temporal/stream/${id}`;
    const logLength = async () => (await handle.query<WorkflowState>(QUERY_NAMES.state)).lastSequence;
    const openStreams = () => instance.server.publisher.stats().connections;

    // 1st connection: nothing to catch up; 3 updates live.
    const first = new StreamFollower(url, token);
    await waitFor(() => first.record.connected.length === 1, 'the first connection');
    await handle.signal(emitMore, 3);
    await waitFor(() => first.record.sequences.length === 3, 'updates 1..3 live');
    first.close();
    await waitFor(() => openStreams() === 0, 'the server to see the client leave');

    // Missed while away; the feed reads them (bus, else tail check) before the client is back.
    await handle.signal(emitMore, 2);
    await waitFor(async () => (await logLength()) === 5, 'updates 4..5 in the log');
    await new Promise((resolve) => setTimeout(resolve, 700));

    // 2nd connection resumes after 3: a catch-up of 2.
    const second = new StreamFollower(`${url}?lastEventId=3`, token);
    await waitFor(() => second.record.sequences.length === 2, 'the catch-up of 4..5');
    expect(second.record.sequences).toEqual([4, 5]);

    // Recoveries: a replay and a page that work, and one of each that fails.
    const replay = (connectionId: string) =>
      fetch(`${instance.baseUrl}/temporal/recovery/${id}`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ connectionId, lastSequence: 3 }),
      });
    expect(await (await replay(second.connectionId!)).json()).toEqual({ recovered: 2, lastSequence: 5 });
    expect((await replay('no-such-connection')).status).toBe(404);
    const page = await fetch(`${instance.baseUrl}/temporal/recovery/${id}?sinceSequence=0`, { headers: auth });
    expect(page.status).toBe(200);
    const missing = await fetch(`${instance.baseUrl}/temporal/recovery/${taskId('missing')}`, { headers: auth });
    expect(missing.status).toBe(404);

    // Two more live updates (the last one ends the workflow), then `end`.
    await handle.signal(emitMore, 1);
    await waitFor(() => second.record.sequences.at(-1) === 6, 'update 6 live');
    await handle.signal(finish);
    const record = await second.done;
    expect(record.end?.lastSequence).toBe(7);

    // A client that never reads its stream: cut as a slow consumer during its catch-up.
    const ticking = taskId('unread');
    await harness.client.workflow.execute(tickingTask, {
      taskQueue: harness.taskQueue,
      workflowId: ticking,
      args: [{ count: 400 }],
    });
    const unread = await instance.server.fetch(
      new Request(`${instance.baseUrl}/temporal/stream/${ticking}`, { headers: auth }),
    );
    expect(unread.status).toBe(200);
    await waitFor(() => instance.server.publisher.stats().closed['slow-consumer'] === 1, 'the slow-consumer cut');

    // A batch the bus ingress refuses.
    const refused = await fetch(`${instance.baseUrl}/resumable/bus`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${BUS_SECRET}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ messages: 'not a list' }),
    });
    expect(refused.status).toBe(400);
    await waitFor(() => openStreams() === 0, 'every stream closed');

    const points = await globalMetrics.read();
    expect(total(points(RECOVERY_METRICS.streamsOpened))).toBe(3);
    expect(total(points(RECOVERY_METRICS.streamsActive))).toBe(0);
    expect(byAttribute(points(RECOVERY_METRICS.streamsClosed), RECOVERY_ATTRIBUTES.closeReason)).toEqual({
      'client-closed': 1,
      closed: 1,
      'slow-consumer': 1,
    });

    // Three catch-ups: 0 updates, 2 updates, and 0 written before the cut.
    const catchUps = histogram(points(RECOVERY_METRICS.catchUpUpdates));
    expect(catchUps).toMatchObject({ count: 3, sum: 2 });
    const catchUpTime = histogram(points(RECOVERY_METRICS.catchUpDuration));
    expect(catchUpTime?.count).toBe(3);
    expect(catchUpTime?.sum).toBeGreaterThan(0);

    // Live: 1..3, 6 and 7 reached an attached client; 4..5 went out while nobody was attached.
    const lag = histogram(points(RECOVERY_METRICS.liveLag));
    expect(lag?.count).toBe(5);
    expect(lag?.min).toBeGreaterThanOrEqual(0);
    expect(lag?.sum).toBeGreaterThan(0);
    // A faithful bus announced everything the log reads delivered.
    expect(total(points(RECOVERY_METRICS.gapsRepaired))).toBe(0);

    const recoveries = points(RECOVERY_METRICS.recoveries).map((point) => ({
      kind: point.attributes[RECOVERY_ATTRIBUTES.recoveryKind],
      outcome: point.attributes[RECOVERY_ATTRIBUTES.outcome],
      error: point.attributes[RECOVERY_ATTRIBUTES.errorType],
      count: point.value,
    }));
    expect(recoveries).toEqual(
      expect.arrayContaining([
        { kind: 'replay', outcome: 'ok', error: undefined, count: 1 },
        { kind: 'replay', outcome: 'error', error: 'NOT_FOUND', count: 1 },
        { kind: 'page', outcome: 'ok', error: undefined, count: 1 },
        { kind: 'page', outcome: 'error', error: 'TASK_NOT_FOUND', count: 1 },
      ]),
    );
    expect(recoveries).toHaveLength(4);
    expect(points(RECOVERY_METRICS.recoveryDuration).map((point) => (point.value as Histogram).count)).toEqual([
      1, 1, 1, 1,
    ]);
    expect(byAttribute(points(RECOVERY_METRICS.busErrors), RECOVERY_ATTRIBUTES.busOperation)).toEqual({ ingress: 1 });

    const finished = spans.getFinishedSpans();
    const recoverySpans = finished.filter((span) => span.name === 'resumable.recovery');
    expect(recoverySpans).toHaveLength(4);
    expect(recoverySpans.filter((span) => span.status.code === SpanStatusCode.ERROR)).toHaveLength(2);
    const catchUpSpans = finished.filter((span) => span.name === 'resumable.catch_up');
    expect(catchUpSpans.map((span) => span.attributes[RECOVERY_ATTRIBUTES.updates])).toEqual([0, 2, 0]);
    expect(catchUpSpans.map((span) => span.attributes[RECOVERY_ATTRIBUTES.taskId])).toEqual([id, id, ticking]);
  }, 90_000);
});

describe('recovery metrics on a meter provider of its own, over a bus that loses everything', () => {
  const own = inMemoryMetrics();
  const bus = createInMemoryBus();
  let harness: Harness;
  let instance: ServerInstance;

  useServerHarness(
    (h, i) => {
      harness = h;
      instance = i;
    },
    { harness: { bus, workerBus: lossyBus(bus, 1, 0) }, server: { telemetry: { meterProvider: own.provider } } },
  );

  it('counts every update the tail check delivered as a repaired gap', async () => {
    const id = taskId('gaps');
    const token = await harness.token([id]);
    const handle = await harness.client.workflow.start(steppedTask, { taskQueue: harness.taskQueue, workflowId: id });
    const follower = new StreamFollower(`${instance.baseUrl}/temporal/stream/${id}`, token);
    await waitFor(() => follower.record.connected.length === 1, 'the connection');
    await handle.signal(emitMore, 4);
    await waitFor(() => follower.record.sequences.length === 4, 'updates 1..4 by tail check');

    const points = await own.read();
    expect(total(points(RECOVERY_METRICS.gapsRepaired))).toBe(4);
    expect(histogram(points(RECOVERY_METRICS.liveLag))?.count).toBe(4);
    expect(total(points(RECOVERY_METRICS.streamsActive))).toBe(1);

    await handle.signal(finish);
    await follower.done;
  });
});
