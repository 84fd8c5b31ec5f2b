import {
  ValueType,
  metrics,
  trace,
  type Counter,
  type Histogram,
  type MeterProvider,
  type Tracer,
  type TracerProvider,
  type UpDownCounter,
} from '@opentelemetry/api';
import { version } from '../../package.json';

/** The instrumentation scope of every instrument and span: the package, with its version. */
export const SCOPE = { name: '@resumable/recovery-server', version } as const;

/**
 * The names of the server's OpenTelemetry instruments (the README's "Metrics" lists
 * their units and attributes), for an app that reads or filters them.
 *
 * @example
 * const lag = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics)
 *   .find((metric) => metric.descriptor.name === RECOVERY_METRICS.liveLag);
 */
export const RECOVERY_METRICS = {
  /** Task streams open now (UpDownCounter). */
  streamsActive: 'resumable.stream.active',
  /** Task streams opened (Counter). */
  streamsOpened: 'resumable.stream.opened',
  /** Task streams closed, by `resumable.close_reason` (Counter); `slow-consumer` is a slow-consumer cut. */
  streamsClosed: 'resumable.stream.closed',
  /** Updates one client's catch-up accounted for (Histogram). */
  catchUpUpdates: 'resumable.catch_up.updates',
  /** How long one client's catch-up took, ms (Histogram). */
  catchUpDuration: 'resumable.catch_up.duration',
  /** Updates a log read delivered that the live bus had not announced (Counter). */
  gapsRepaired: 'resumable.gap.repaired',
  /** From the workflow's emit to the broadcast of the confirmed update, ms (Histogram). */
  liveLag: 'resumable.live.lag',
  /** Recovery requests (pages and replays), by kind and outcome (Counter). */
  recoveries: 'resumable.recovery.requests',
  /** How long a recovery request took, ms (Histogram). */
  recoveryDuration: 'resumable.recovery.duration',
  /** Bus failures the server saw, by `resumable.bus.operation` (Counter). */
  busErrors: 'resumable.bus.errors',
} as const;

/**
 * The attribute keys the instruments and spans carry.
 *
 * @example
 * const cuts = points.filter((point) => point.attributes[RECOVERY_ATTRIBUTES.closeReason] === 'slow-consumer');
 */
export const RECOVERY_ATTRIBUTES = {
  /** Why a stream closed: the publisher's close reason (`client-closed`, `closed`, `slow-consumer`, `evicted`, `shutdown`, `error`). */
  closeReason: 'resumable.close_reason',
  /** `page` (GET recovery) or `replay` (POST recovery). */
  recoveryKind: 'resumable.recovery.kind',
  /** `ok` or `error`. */
  outcome: 'resumable.outcome',
  /** The wire error code of a failed request (`NOT_FOUND`, `TEMPORAL_UNAVAILABLE`, …). */
  errorType: 'error.type',
  /** `subscribe` (a subscription failed), `handler` (ours threw on a message) or `ingress` (a batch refused). */
  busOperation: 'resumable.bus.operation',
  /** The task (on spans only: one value per task would swamp a metric). */
  taskId: 'resumable.task_id',
  /** Updates a catch-up span accounted for. */
  updates: 'resumable.catch_up.updates',
} as const;

/**
 * Where the server's metrics and spans go: by default the global providers of
 * `@opentelemetry/api`, which do nothing until the app registers an SDK.
 *
 * @example
 * const telemetry: RecoveryTelemetryOptions = { meterProvider: new MeterProvider({ readers: [reader] }) };
 * const server = createRecoveryServer({ auth: { secret }, telemetry });
 */
export interface RecoveryTelemetryOptions {
  /** Meters come from here; default `metrics.getMeterProvider()` (the global one) when first used. */
  meterProvider?: MeterProvider;
  /** Tracers come from here; default `trace.getTracerProvider()` (the global one). */
  tracerProvider?: TracerProvider;
}

/** @internal The instruments, made once per server. */
export interface Instruments {
  streamsActive: UpDownCounter;
  streamsOpened: Counter;
  streamsClosed: Counter;
  catchUpUpdates: Histogram;
  catchUpDuration: Histogram;
  gapsRepaired: Counter;
  liveLag: Histogram;
  recoveries: Counter;
  recoveryDuration: Histogram;
  busErrors: Counter;
  tracer: Tracer;
}

/** Milliseconds from a few to minutes: the spread of lags and catch-ups worth telling apart. */
const MS_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000];
const UPDATE_BUCKETS = [0, 1, 10, 100, 1000, 10_000, 100_000];

/** @internal Makes the instruments from the providers the options name, else the global ones. */
export function makeInstruments(options: RecoveryTelemetryOptions): Instruments {
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE.name, SCOPE.version);
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE.name, SCOPE.version);
  const counter = (name: string, unit: string, description: string) =>
    meter.createCounter(name, { unit, description, valueType: ValueType.INT });
  const ms = (name: string, description: string) =>
    meter.createHistogram(name, { unit: 'ms', description, advice: { explicitBucketBoundaries: MS_BUCKETS } });
  return {
    streamsActive: meter.createUpDownCounter(RECOVERY_METRICS.streamsActive, {
      unit: '{connection}',
      description: 'Task streams open now',
      valueType: ValueType.INT,
    }),
    streamsOpened: counter(RECOVERY_METRICS.streamsOpened, '{connection}', 'Task streams opened'),
    streamsClosed: counter(RECOVERY_METRICS.streamsClosed, '{connection}', 'Task streams closed, by reason'),
    catchUpUpdates: meter.createHistogram(RECOVERY_METRICS.catchUpUpdates, {
      unit: '{update}',
      description: "Updates one client's catch-up accounted for",
      valueType: ValueType.INT,
      advice: { explicitBucketBoundaries: UPDATE_BUCKETS },
    }),
    catchUpDuration: ms(RECOVERY_METRICS.catchUpDuration, "How long one client's catch-up took"),
    gapsRepaired: counter(
      RECOVERY_METRICS.gapsRepaired,
      '{update}',
      'Updates a log read delivered unannounced by the bus',
    ),
    liveLag: ms(RECOVERY_METRICS.liveLag, 'From the workflow emitting an update to its broadcast'),
    recoveries: counter(RECOVERY_METRICS.recoveries, '{request}', 'Recovery requests, by kind and outcome'),
    recoveryDuration: ms(RECOVERY_METRICS.recoveryDuration, 'How long a recovery request took'),
    busErrors: counter(RECOVERY_METRICS.busErrors, '{error}', 'Bus failures, by operation'),
    tracer,
  };
}
