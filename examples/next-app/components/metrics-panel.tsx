'use client';
import { useEffect, useState } from 'react';
import type { MetricFigures } from '@/lib/server/metrics';

/** How often the page asks for fresh figures. */
const POLL_MS = 1_000;

const ms = (value: number | null) => (value === null ? '–' : `${value} ms`);

/**
 * The recovery server's OpenTelemetry figures, refreshed every second from
 * `GET /api/metrics` (an on-demand reader over the app's meter provider).
 */
export function MetricsPanel() {
  const [figures, setFigures] = useState<MetricFigures>();
  const [problem, setProblem] = useState<string>();

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const response = await fetch('/api/metrics', { cache: 'no-store' });
        if (!response.ok) throw new Error(`GET /api/metrics answered ${response.status}`);
        const next = (await response.json()) as MetricFigures;
        if (!stopped) {
          setFigures(next);
          setProblem(undefined);
        }
      } catch (error) {
        if (!stopped) setProblem(error instanceof Error ? error.message : String(error));
      }
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);

  const rows: [string, string, string][] = figures
    ? [
        ['connections-open', 'Task streams open', String(figures.streams.open)],
        ['connections-opened', 'Task streams opened', String(figures.streams.opened)],
        [
          'catch-ups',
          'Catch-ups (updates sent; p50 / p99 time)',
          `${figures.catchUps.count} (${figures.catchUps.updates} updates; ${ms(figures.catchUps.p50Ms)} / ${ms(figures.catchUps.p99Ms)})`,
        ],
        ['gaps-repaired', 'Gaps repaired (updates the bus never announced)', String(figures.gapsRepaired)],
        ['live-lag-count', 'Live updates sent', String(figures.liveLag.count)],
        [
          'live-lag',
          'Live lag, emit → send (p50 / p99)',
          `${ms(figures.liveLag.p50Ms)} / ${ms(figures.liveLag.p99Ms)}`,
        ],
        ['recoveries', 'Recoveries ok / failed', `${figures.recoveries.ok} / ${figures.recoveries.failed}`],
        ['slow-consumer-cuts', 'Slow-consumer cuts', String(figures.slowConsumerCuts)],
        ['bus-errors', 'Bus errors', String(figures.busErrors)],
      ]
    : [];

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Metrics</h1>
          <p className="muted">
            What the recovery server reports through OpenTelemetry since the app started: connections, catch-ups, gaps
            the log repaired, live lag, recoveries, slow-consumer cuts and bus errors. Open a task on the task board and
            watch them move.
          </p>
        </div>
      </div>
      {problem && <p className="alert">{problem}</p>}
      {figures ? (
        <table data-testid="metrics" data-collected-at={figures.collectedAt}>
          <tbody>
            {rows.map(([key, label, value]) => (
              <tr key={key} data-metric={key}>
                <th scope="row">{label}</th>
                <td data-testid={`metric-${key}`}>{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="empty">Collecting…</p>
      )}
    </>
  );
}
