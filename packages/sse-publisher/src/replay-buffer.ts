import type { SseEvent } from '@resumable/protocol';

/**
 * Bounds of a channel's replay buffer.
 *
 * @example
 * createSsePublisher({ replay: { maxEvents: 1000, maxBytes: 2 * 1024 * 1024 } });
 */
export interface ReplayLimits {
  /** Most events kept (0 disables replay). */
  maxEvents: number;
  /** Most bytes kept, counted as the encoded SSE frames. */
  maxBytes: number;
}

interface Entry {
  id: string;
  event: SseEvent;
  bytes: number;
}

const INTEGER = /^\d{1,15}$/;

function integerOf(id: string | null): number | null {
  return id !== null && INTEGER.test(id) ? Number(id) : null;
}

/**
 * A ring buffer of a channel's most recent events that carry an id, bounded by
 * count and by bytes. It answers "what came after id X?", or says it no longer
 * reaches back that far (so the caller goes to the durable log instead).
 */
export class ReplayBuffer {
  readonly #limits: ReplayLimits;
  #ring: (Entry | undefined)[] = [];
  #head = 0;
  #count = 0;
  #bytes = 0;
  /** Id of the newest entry ever evicted: the buffer reaches back exactly to it. */
  #evictedId: string | null = null;
  #lastId: string | null = null;

  constructor(limits: ReplayLimits) {
    this.#limits = limits;
  }

  get size(): number {
    return this.#count;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Id of the newest event recorded, even if it has since been evicted. */
  get lastId(): string | null {
    return this.#lastId;
  }

  push(event: SseEvent, id: string, bytes: number): void {
    this.#lastId = id;
    if (this.#limits.maxEvents <= 0) {
      this.#evictedId = id;
      return;
    }
    // Events are kept as plain copies: a caller mutating its object later must not rewrite history.
    const entry: Entry = { id, event: copyEvent(event), bytes };
    const capacity = this.#limits.maxEvents;
    if (this.#count === capacity) this.#evictOldest();
    const slot = (this.#head + this.#count) % capacity;
    this.#ring[slot] = entry;
    this.#count += 1;
    this.#bytes += bytes;
    while (this.#bytes > this.#limits.maxBytes && this.#count > 0) this.#evictOldest();
  }

  /**
   * Events after `id`, oldest first; `null` when the buffer cannot prove it holds
   * everything after `id` (the caller must read the durable log).
   */
  since(id: string): SseEvent[] | null {
    for (let i = this.#count - 1; i >= 0; i -= 1) {
      if (this.#at(i).id === id) return this.#slice(i + 1);
    }
    if (id === this.#evictedId) return this.#slice(0);
    const wanted = integerOf(id);
    if (wanted === null) return null;
    if (this.#count === 0) {
      // Nothing held: only a client already at (or past) the newest id is complete.
      const last = integerOf(this.#lastId);
      return last !== null && wanted >= last ? [] : null;
    }
    const first = integerOf(this.#at(0).id);
    // With increasing integer ids, nothing can fall between first - 1 and first;
    // further back, events may have been evicted or published before this buffer existed.
    if (first === null || wanted < first - 1) return null;
    const out: SseEvent[] = [];
    for (let i = 0; i < this.#count; i += 1) {
      const entry = this.#at(i);
      const n = integerOf(entry.id);
      if (n !== null && n > wanted) out.push(copyEvent(entry.event));
    }
    return out;
  }

  clear(): void {
    this.#ring = [];
    this.#head = 0;
    this.#count = 0;
    this.#bytes = 0;
  }

  #at(index: number): Entry {
    return this.#ring[(this.#head + index) % this.#limits.maxEvents] as Entry;
  }

  #slice(from: number): SseEvent[] {
    const out: SseEvent[] = [];
    for (let i = from; i < this.#count; i += 1) out.push(copyEvent(this.#at(i).event));
    return out;
  }

  #evictOldest(): void {
    const entry = this.#at(0);
    this.#ring[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#limits.maxEvents;
    this.#count -= 1;
    this.#bytes -= entry.bytes;
    this.#evictedId = entry.id;
  }
}

function copyEvent(event: SseEvent): SseEvent {
  const copy: SseEvent = { data: event.data };
  if (event.id !== undefined) copy.id = event.id;
  if (event.event !== undefined) copy.event = event.event;
  if (event.retry !== undefined) copy.retry = event.retry;
  return copy;
}
