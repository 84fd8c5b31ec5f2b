import { describe, expect, it } from 'vitest';
import { PausedRegistry } from '../paused-registry';
import { RecoveryManager } from '../recovery-manager';
import type { ScheduledTimer, TimerScheduler } from '../timer-scheduler';
import { deadlineTimersRecoverable, pauseDeadlines, type AppTimer } from './deadline-timers';

/** An in-memory TimerScheduler (our interface). */
function recordingTimers(): TimerScheduler & { armed: Map<string, ScheduledTimer> } {
  const armed = new Map<string, ScheduledTimer>();
  return { armed, schedule: (timer) => void armed.set(timer.key, timer), cancel: (key) => armed.delete(key) };
}

const NOW = Date.UTC(2026, 0, 15, 12);

describe('deadlineTimersRecoverable', () => {
  it('arms each timer at its exact absolute deadline; overdue ones are counted, bad ones reported', async () => {
    const timers = recordingTimers();
    const fired: string[] = [];
    const manager = new RecoveryManager({ timers, now: () => NOW }).register(
      deadlineTimersRecoverable<string>({
        load: async () => [
          { key: 'in-an-hour', at: new Date(NOW + 3600_000).toISOString(), data: 'h' },
          { key: 'missed', at: NOW - 60_000, data: 'm' },
          { key: 'broken', at: 'someday', data: 'b' },
        ],
        onFire: (timer) => void fired.push(timer.data),
      }),
    );
    const [component] = (await manager.recoverAll()).components;
    expect(component).toMatchObject({ status: 'ok', counts: { armed: 1, overdue: 1, invalid: 1 } });
    expect(component?.issues).toEqual([expect.objectContaining({ code: 'INVALID_PARAMETER', subject: 'broken' })]);
    expect(timers.armed.get('in-an-hour')?.at).toBe(NOW + 3600_000);
    expect(timers.armed.get('missed')?.at).toBe(NOW - 60_000);
    await timers.armed.get('missed')?.run();
    expect(fired).toEqual(['m']);
  });

  it('pauseDeadlines turns each pause deadline into a timer carrying the pause', () => {
    const registry = new PausedRegistry();
    const base = {
      workflowType: 'w',
      workflowId: 'w',
      pausedAt: 'p',
      pausedTime: '2026-01-15T10:30:00.000Z',
      waitingFor: ['e'],
      variables: {},
    };
    registry.add({ ...base, executionId: 'forever', timeoutAt: null });
    registry.add({ ...base, executionId: 'due', timeoutAt: '2026-01-16T10:30:00.000Z' });
    const deadlines: AppTimer[] = pauseDeadlines(registry);
    expect(deadlines).toEqual([
      {
        key: 'pause-timeout:due',
        at: '2026-01-16T10:30:00.000Z',
        data: expect.objectContaining({ executionId: 'due' }),
      },
    ]);
  });
});
