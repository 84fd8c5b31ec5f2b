import {
  ConsoleMetricExporter,
  MeterProvider,
  MetricReader,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
  type IMetricReader,
} from '@opentelemetry/sdk-metrics';
import { RECOVERY_ATTRIBUTES, RECOVERY_METRICS } from '@resumable/recovery-server';

/**
 * A reader that collects when asked, as a Prometheus scrape does: the `/metrics` page
 * asks through `GET /api/metrics`, and nothing runs in between.
 */
class OnDemandReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** The app's OpenTelemetry meter provider, with the reader the metrics page reads. */
export interface AppMetrics {
  provider: MeterProvider;
  reader: OnDemandReader;
}

// On globalThis for the reason the Resumable singleton is (lib/server/resumable.ts):
// Next.js evaluates server modules in more than one module graph.
const KEY = Symbol.for('@resumable/example-next-app/metrics');
type Holder = { [KEY]?: AppMetrics };

/**
 * The app's meter provider, made on first use. `RESUMABLE_METRICS_CONSOLE=1` also
 * prints every figure to the server's console once a minute.
 *
 * @example
 * createRecoveryServer({ auth, telemetry: { meterProvider: appMetrics().provider } });
 */
export function appMetrics(): AppMetrics {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= create());
}

function create(): AppMetrics {
  const reader = new OnDemandReader();
  const readers: IMetricReader[] = [reader];
  if (process.env.RESUMABLE_METRICS_CONSOLE === '1') {
    readers.push(
      new PeriodicExportingMetricReader({ exporter: new ConsoleMetricExporter(), exportIntervalMillis: 60_000 }),
    );
  }
  return { provider: new MeterProvider({ readers }), reader };
}

/** What the metrics page shows: `GET /api/metrics`. */
export interface MetricFigures {
  /** When they were collected (ms since the epoch). */
  collectedAt: number;
  streams: { open: number; opened: number; closedByReason: Record<string, number> };
  catchUps: { count: number; updates: number; p50Ms: number | null; p99Ms: number | null };
  gapsRepaired: number;
  liveLag: { count: number; p50Ms: number | null; p99Ms: number | null };
  recoveries: { ok: number; failed: number };
  slowConsumerCuts: number;
  busErrors: number;
}

/** Collects now and sums the recovery server's instruments into the page's figures. */
export async function readFigures(): Promise<MetricFigures> {
  const { resourceMetrics } = await appMetrics().reader.collect();
  const all = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  const points = (name: string): DataPoint<unknown>[] =>
    all.find((metric) => metric.descriptor.name === name)?.dataPoints ?? [];
  const sum = (name: string, where: (attributes: DataPoint<unknown>['attributes']) => boolean = () => true) =>
    points(name)
      .filter((point) => where(point.attributes))
      .reduce((total, point) => total + (point.value as number), 0);
  const closedByReason: Record<string, number> = {};
  for (const point of points(RECOVERY_METRICS.streamsClosed)) {
    const reason = String(point.attributes[RECOVERY_ATTRIBUTES.closeReason]);
    closedByReason[reason] = (closedByReason[reason] ?? 0) + (point.value as number);
  }
  const outcome = (value: string) => (attributes: DataPoint<unknown>['attributes']) =>
    attributes[RECOVERY_ATTRIBUTES.outcome] === value;
  const catchUpSizes = histogram(points(RECOVERY_METRICS.catchUpUpdates));
  const catchUpTimes = histogram(points(RECOVERY_METRICS.catchUpDuration));
  const lag = histogram(points(RECOVERY_METRICS.liveLag));
  return {
    collectedAt: Date.now(),
    streams: {
      open: sum(RECOVERY_METRICS.streamsActive),
      opened: sum(RECOVERY_METRICS.streamsOpened),
      closedByReason,
    },
    catchUps: {
      count: catchUpSizes?.count ?? 0,
      updates: catchUpSizes?.sum ?? 0,
      p50Ms: quantile(catchUpTimes, 0.5),
      p99Ms: quantile(catchUpTimes, 0.99),
    },
    gapsRepaired: sum(RECOVERY_METRICS.gapsRepaired),
    liveLag: { count: lag?.count ?? 0, p50Ms: quantile(lag, 0.5), p99Ms: quantile(lag, 0.99) },
    recoveries: {
      ok: sum(RECOVERY_METRICS.recoveries, outcome('ok')),
      failed: sum(RECOVERY_METRICS.recoveries, outcome('error')),
    },
    slowConsumerCuts: closedByReason['slow-consumer'] ?? 0,
    busErrors: sum(RECOVERY_METRICS.busErrors),
  };
}

/** The instruments carry no task attribute: one point each (the first, should that change). */
function histogram(points: DataPoint<unknown>[]): Histogram | undefined {
  return points[0]?.value as Histogram | undefined;
}

/**
 * A quantile of a bucketed histogram, as Prometheus' `histogram_quantile` estimates it:
 * linear within the bucket holding the rank, kept within the observed min and max.
 */
export function quantile(histogram: Histogram | undefined, q: number): number | null {
  if (!histogram || histogram.count === 0) return null;
  const { boundaries, counts } = histogram.buckets;
  const min = histogram.min ?? 0;
  const max = histogram.max ?? boundaries.at(-1) ?? 0;
  const rank = q * histogram.count;
  let below = 0;
  for (let index = 0; index < counts.length; index++) {
    const inBucket = counts[index] ?? 0;
    if (inBucket > 0 && below + inBucket >= rank) {
      const lower = Math.max(min, boundaries[index - 1] ?? min);
      const upper = Math.min(max, boundaries[index] ?? max);
      const estimate = lower + ((upper - lower) * (rank - below)) / inBucket;
      return Math.round(estimate * 10) / 10;
    }
    below += inBucket;
  }
  return max;
}
