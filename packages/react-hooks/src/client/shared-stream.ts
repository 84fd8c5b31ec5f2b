import type { ResumableError } from '@resumable/protocol';
import type { ConnectionStatus, EventStream } from './event-stream';

/** State that changes over time, readable with `useSyncExternalStore` or by hand. */
export interface Subscribable<TState> {
  /** The current state; a new object after every change. */
  getState(): TState;
  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

/**
 * State fed by one connection shared by every subscriber: the connection opens with
 * the first subscriber and closes after the last one leaves. Closing waits one
 * macrotask, so an unsubscribe followed at once by a subscribe (React StrictMode's
 * double mount, a remount) keeps the connection.
 */
export function sharedStream<TState>(initial: TState, open: () => EventStream, release: () => void) {
  let state = initial;
  let stream: EventStream | undefined;
  let closing: ReturnType<typeof setTimeout> | undefined;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    set(patch: Partial<TState>) {
      state = { ...state, ...patch };
      listeners.forEach((listener) => listener());
    },
    subscribe(listener: () => void) {
      listeners.add(listener);
      clearTimeout(closing);
      stream ??= open();
      return () => {
        if (!listeners.delete(listener) || listeners.size) return;
        closing = setTimeout(() => {
          if (listeners.size) return;
          stream?.stop();
          stream = undefined;
          release();
        });
      };
    },
  };
}

/** The state patch for a connection status: connection errors clear once open again. */
export const statusPatch = (status: ConnectionStatus, error?: ResumableError) => ({
  status,
  isConnected: status === 'open',
  ...(error || status === 'open' ? { error } : {}),
});

/** Instances shared by key: created on first `get`, forgotten when they release themselves. */
export interface SharedRegistry<T> {
  get(key: string): T;
  /** The instance if one exists; never creates (safe during render). */
  peek(key: string): T | undefined;
}

/**
 * One instance per key, created on first use and forgotten on `release`.
 *
 * @example
 * const things = sharedRegistry((key, release) => createThing(key, release));
 * things.get('a') === things.get('a'); // true
 */
export function sharedRegistry<T>(create: (key: string, release: () => void) => T): SharedRegistry<T> {
  const entries = new Map<string, T>();
  return {
    get(key) {
      let entry = entries.get(key);
      if (!entry) {
        const created = create(key, () => entries.get(key) === created && entries.delete(key));
        entries.set(key, (entry = created));
      }
      return entry;
    },
    peek: (key) => entries.get(key),
  };
}

/** `current` with every option `next` sets (undefined leaves a value as it was). */
export function mergeOptions<T extends object>(current: T, next: T): T {
  const merged = { ...current } as Record<string, unknown>;
  for (const [key, value] of Object.entries(next)) if (value !== undefined) merged[key] = value;
  return merged as T;
}
