import { describe, expect, it } from 'vitest';
import { PauseOrder } from './pause-order';

const message = (sequence: number, timestamp?: number, taskId = 'order-1') => ({
  taskId,
  sequence,
  ...(timestamp === undefined ? {} : { timestamp }),
});

describe('PauseOrder', () => {
  it('admits each message once, in order: duplicates and stale reorders are dropped', () => {
    const order = new PauseOrder();
    expect(order.admit(message(2, 100))).toBe(true);
    expect(order.admit(message(2, 100))).toBe(false);
    expect(order.admit(message(1, 90))).toBe(false);
    expect(order.admit(message(5, 100))).toBe(true);
  });

  it('admits the pause of a new run of the same workflow id, whose sequences start again', () => {
    const order = new PauseOrder();
    expect(order.admit(message(7, 1_000))).toBe(true);
    // The workflow id is started again: its pause is update 2, later in time.
    expect(order.admit(message(2, 5_000))).toBe(true);
    // A late duplicate of the old run's message stays out.
    expect(order.admit(message(7, 1_000))).toBe(false);
  });

  it('compares by sequence alone when messages carry no timestamp, and keeps tasks apart', () => {
    const order = new PauseOrder();
    expect(order.admit(message(3))).toBe(true);
    expect(order.admit(message(3))).toBe(false);
    expect(order.admit(message(4))).toBe(true);
    expect(order.admit(message(1, undefined, 'order-2'))).toBe(true);
  });
});
