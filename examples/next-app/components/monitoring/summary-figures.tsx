import type { FleetSummary } from '@/lib/analytics';
import { formatMs, formatRate } from './format';
import styles from './monitoring.module.css';

/** The headline figures, each with a test id the e2e compares with the summary endpoint. */
export function SummaryFigures({ summary }: { summary: FleetSummary }) {
  const figures: [string, string, string][] = [
    ['cycles', 'cycles', String(summary.cycles)],
    ['running', 'running', String(summary.running)],
    ['success-rate', 'success rate', formatRate(summary.successRate)],
    ['failure-rate', 'failure rate', formatRate(summary.failureRate)],
    ['compensation-rate', 'compensated', formatRate(summary.compensationRate)],
    ['duration-p50', 'duration p50 / p95', `${formatMs(summary.durationMs.p50)} / ${formatMs(summary.durationMs.p95)}`],
    ['retries', 'retries', String(summary.retries)],
    ['retry-time', 'time in retries', formatMs(summary.retryMs.total)],
    ['waiting-time', 'waiting on people', formatMs(summary.waitingMs.total)],
    ['completed', 'completed', String(summary.completed)],
    ['failed', 'failed', String(summary.failed)],
    ['bottleneck', 'bottleneck', summary.bottleneck?.name ?? '–'],
  ];
  return (
    <div className={styles.figures}>
      {figures.map(([key, label, value]) => (
        <div key={key} className={styles.figure}>
          <b data-testid={`figure-${key}`}>{value}</b>
          <span>{label}</span>
        </div>
      ))}
    </div>
  );
}
