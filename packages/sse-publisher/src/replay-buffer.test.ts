import { describe, expect, it } from 'vitest';
import { ReplayBuffer } from './replay-buffer';

function filled(ids: (number | string)[], limits = { maxEvents: 100, maxBytes: 1_000_000 }): ReplayBuffer {
  const buffer = new ReplayBuffer(limits);
  for (const id of ids) buffer.push({ id, event: 'update', data: `d${id}` }, String(id), 10);
  return buffer;
}

const ids = (events: { id?: string | number }[] | null) => events?.map((event) => event.id) ?? null;

describe('ReplayBuffer', () => {
  it('returns the events after an id it holds, oldest first', () => {
    expect(ids(filled([1, 2, 3, 4]).since('2'))).toEqual([3, 4]);
    expect(ids(filled([1, 2, 3, 4]).since('4'))).toEqual([]);
  });

  it('is bounded by count: evicted history answers null', () => {
    const buffer = filled([1, 2, 3, 4, 5], { maxEvents: 3, maxBytes: 1_000_000 });
    expect(buffer.size).toBe(3);
    expect(ids(buffer.since('2'))).toEqual([3, 4, 5]); // 2 was the last evicted: the buffer reaches back to it
    expect(buffer.since('1')).toBeNull();
    expect(buffer.since('0')).toBeNull();
  });

  it('is bounded by bytes', () => {
    const buffer = filled([1, 2, 3, 4, 5], { maxEvents: 100, maxBytes: 25 });
    expect(buffer.size).toBe(2);
    expect(buffer.bytes).toBe(20);
    expect(ids(buffer.since('3'))).toEqual([4, 5]);
    expect(buffer.since('2')).toBeNull();
  });

  it('drops an event larger than the byte bound, and says so', () => {
    const buffer = new ReplayBuffer({ maxEvents: 10, maxBytes: 5 });
    buffer.push({ id: 1, data: 'x' }, '1', 50);
    expect(buffer.size).toBe(0);
    expect(buffer.lastId).toBe('1');
    expect(buffer.since('1')).toEqual([]);
    expect(buffer.since('0')).toBeNull();
  });

  it('compares integer ids numerically when the id itself is not held', () => {
    const buffer = filled([10, 11, 12]);
    expect(ids(buffer.since('09'))).toEqual([10, 11, 12]); // 9 = first - 1: nothing can be missing
    expect(ids(buffer.since('11.0'))).toBeNull(); // not an integer
    expect(buffer.since('8')).toBeNull(); // 9 may exist outside this buffer
    expect(ids(buffer.since('99'))).toEqual([]); // a client ahead of the buffer has nothing to replay
  });

  it('answers null for unknown non-integer ids', () => {
    expect(filled(['a', 'b']).since('z')).toBeNull();
    expect(ids(filled(['a', 'b']).since('a'))).toEqual(['b']);
  });

  it('with nothing held, only a client at or past the newest id is complete', () => {
    const empty = new ReplayBuffer({ maxEvents: 10, maxBytes: 100 });
    expect(empty.since('0')).toBeNull();
    const off = new ReplayBuffer({ maxEvents: 0, maxBytes: 100 });
    off.push({ id: 5, data: 'x' }, '5', 1);
    expect(off.since('5')).toEqual([]);
    expect(off.since('4')).toBeNull();
  });

  it('keeps copies: a caller mutating its event later does not rewrite history', () => {
    const buffer = new ReplayBuffer({ maxEvents: 10, maxBytes: 1000 });
    const event = { id: 1, event: 'update', data: 'original' };
    buffer.push(event, '1', 10);
    event.data = 'changed';
    const replayed = buffer.since('0');
    expect(replayed).toEqual([{ id: 1, event: 'update', data: 'original' }]);
    (replayed as { data: string }[])[0]!.data = 'changed too';
    expect(buffer.since('0')?.[0]?.data).toBe('original');
  });

  it('wraps around its ring many times without losing order', () => {
    const buffer = new ReplayBuffer({ maxEvents: 7, maxBytes: 1_000_000 });
    for (let i = 1; i <= 1000; i += 1) buffer.push({ id: i, data: String(i) }, String(i), 1);
    expect(ids(buffer.since('993'))).toEqual([994, 995, 996, 997, 998, 999, 1000]);
    expect(buffer.since('992')).toBeNull();
  });
});
