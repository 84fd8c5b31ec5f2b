/**
 * What one client received, checked against what the workflow emitted: each update
 * must arrive exactly once, in order, with the content the workflow gave it, under
 * the event name and id the server sends, and nothing else may arrive.
 */
import { isDeepStrictEqual } from 'node:util';
import { expectedData, isHeavyTask, SOAK_TYPE } from './content';

/** The events a task stream sends; any other name is forged. */
const KNOWN_EVENTS = new Set(['connected', 'update', 'status', 'end']);

export interface LedgerCounts {
  lost: number;
  duplicated: number;
  reordered: number;
  /** Events or ids the server never sends (an injected `event:`, a wrong `id:`). */
  forged: number;
  /** An update whose content is not what the workflow emitted at that sequence. */
  wrong: number;
}

export class Ledger {
  readonly #seen = new Set<number>();
  #highest = 0;
  readonly counts: Omit<LedgerCounts, 'lost'> = { duplicated: 0, reordered: 0, forged: 0, wrong: 0 };
  /** Delivery times of updates, ms since the epoch, in arrival order. */
  readonly deliveries: number[] = [];
  ended = false;
  readonly problems: string[] = [];
  readonly #heavy: boolean;

  constructor(
    readonly task: string,
    readonly total: number,
  ) {
    this.#heavy = isHeavyTask(task);
  }

  /** The resume point: the highest sequence received (updates arrive in order when all is well). */
  get lastSequence(): number {
    return this.#highest;
  }

  get complete(): boolean {
    return this.ended && this.#seen.size === this.total;
  }

  /** One event as received, at `at` (ms since the epoch; now by default). */
  event(name: string, data: string, id: string | undefined, at = Date.now()): void {
    if (!KNOWN_EVENTS.has(name)) return this.#problem('forged', `event "${name.slice(0, 40)}"`);
    if (name === 'end') {
      this.ended = true;
      return;
    }
    if (name === 'status') return this.#status(data, id);
    if (name !== 'update') return;
    let update: { sequence?: unknown; type?: unknown; data?: unknown };
    try {
      update = JSON.parse(data) as typeof update;
    } catch {
      return this.#problem('wrong', `update data is not JSON (${data.slice(0, 40)})`);
    }
    const sequence = update.sequence;
    if (typeof sequence !== 'number' || !Number.isInteger(sequence) || sequence < 1 || sequence > this.total) {
      return this.#problem('forged', `sequence ${String(sequence)}`);
    }
    if (id !== String(sequence)) this.#problem('forged', `id "${id}" on update ${sequence}`);
    if (update.type !== SOAK_TYPE || !isDeepStrictEqual(update.data, expectedData(this.task, sequence, this.#heavy))) {
      this.#problem('wrong', `update ${sequence} (${String(update.type)})`);
    }
    if (this.#seen.has(sequence)) return this.#problem('duplicated', `update ${sequence}`);
    if (sequence < this.#highest) this.#problem('reordered', `update ${sequence} after ${this.#highest}`);
    this.#seen.add(sequence);
    this.#highest = Math.max(this.#highest, sequence);
    this.deliveries.push(at);
  }

  result(): LedgerCounts {
    return { lost: this.total - this.#seen.size, ...this.counts };
  }

  /** A problem seen outside one event (e.g. a rendered list that changed). */
  flag(kind: keyof Omit<LedgerCounts, 'lost'>, detail: string): void {
    this.#problem(kind, detail);
  }

  /** A status change: no id, a status, and never ahead of the updates this client has. */
  #status(data: string, id: string | undefined): void {
    let status: { status?: unknown; lastSequence?: unknown };
    try {
      status = JSON.parse(data) as typeof status;
    } catch {
      return this.#problem('wrong', `status data is not JSON (${data.slice(0, 40)})`);
    }
    if (id !== undefined) this.#problem('forged', `id "${id}" on a status event`);
    if (typeof status.status !== 'string' || typeof status.lastSequence !== 'number') {
      return this.#problem('wrong', `status event ${data.slice(0, 60)}`);
    }
    if (status.lastSequence > this.#highest) {
      this.#problem('reordered', `status at ${status.lastSequence} before update ${status.lastSequence}`);
    }
  }

  #problem(kind: keyof Omit<LedgerCounts, 'lost'>, detail: string): void {
    this.counts[kind]++;
    if (this.problems.length < 10) this.problems.push(`${kind}: ${detail}`);
  }
}
