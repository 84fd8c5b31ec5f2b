import { describe, expect, it } from 'vitest';
import { AlertEvaluator, alertsFor, type AlertRule } from './alerts';
import { cycle, DEC_8, failedCycle, phase } from './test-logs';

const RULES: AlertRule[] = [
  { id: 'slow', kind: 'phase-duration', thresholdMs: 1_200 },
  { id: 'slow-planning', kind: 'phase-duration', thresholdMs: 500, phase: 1 },
  { id: 'failed', kind: 'cycle-failed' },
];

describe('alerts', () => {
  it('raises a slow-phase alert per phase over the threshold and one for the failed cycle', () => {
    const alerts = alertsFor(RULES, failedCycle, DEC_8 + 10_000);
    expect(alerts.map((alert) => [alert.id, alert.severity, alert.phase, alert.at])).toEqual([
      ['cycle-b:slow:4', 'warning', 4, DEC_8 + 3_000],
      ['cycle-b:slow-planning:1', 'warning', 1, DEC_8 + 1_000],
      ['cycle-b:failed', 'critical', 3, DEC_8 + 2_500],
    ]);
    expect(alerts[0]?.message).toBe('Data Owner Identification took 1.5 s (threshold 1.2 s)');
    expect(alerts[2]?.message).toBe('Cycle failed at phase 3 (Sample Selection)');
  });

  it('raises each alert once as the log grows, and a running phase as soon as it passes the threshold', () => {
    const evaluator = new AlertEvaluator(RULES);
    const entries: Parameters<typeof cycle>[3] = [phase(2, 'running', 0)];
    const at = (now: number) =>
      evaluator.evaluate(cycle('c', DEC_8, { status: 'RUNNING', closeAfter: null }, entries), DEC_8 + now);
    expect(at(1_000)).toEqual([]);
    const slow = at(1_300);
    expect(slow.map((alert) => [alert.id, alert.at, alert.message])).toEqual([
      ['c:slow:2', DEC_8 + 1_300, 'Scoping has run 1.3 s (threshold 1.2 s)'],
    ]);
    // The phase ends late: no second alert for the same phase.
    entries.push(phase(2, 'completed', 0, 1_400));
    expect(at(1_400)).toEqual([]);
    entries.push(phase(5, 'failed', 1_400, 1_500));
    expect(at(1_500).map((alert) => alert.id)).toEqual(['c:failed']);
    expect(at(1_600)).toEqual([]);
  });

  it('raises cycle-failed for an execution Temporal closed as failed without a failed phase', () => {
    const terminated = cycle('t', DEC_8, { status: 'TERMINATED', closeAfter: 800 }, [phase(1, 'running', 0)]);
    expect(alertsFor([{ id: 'failed', kind: 'cycle-failed' }], terminated, DEC_8 + 900)).toMatchObject([
      { id: 't:failed', phase: null, message: 'Cycle ended TERMINATED', at: DEC_8 + 800 },
    ]);
  });
});
