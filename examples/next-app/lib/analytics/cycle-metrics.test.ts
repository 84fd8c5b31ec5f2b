import { describe, expect, it } from 'vitest';
import { cycleMetrics, outcomeOf } from './cycle-metrics';
import { completedCycle, cycle, DEC_1, DEC_8, failedCycle, phase, runningCycle } from './test-logs';

describe('cycleMetrics', () => {
  it('reads a completed cycle: durations, critical path, bottleneck, retries, version', () => {
    const metrics = cycleMetrics(completedCycle, DEC_1 + 60_000);
    expect(metrics).toMatchObject({
      cycleId: 'cycle-a',
      outcome: 'completed',
      status: 'COMPLETED',
      startTime: DEC_1,
      closeTime: DEC_1 + 5_500,
      durationMs: 5_500,
      version: 3,
      // 1 + 2 + 3 (longer than its parallel sibling 4) + 5 + 6 + 7 + 8
      criticalPathMs: 700 + 500 + 1_600 + 600 + 900 + 500 + 600,
      retries: 2,
      // 300 ms before phase 1's second attempt, 200 ms before phase 4's.
      retryMs: 500,
      waitingMs: 0,
      compensated: false,
      compensations: [],
      bottleneck: { phase: 3, name: 'Sample Selection', durationMs: 1_600 },
    });
    expect(metrics.phases.map((run) => [run.phase, run.state, run.durationMs, run.attempts, run.critical])).toEqual([
      [1, 'completed', 700, 2, true],
      [2, 'completed', 500, 1, true],
      [3, 'completed', 1_600, 1, true],
      [4, 'completed', 1_300, 2, false],
      [5, 'completed', 600, 1, true],
      [6, 'completed', 900, 1, true],
      [7, 'completed', 500, 1, true],
      [8, 'completed', 600, 1, true],
    ]);
  });

  it('reads a failed cycle: compensations in log order, time waiting on a person, retries from attempts', () => {
    const metrics = cycleMetrics(failedCycle, DEC_8 + 60_000);
    expect(metrics).toMatchObject({
      outcome: 'failed',
      durationMs: 4_500,
      version: 2,
      // 1 + 2 + 4 (the failed 3 ran beside the longer 4)
      criticalPathMs: 1_000 + 500 + 1_500,
      retries: 2,
      retryMs: 0,
      waitingMs: 1_000,
      compensated: true,
      bottleneck: { phase: 4, durationMs: 1_500 },
    });
    expect(metrics.compensations.map((entry) => [entry.phase, entry.strategy, entry.timestamp])).toEqual([
      [4, 'rollback', DEC_8 + 3_050],
      [2, 'notify', DEC_8 + 4_200],
      [1, 'rollback', DEC_8 + 4_300],
    ]);
    expect(metrics.phases.map((run) => [run.phase, run.state, run.compensation, run.critical])).toEqual([
      [1, 'completed', 'rollback', true],
      [2, 'completed', 'notify', true],
      [3, 'failed', null, false],
      [4, 'completed', 'rollback', true],
    ]);
  });

  it('counts open retries and pauses of a running cycle up to now', () => {
    const t0 = DEC_8;
    const open = cycle('cycle-open', t0, { status: 'RUNNING', closeAfter: null }, [
      phase(1, 'running', 0),
      [200, 'activity.retrying', { activityId: 'a', activityType: 'x', attempt: 1, error: 'e', nextDelayMs: 5_000 }],
      [500, 'workflow.paused', { executionId: 'cycle-open' }],
    ]);
    const metrics = cycleMetrics(open, t0 + 1_500);
    expect(metrics.outcome).toBe('running');
    expect(metrics.durationMs).toBeNull();
    // The retry waits 5 s but only 1.3 s of it has passed; the pause has lasted 1 s.
    expect(metrics.retryMs).toBe(1_300);
    expect(metrics.waitingMs).toBe(1_000);
    expect(metrics.version).toBeNull();
    expect(metrics.bottleneck).toBeNull();
  });

  it('leaves skipped phases out of durations and the critical path', () => {
    const skipped = cycle('cycle-skip', DEC_8, { status: 'COMPLETED', closeAfter: 900 }, [
      phase(1, 'completed', 0, 400),
      [400, 'phase', { phase: 2, name: 'Scoping', state: 'skipped', startedAt: 400, endedAt: 400, durationMs: 0 }],
      phase(5, 'completed', 400, 900),
    ]);
    const metrics = cycleMetrics(skipped, DEC_8 + 1_000);
    expect(metrics.phases.map((run) => [run.phase, run.state, run.durationMs, run.critical])).toEqual([
      [1, 'completed', 400, true],
      [2, 'skipped', null, false],
      [5, 'completed', 500, true],
    ]);
    expect(metrics.criticalPathMs).toBe(900);
  });

  it('keeps a running cycle’s latest phase state', () => {
    const metrics = cycleMetrics(runningCycle, DEC_8 + 60_000 + 2_000);
    expect(metrics.phases.map((run) => [run.phase, run.state, run.durationMs])).toEqual([
      [1, 'completed', 1_000],
      [2, 'running', null],
    ]);
  });

  it('folds Temporal statuses into three outcomes', () => {
    expect(['RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT'].map(outcomeOf)).toEqual([
      'running',
      'completed',
      'failed',
      'failed',
      'failed',
      'failed',
    ]);
  });
});
