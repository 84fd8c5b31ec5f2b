'use client';
import { useEffect, useState } from 'react';
import type { CycleMetrics, FleetSummary, PhaseShare, PhaseStats, TrendPoint } from '@/lib/analytics';
import { AlertFeed } from './alert-feed';
import { BottleneckBar } from './bottleneck-bar';
import styles from './monitoring.module.css';
import { PhaseDurationChart } from './phase-duration-chart';
import { RunningCycles } from './running-cycles';
import { SummaryFigures } from './summary-figures';
import { TrendChart } from './trend-chart';

/** How often the figures are asked for again. */
const POLL_MS = 3_000;

interface Figures {
  summary: FleetSummary & { generatedAt: number };
  phases: { phases: PhaseStats[]; bottleneck: PhaseShare | null };
  trends: { points: TrendPoint[] };
  running: { cycles: CycleMetrics[] };
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { cache: 'no-store' });
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
  return (await response.json()) as T;
}

/** The analytics endpoints, read every few seconds (the server reads each closed cycle once). */
function useFigures(): { figures?: Figures; problem?: string } {
  const [state, setState] = useState<{ figures?: Figures; problem?: string }>({});
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const [summary, phases, trends, running] = await Promise.all([
          getJson<Figures['summary']>('/api/workflow-metrics/summary'),
          getJson<Figures['phases']>('/api/workflow-metrics/phases'),
          getJson<Figures['trends']>('/api/workflow-metrics/trends?by=day'),
          getJson<Figures['running']>('/api/workflow-metrics/cycles?outcome=running&limit=20'),
        ]);
        if (!stopped) setState({ figures: { summary, phases, trends, running } });
      } catch (error) {
        if (!stopped)
          setState((current) => ({ ...current, problem: error instanceof Error ? error.message : String(error) }));
      }
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);
  return state;
}

/** /workflow-monitoring: the test cycles' analytics as charts, the live alerts and the running cycles. */
export function MonitoringDashboard() {
  const { figures, problem } = useFigures();
  return (
    <section>
      <div className="page-head">
        <div>
          <h1>Workflow monitoring</h1>
          <p className="muted">
            Every test cycle on this task queue, read from Temporal visibility and each cycle&apos;s durable update log.
            Figures refresh every {POLL_MS / 1000} s; alerts arrive live.
          </p>
        </div>
      </div>
      {problem && <p className="alert">{problem}</p>}
      {!figures ? (
        <p className="empty">Loading the cycles…</p>
      ) : (
        <div data-testid="monitoring" data-generated-at={figures.summary.generatedAt}>
          <SummaryFigures summary={figures.summary} />
          <div className={styles.grid}>
            <div className={styles.panel}>
              <h2>Phase durations (p50 / p95)</h2>
              <PhaseDurationChart phases={figures.phases.phases} />
            </div>
            <div className={styles.panel}>
              <h2>Per day (the days cycles ran)</h2>
              <TrendChart points={figures.trends.points} />
            </div>
            <div className={`${styles.panel} ${styles.wide}`}>
              <h2>Bottleneck</h2>
              <BottleneckBar phases={figures.phases.phases} bottleneck={figures.phases.bottleneck} />
            </div>
            <div className={styles.panel}>
              <h2>Live alerts</h2>
              <AlertFeed />
            </div>
            <div className={styles.panel}>
              <h2>Running cycles</h2>
              <RunningCycles cycles={figures.running.cycles} />
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
