import { ResumableError } from '@resumable/protocol';

/** What the limit needs from an open stream: a close hook, and a way to cut it. */
export interface EvictableConnection {
  onClose(listener: () => void): unknown;
  close(reason: 'evicted'): void;
}

/** One admitted stream: bind its connection once it is open; it releases itself on close. */
export interface TokenStream {
  /** Binds the open connection. A stream evicted before it was bound is closed at once. */
  bind(connection: EvictableConnection): void;
}

const UNCOUNTED: TokenStream = { bind: () => undefined };

class Slot implements TokenStream {
  connection: EvictableConnection | undefined;
  evicted = false;

  constructor(private readonly release: (slot: Slot) => void) {}

  bind(connection: EvictableConnection): void {
    this.connection = connection;
    connection.onClose(() => this.release(this));
    if (this.evicted) connection.close('evicted');
  }

  evict(): void {
    this.evicted = true;
    this.connection?.close('evicted');
  }
}

/**
 * Caps the open streams of each token by closing the token's oldest stream when a
 * new one would exceed the cap, instead of refusing the new one.
 *
 * Why: a client that vanished without closing its socket (mobile hand-over, dropped
 * Wi-Fi) leaves a stream that still looks open for minutes. Refusing newcomers would
 * let a handful of such drops lock the user out until the workflow ends; the newest
 * stream is almost always the one a person is looking at. An evicted client that is
 * still alive reconnects and resumes by Last-Event-ID, so it loses nothing.
 */
export class TokenStreamLimiter {
  /** Per token, its streams oldest first (a Set keeps insertion order). */
  readonly #streams = new Map<string, Set<Slot>>();
  readonly #max: number;

  constructor(maxPerToken: number) {
    if (!Number.isSafeInteger(maxPerToken) || maxPerToken < 1) {
      throw new ResumableError(
        'INVALID_PARAMETER',
        `limits.maxStreamsPerToken must be a positive integer, got ${maxPerToken}`,
      );
    }
    this.#max = maxPerToken;
  }

  /** Admits a new stream of `token`, evicting the token's oldest ones beyond the cap. `''` (auth off) is not counted. */
  admit(token: string): TokenStream {
    if (token === '') return UNCOUNTED;
    let slots = this.#streams.get(token);
    if (slots === undefined) {
      slots = new Set();
      this.#streams.set(token, slots);
    }
    for (const oldest of slots) {
      if (slots.size < this.#max) break;
      slots.delete(oldest);
      oldest.evict();
    }
    const slot = new Slot((done) => this.#release(token, done));
    slots.add(slot);
    return slot;
  }

  /** Open (or admitted, not yet bound) streams of `token`. */
  count(token: string): number {
    return this.#streams.get(token)?.size ?? 0;
  }

  #release(token: string, slot: Slot): void {
    const slots = this.#streams.get(token);
    if (slots?.delete(slot) && slots.size === 0) this.#streams.delete(token);
  }
}
