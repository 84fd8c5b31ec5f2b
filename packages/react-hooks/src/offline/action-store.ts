import type { QueuedAction } from './action-queue';

/**
 * Where queued actions wait: IndexedDB in browsers (they survive a reload or a closed
 * tab), memory elsewhere. Entries are kept without their `error`; the queue owns order.
 *
 * @example
 * const store: ActionStore = memoryActionStore();
 * await store.put(entry);
 */
export interface ActionStore {
  /** Which kind of store this is, for people (`'indexeddb'` or `'memory'`). */
  readonly kind: 'indexeddb' | 'memory';
  /** Every entry of `scope`, in no particular order. */
  load(scope: string): Promise<QueuedAction[]>;
  /** Adds or replaces an entry (by key). */
  put(scope: string, entry: QueuedAction): Promise<void>;
  /** Removes an entry. */
  delete(key: string): Promise<void>;
}

const DB_NAME = 'resumable-actions';
const STORE = 'actions';

type Stored = QueuedAction & { scope: string };

/**
 * A store that forgets everything with the page (tests, server rendering, browsers
 * without IndexedDB).
 *
 * @example
 * const queue = createActionQueue({ apiBaseUrl: '/api', store: memoryActionStore() });
 */
export function memoryActionStore(): ActionStore {
  const entries = new Map<string, Stored>();
  return {
    kind: 'memory',
    load: async (scope) => [...entries.values()].filter((entry) => entry.scope === scope),
    put: async (scope, entry) => void entries.set(entry.key, { ...entry, scope }),
    delete: async (key) => void entries.delete(key),
  };
}

/** An IDBRequest as a promise. */
const done = <T>(request: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

/**
 * The IndexedDB store (database `resumable-actions`), or the memory store where
 * `indexedDB` is missing or cannot be opened (some private modes refuse it).
 *
 * @example
 * const store = defaultActionStore(); // store.kind === 'indexeddb' in a browser
 */
export function defaultActionStore(): ActionStore {
  if (typeof indexedDB === 'undefined') return memoryActionStore();
  let opened: Promise<IDBDatabase> | undefined;
  const fallback = memoryActionStore();
  const db = () =>
    (opened ??= (() => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'key' });
      return done(request);
    })());
  // One transaction per call; an unusable database degrades to memory, not to errors.
  const run = async <T>(
    mode: IDBTransactionMode,
    fn: (store: IDBObjectStore) => IDBRequest,
    or: () => Promise<T>,
  ): Promise<T> => {
    try {
      return (await done(fn((await db()).transaction(STORE, mode).objectStore(STORE)))) as T;
    } catch {
      return or();
    }
  };
  return {
    kind: 'indexeddb',
    load: async (scope) =>
      (
        await run(
          'readonly',
          (store) => store.getAll() as IDBRequest<Stored[]>,
          async () => [] as Stored[],
        )
      )
        .filter((entry) => entry.scope === scope)
        .concat((await fallback.load(scope)) as Stored[]),
    put: (scope, entry) =>
      run(
        'readwrite',
        (store) => store.put({ ...entry, error: undefined, scope }),
        () => fallback.put(scope, entry),
      ).then(() => undefined),
    delete: (key) =>
      run(
        'readwrite',
        (store) => store.delete(key),
        () => fallback.delete(key),
      ).then(() => undefined),
  };
}
