import { describe, expect, it } from 'vitest';
import { Subscribable } from './subscribable';

/** A connection counter: what a subscription's stream would be. */
class Counter extends Subscribable<{ value: number }> {
  opened = 0;
  closed = 0;
  constructor() {
    super({ value: 0 });
  }
  bump() {
    this.setState({ value: this.getState().value + 1 });
  }
  protected onSubscribe() {
    this.opened++;
  }
  protected onUnsubscribe() {
    this.closed++;
  }
}

const macrotask = () => new Promise((resolve) => setTimeout(resolve));

describe('Subscribable', () => {
  it('opens once for many listeners and closes a macrotask after the last leaves', async () => {
    const counter = new Counter();
    const leaveA = counter.subscribe(() => undefined);
    const leaveB = counter.subscribe(() => undefined);
    expect(counter.opened).toBe(1);
    leaveA();
    await macrotask();
    expect(counter.closed).toBe(0);
    leaveB();
    expect(counter.closed).toBe(0);
    await macrotask();
    expect(counter.closed).toBe(1);
  });

  it('keeps the resource through an unsubscribe followed at once by a subscribe (StrictMode)', async () => {
    const counter = new Counter();
    counter.subscribe(() => undefined)();
    const leave = counter.subscribe(() => undefined);
    await macrotask();
    expect([counter.opened, counter.closed]).toEqual([1, 0]);
    leave();
    await macrotask();
    counter.subscribe(() => undefined);
    expect([counter.opened, counter.closed]).toEqual([2, 1]);
  });

  it('tells each listener once per change, with a new state object; leaving twice is harmless', () => {
    const counter = new Counter();
    const seen: number[] = [];
    const before = counter.getState();
    const leave = counter.subscribe(() => seen.push(counter.getState().value));
    const { getState } = counter;
    counter.bump();
    expect(seen).toEqual([1]);
    expect(getState()).not.toBe(before);
    leave();
    leave();
    counter.bump();
    expect(seen).toEqual([1]);
  });
});
