import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CatchUpPacer, type CatchUpProgress } from './catch-up-pacer';

const updates = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ sequence: from + i }));

/** A pacer whose batches and progress are recorded, on fake timers. */
function setup(intervalMs = 10, maxMs = 100) {
  const batches: number[][] = [];
  const progress: CatchUpProgress[] = [];
  const pacer = new CatchUpPacer<{ sequence: number }>(
    (batch, state) => {
      batches.push(batch.map((u) => u.sequence));
      progress.push(state);
    },
    () => ({ intervalMs, maxMs }),
    (state) => progress.push(state),
  );
  return { pacer, batches, progress, applied: () => batches.flat() };
}

describe('CatchUpPacer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('applies updates outside a catch-up at once, in one batch', () => {
    const { pacer, batches, progress } = setup();
    pacer.push(updates(1, 5));
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
    expect(progress.at(-1)).toEqual({ isRecovering: false, recoveryProgress: null });
  });

  it('paces a catch-up in steps sized to finish within maxMs, with progress, then ends it', () => {
    const { pacer, batches, progress, applied } = setup(10, 100);
    pacer.push(updates(1, 2));
    pacer.extend(2, 42); // 40 to catch up in 100 ms at 10 ms a step: 4 per step
    expect(progress.at(-1)).toEqual({ isRecovering: true, recoveryProgress: { recovered: 0, total: 40 } });
    pacer.push(updates(3, 42));
    expect(batches.at(-1)).toEqual([3, 4, 5, 6]);
    expect(progress.at(-1)).toEqual({ isRecovering: true, recoveryProgress: { recovered: 4, total: 40 } });
    vi.advanceTimersByTime(10);
    expect(batches.at(-1)).toEqual([7, 8, 9, 10]);
    vi.advanceTimersByTime(100);
    expect(applied()).toEqual(updates(1, 42).map((u) => u.sequence));
    expect(progress.at(-1)).toEqual({ isRecovering: false, recoveryProgress: null });
  });

  it('keeps live updates that arrive during a catch-up behind it, then applies them at once', () => {
    const { pacer, batches, applied } = setup(10, 20);
    pacer.extend(0, 4); // 2 per step
    pacer.push(updates(1, 4));
    pacer.push(updates(5, 7)); // live, past the catch-up
    expect(applied()).toEqual([1, 2]);
    vi.advanceTimersByTime(10);
    expect(batches.at(-1)).toEqual([3, 4]);
    vi.advanceTimersByTime(10);
    expect(batches.at(-1)).toEqual([5, 6, 7]);
  });

  it('ends a catch-up cut short with what arrived, unless a recovery holds it open', () => {
    const { pacer, progress } = setup();
    pacer.push(updates(1, 3));
    pacer.extend(3, 10);
    pacer.cut(3);
    expect(progress.at(-1)).toEqual({ isRecovering: false, recoveryProgress: null });
    pacer.hold(3);
    pacer.cut(3);
    expect(progress.at(-1)?.isRecovering).toBe(true);
    pacer.release(3);
    expect(progress.at(-1)).toEqual({ isRecovering: false, recoveryProgress: null });
  });

  it('resolves drained() once everything queued is applied', async () => {
    const { pacer, applied } = setup(10, 20);
    pacer.extend(0, 4);
    pacer.push(updates(1, 4));
    let drained = false;
    void pacer.drained().then(() => void (drained = true));
    await vi.advanceTimersByTimeAsync(10);
    expect(drained).toBe(true);
    expect(applied()).toEqual([1, 2, 3, 4]);
  });

  it('applies everything at once when the interval is 0', () => {
    const { pacer, batches } = setup(0, 100);
    pacer.extend(0, 50);
    pacer.push(updates(1, 50));
    expect(batches).toEqual([updates(1, 50).map((u) => u.sequence)]);
  });
});
