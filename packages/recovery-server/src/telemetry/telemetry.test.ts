import { metrics, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import { taskTopic, type UpdateBus, type WorkflowUpdate } from '@resumable/protocol';
import { createInMemoryBus } from '@resumable/sse-publisher';
import { describe, expect, it } from 'vitest';
import { createRecoveryServer } from '../server';
import { watchBus } from './bus';
import { RECOVERY_METRICS } from './metrics';
import { NO_TELEMETRY, createTelemetry, type Telemetry } from './telemetry';

const update = (sequence: number, timestamp = Date.now()): WorkflowUpdate =>
  ({ sequence, timestamp, type: 'tick', data: { n: sequence } }) as WorkflowUpdate;

/** Calls every method once, as the server would. */
async function exercise(telemetry: Telemetry): Promise<void> {
  const listeners: ((reason: string) => void)[] = [];
  telemetry.streamOpened({ onClose: (listener) => listeners.push(listener) });
  for (const listener of listeners) listener('slow-consumer');
  const feed = telemetry.feed('task-1');
  const timing = feed.catchUp();
  feed.announced(2);
  feed.confirmed([update(1), update(2), update(3)]);
  feed.sent([update(1), update(2)]);
  timing.end(3);
  feed.catchUp().end(0, new Error('cut'));
  await expect(telemetry.recovery('page', 'task-1', async () => 'page')).resolves.toBe('page');
  await expect(
    telemetry.recovery('replay', 'task-1', async () => {
      throw new Error('no stream');
    }),
  ).rejects.toThrow('no stream');
  telemetry.busError('ingress');
}

describe('telemetry without an SDK', () => {
  it('is a no-op on the API defaults: nothing throws, nothing is registered', async () => {
    // No SDK in this process: the API hands out its no-op meter and tracer.
    expect(metrics.getMeterProvider().constructor.name).toBe('NoopMeterProvider');
    await exercise(createTelemetry(undefined));
    await exercise(createTelemetry({}));
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('`false` makes nothing at all, and leaves the bus as it is', async () => {
    expect(createTelemetry(false)).toBe(NO_TELEMETRY);
    await exercise(NO_TELEMETRY);
    const bus = createInMemoryBus();
    expect(watchBus(bus, NO_TELEMETRY)).toBe(bus);
  });

  it('a server made without telemetry options answers through its measured routes as before', async () => {
    const server = createRecoveryServer({ auth: { disabled: true }, recoverPausedOnStart: false });
    // A replay for a stream this server does not hold: answered without Temporal.
    const response = await server.fetch(
      new Request('http://localhost/api/temporal/recovery/task-1', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ connectionId: 'gone', lastSequence: 0 }),
      }),
    );
    expect(response.status).toBe(404);
    await server.close();
  });
});

describe('telemetry with a meter provider', () => {
  async function recorded(use: (telemetry: Telemetry) => Promise<void> | void) {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
    const meterProvider = new MeterProvider({ readers: [reader] });
    await use(createTelemetry({ meterProvider }));
    await reader.forceFlush();
    const found =
      exporter
        .getMetrics()
        .at(-1)
        ?.scopeMetrics.flatMap((scope) => scope.metrics) ?? [];
    await meterProvider.shutdown();
    return (name: string) => found.find((metric) => metric.descriptor.name === name)?.dataPoints ?? [];
  }

  it('counts as repaired only what the bus did not announce, once', async () => {
    const points = await recorded((telemetry) => {
      const feed = telemetry.feed('task-1');
      feed.announced(2);
      feed.announced(5);
      feed.confirmed([update(1), update(2), update(3)]); // 1 and 3 unannounced
      feed.confirmed([update(4), update(5)]); // 4 unannounced
      feed.confirmed([update(6)]); // 6 unannounced
    });
    expect(points(RECOVERY_METRICS.gapsRepaired).map((point) => point.value)).toEqual([4]);
  });

  it('records live lag from the update timestamp, never below zero', async () => {
    const points = await recorded((telemetry) => {
      telemetry.feed('task-1').sent([update(1, Date.now() - 40), update(2, Date.now() + 60_000)]);
    });
    const [lag] = points(RECOVERY_METRICS.liveLag);
    const value = lag?.value as Histogram;
    expect(value.count).toBe(2);
    expect(value.min).toBe(0);
    expect(value.max).toBeGreaterThanOrEqual(40);
  });

  it('counts bus failures the server meets: a subscribe that rejects, a handler that throws', async () => {
    const points = await recorded(async (telemetry) => {
      const inner = createInMemoryBus({ onError: () => undefined });
      const failing: UpdateBus = { ...inner, subscribe: () => Promise.reject(new Error('bus down')) };
      await expect(watchBus(failing, telemetry).subscribe(taskTopic('a'), () => undefined)).rejects.toThrow('bus down');
      const bus = watchBus(inner, telemetry);
      await bus.subscribe(taskTopic('a'), () => {
        throw new Error('handler bug');
      });
      await inner.publish({ kind: 'update', taskId: 'a', update: update(1) });
    });
    const byOperation = Object.fromEntries(
      points(RECOVERY_METRICS.busErrors).map((point) => [point.attributes['resumable.bus.operation'], point.value]),
    );
    expect(byOperation).toEqual({ subscribe: 1, handler: 1 });
  });
});
