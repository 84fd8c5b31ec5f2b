import { describe, expect, it } from 'vitest';
import { AlertWatcher } from './alert-watcher';
import { AlertEvaluator, type Alert } from './alerts';
import { cycle, DEC_8, phase } from './test-logs';
import type { CycleInput } from './types';

describe('AlertWatcher', () => {
  it('publishes each new alert once, ignores cycles closed before it started, and keeps recent ones', async () => {
    let now = DEC_8 + 10_000;
    let listed: CycleInput[] = [];
    const asked: number[] = [];
    const published: Alert[][] = [];
    const watcher = new AlertWatcher({
      read: async (closedAfter) => {
        asked.push(closedAfter);
        return listed;
      },
      evaluator: new AlertEvaluator([
        { id: 'slow', kind: 'phase-duration', thresholdMs: 2_000 },
        { id: 'failed', kind: 'cycle-failed' },
      ]),
      publish: (alerts) => published.push(alerts),
      lagMs: 5_000,
      now: () => now,
    });
    watcher.start();
    watcher.stop(); // polls are driven by hand below
    const old = cycle('old', DEC_8, { status: 'FAILED', closeAfter: 1_000 }, [phase(1, 'failed', 0, 900)]);
    const live = cycle('live', DEC_8 + 9_000, { status: 'RUNNING', closeAfter: null }, [phase(1, 'running', 0)]);
    listed = [old, live];
    expect(await watcher.poll()).toEqual([]);
    now += 2_500;
    expect((await watcher.poll()).map((alert) => alert.id)).toEqual(['live:slow:1']);
    // It fails and closes: one alert, then nothing more for it.
    listed = [
      old,
      cycle('live', DEC_8 + 9_000, { status: 'FAILED', closeAfter: 3_600 }, [
        phase(1, 'completed', 0, 3_000),
        phase(2, 'failed', 3_000, 3_500),
      ]),
    ];
    now += 1_000;
    expect((await watcher.poll()).map((alert) => alert.id)).toEqual(['live:failed']);
    now += 1_000;
    expect(await watcher.poll()).toEqual([]);
    expect(published.map((alerts) => alerts.map((alert) => alert.id))).toEqual([['live:slow:1'], ['live:failed']]);
    expect(watcher.recent().map((alert) => alert.id)).toEqual(['live:slow:1', 'live:failed']);
    // Closed cycles are asked for from the last poll minus the lag, never from before the start.
    expect(asked).toEqual([DEC_8 + 10_000, DEC_8 + 10_000, DEC_8 + 10_000, DEC_8 + 10_000]);
    now += 10_000;
    await watcher.poll();
    expect(asked.at(-1)).toBe(DEC_8 + 10_000);
    now += 10_000;
    await watcher.poll();
    // The previous poll ran at +14.5 s: closed after +9.5 s.
    expect(asked.at(-1)).toBe(DEC_8 + 10_000 + 14_500 - 5_000);
  });
});
