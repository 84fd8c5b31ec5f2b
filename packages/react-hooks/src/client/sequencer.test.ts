import { describe, expect, it } from 'vitest';
import { Sequencer } from './sequencer';

const seqs = (list: { sequence: number }[]) => list.map((u) => u.sequence);
const u = (sequence: number) => ({ sequence });

describe('Sequencer', () => {
  it('passes contiguous updates straight through', () => {
    const s = new Sequencer();
    expect([1, 2, 3].flatMap((n) => seqs(s.accept(u(n))))).toEqual([1, 2, 3]);
    expect(s.head).toBe(3);
    expect(s.hasGap).toBe(false);
  });

  it('drops duplicates and anything at or below the head', () => {
    const s = new Sequencer(5);
    expect(s.accept(u(5))).toEqual([]);
    expect(s.accept(u(2))).toEqual([]);
    expect(seqs(s.accept(u(6)))).toEqual([6]);
    expect(s.accept(u(6))).toEqual([]);
  });

  it('holds updates past a gap until it is filled, then releases them in order', () => {
    const s = new Sequencer();
    expect(seqs(s.accept(u(1)))).toEqual([1]);
    expect(s.accept(u(4))).toEqual([]);
    expect(s.accept(u(3))).toEqual([]);
    expect(s.accept(u(4))).toEqual([]); // a duplicate of a held one
    expect(s.hasGap).toBe(true);
    expect(s.head).toBe(1);
    expect(seqs(s.accept(u(2)))).toEqual([2, 3, 4]);
    expect(s.hasGap).toBe(false);
    expect(s.head).toBe(4);
  });

  it('releases only the contiguous part when two gaps are open', () => {
    const s = new Sequencer();
    s.accept(u(3));
    s.accept(u(6));
    expect(seqs(s.accept(u(1)))).toEqual([1]);
    expect(seqs(s.accept(u(2)))).toEqual([2, 3]);
    expect(s.hasGap).toBe(true);
    expect(seqs([4, 5].flatMap((n) => s.accept(u(n))))).toEqual([4, 5, 6]);
  });

  it('ends exactly 1..N, once each, for any arrival order with duplicates', () => {
    const n = 200;
    const arrivals = [
      ...Array.from({ length: n }, (_, i) => i + 1),
      ...Array.from({ length: 80 }, (_, i) => ((i * 7) % n) + 1),
    ];
    // A deterministic shuffle.
    let seed = 42;
    for (let i = arrivals.length - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const j = seed % (i + 1);
      [arrivals[i], arrivals[j]] = [arrivals[j] as number, arrivals[i] as number];
    }
    const s = new Sequencer();
    const out = arrivals.flatMap((x) => seqs(s.accept(u(x))));
    expect(out).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  });

  it("takes ranges (a filtered stream's skipped sequences) like updates, holding them past a gap", () => {
    const s = new Sequencer<{ sequence: number; from?: number }>();
    expect(seqs(s.accept(u(1)))).toEqual([1]);
    // 5 … 7 skipped, then 8: both wait for 2 … 4.
    expect(s.accept({ from: 5, sequence: 7 })).toEqual([]);
    expect(s.accept(u(8))).toEqual([]);
    expect(s.hasGap).toBe(true);
    expect(s.accept({ from: 2, sequence: 3 })).toEqual([{ from: 2, sequence: 3 }]);
    expect(s.head).toBe(3);
    expect(s.accept(u(4))).toEqual([u(4), { from: 5, sequence: 7 }, u(8)]);
    expect(s.head).toBe(8);
    expect(s.hasGap).toBe(false);
    // A range reaching past the head counts from the head; one below it is a duplicate.
    expect(s.accept({ from: 7, sequence: 9 })).toEqual([{ from: 7, sequence: 9 }]);
    expect(s.accept({ from: 3, sequence: 9 })).toEqual([]);
    expect(s.head).toBe(9);
  });

  it('forgets what a wider range covered, so no gap is left behind', () => {
    const s = new Sequencer<{ sequence: number; from?: number }>();
    expect(s.accept({ from: 3, sequence: 4 })).toEqual([]);
    expect(s.accept(u(6))).toEqual([]);
    expect(seqs(s.accept({ from: 1, sequence: 5 }))).toEqual([5, 6]);
    expect(s.hasGap).toBe(false);
    expect(s.head).toBe(6);
  });
});
