import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTimerScheduler, toEpochMs } from './timer-scheduler';
import type { ErrorHandler } from '@resumable/protocol';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createTimerScheduler', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires at the absolute deadline, never before it', async () => {
    const timers = createTimerScheduler();
    const at = Date.now() + 60;
    const fired = new Promise<number>((resolve) =>
      timers.schedule({ key: 'a', at: new Date(at), run: () => resolve(Date.now()) }),
    );
    expect(timers.deadlineOf('a')).toBe(at);
    expect(await fired).toBeGreaterThanOrEqual(at);
    expect(timers.has('a')).toBe(false);
  });

  it('fires a deadline that is already past at once (not on a guessed shorter delay)', async () => {
    const timers = createTimerScheduler();
    const fired: string[] = [];
    timers.schedule({ key: 'overdue', at: '2020-01-01T00:00:00Z', run: () => void fired.push('overdue') });
    expect(fired).toEqual([]); // on the next turn, never inside schedule()
    await sleep(5);
    expect(fired).toEqual(['overdue']);
  });

  it('replaces a timer scheduled again under the same key, and cancels', async () => {
    const timers = createTimerScheduler();
    const fired: string[] = [];
    timers.schedule({ key: 'k', at: Date.now() + 10, run: () => void fired.push('first') });
    timers.schedule({ key: 'k', at: Date.now() + 20, run: () => void fired.push('second') });
    timers.schedule({ key: 'gone', at: Date.now() + 10, run: () => void fired.push('gone') });
    expect(timers.size).toBe(2);
    expect(timers.cancel('gone')).toBe(true);
    expect(timers.cancel('gone')).toBe(false);
    await sleep(50);
    expect(fired).toEqual(['second']);
  });

  it('reports a failing callback and keeps firing the others', async () => {
    const onError = vi.fn<ErrorHandler>();
    const timers = createTimerScheduler({ onError });
    const fired: string[] = [];
    timers.schedule({
      key: 'throws',
      at: 0,
      run: () => {
        throw new Error('boom');
      },
    });
    timers.schedule({ key: 'rejects', at: 0, run: () => Promise.reject(new Error('async boom')) });
    timers.schedule({ key: 'fine', at: 0, run: () => void fired.push('fine') });
    await sleep(10);
    expect(fired).toEqual(['fine']);
    expect(onError.mock.calls.map(([error, context]) => [context, error.code, error.message]).sort()).toEqual([
      [{ source: 'timers', operation: 'timer rejects' }, 'INTERNAL', 'async boom'],
      [{ source: 'timers', operation: 'timer throws' }, 'INTERNAL', 'boom'],
    ]);
  });

  it('refuses bad deadlines and keys with INVALID_PARAMETER', () => {
    const timers = createTimerScheduler();
    const run = () => undefined;
    for (const at of ['not a date', Number.NaN, Number.POSITIVE_INFINITY, new Date('x')]) {
      expect(() => timers.schedule({ key: 'k', at, run })).toThrow(
        expect.objectContaining({ code: 'INVALID_PARAMETER' }),
      );
    }
    expect(() => timers.schedule({ key: '', at: 0, run })).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER' }),
    );
    expect(timers.size).toBe(0);
    expect(toEpochMs('2030-01-01T00:00:00Z')).toBe(Date.UTC(2030, 0, 1));
  });

  it('waits out a deadline beyond setTimeout’s 24.8-day limit instead of firing at once', async () => {
    // Fake clock: 40 days cannot pass in a test. setTimeout alone would fire this at once.
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    const timers = createTimerScheduler();
    const fired: number[] = [];
    const at = Date.now() + 40 * 24 * 3600_000;
    timers.schedule({ key: 'far', at, run: () => void fired.push(Date.now()) });
    await vi.advanceTimersByTimeAsync(39 * 24 * 3600_000);
    expect(fired).toEqual([]);
    expect(timers.has('far')).toBe(true);
    await vi.advanceTimersByTimeAsync(24 * 3600_000);
    expect(fired).toEqual([at]);
  });
});
