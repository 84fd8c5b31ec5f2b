/**
 * Anything with a sequence number.
 *
 * @example
 * const sequencer = new Sequencer<Sequenced & { text: string }>();
 * sequencer.accept({ sequence: 1, text: 'hello' });
 */
export interface Sequenced {
  /** 1, 2, 3, … without holes. */
  sequence: number;
  /**
   * Set on a range rather than one update: the item stands for `from` … `sequence`
   * (e.g. a `skipped` event of a stream filtered by type). Absent: just `sequence`.
   */
  from?: number;
}

/**
 * Turns updates that arrive in any order, possibly twice, into one ordered run
 * without holes. A duplicate (≤ the last accepted) is dropped; an update past a gap
 * is held back until the gap is filled, so nothing later is applied first.
 *
 * @example
 * const seq = new Sequencer();
 * seq.accept({ sequence: 1 }); // [1]
 * seq.accept({ sequence: 3 }); // [] — held: 2 is missing (seq.hasGap === true)
 * seq.accept({ sequence: 2 }); // [2, 3]
 * seq.accept({ from: 4, sequence: 6 }); // [{ from: 4, sequence: 6 }] — a range: head is 6
 */
export class Sequencer<T extends Sequenced = Sequenced> {
  /** The highest sequence accepted so far; everything up to it is contiguous. */
  head: number;
  readonly #held = new Map<number, T>();

  constructor(head = 0) {
    this.head = head;
  }

  /** True while an update is held back waiting for a missing one. */
  get hasGap(): boolean {
    return this.#held.size > 0;
  }

  /** Accepts one update (or range); returns the items now ready to apply, in order. */
  accept(update: T): T[] {
    const { sequence, from = sequence } = update;
    if (sequence <= this.head) return [];
    if (from > this.head + 1) {
      this.#held.set(from, update);
      return [];
    }
    const ready = [update];
    this.head = sequence;
    for (let next = this.#held.get(this.head + 1); next; next = this.#held.get(this.head + 1)) {
      this.#held.delete(this.head + 1);
      ready.push(next);
      this.head = next.sequence;
    }
    // A range may have covered something held (ranges of a repeated recovery overlap).
    for (const [at, held] of this.#held) if (held.sequence <= this.head) this.#held.delete(at);
    return ready;
  }
}
