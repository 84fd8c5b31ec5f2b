import type { ClientError } from './errors';
import type { ConnectionStatus } from './event-stream';

/** The state patch for a connection status: connection errors clear once open again. */
export const statusPatch = (status: ConnectionStatus, error?: ClientError) => ({
  status,
  isConnected: status === 'open',
  ...(error || status === 'open' ? { error } : {}),
});

/** `apiBaseUrl` without a trailing slash; `/api` by default. */
export const apiBase = (options: { apiBaseUrl?: string | undefined }) =>
  (options.apiBaseUrl ?? '/api').replace(/\/+$/, '');

/**
 * Shared instances by key: `get` creates on first use, `peek` never creates (safe during render).
 *
 * @example
 * const paused: SharedRegistry<PausedWorkflowsOptions, PausedWorkflowsSubscription> = {
 *   get: getPausedWorkflowsSubscription,
 *   peek: peekPausedWorkflowsSubscription,
 * };
 */
export interface SharedRegistry<TOptions, T> {
  /** The instance for these options' key, created on first use (the options replace the earlier ones). */
  get(options: TOptions): T;
  /** The instance for these options' key, if there is one; never creates. */
  peek(options: TOptions): T | undefined;
}

/**
 * One instance per key, forgotten when it releases itself. Every `get` replaces the
 * options the caller sets (undefined leaves a value as it was), so the newest
 * callbacks win.
 *
 * @example
 * const things = sharedRegistry((o: { id: string }) => o.id, (options, release) => ({ options }));
 * things.get({ id: 'a' }) === things.get({ id: 'a' }); // true
 */
export function sharedRegistry<TOptions extends object, T extends { options: TOptions }>(
  key: (options: TOptions) => string,
  create: (options: TOptions, release: () => void) => T,
): SharedRegistry<TOptions, T> {
  const entries = new Map<string, T>();
  return {
    get(options) {
      const name = key(options);
      let entry = entries.get(name);
      if (entry) {
        const merged = { ...entry.options };
        for (const option in options) if (options[option] !== undefined) merged[option] = options[option];
        entry.options = merged;
      } else {
        const created = create(options, () => entries.get(name) === created && entries.delete(name));
        entries.set(name, (entry = created));
      }
      return entry;
    },
    peek: (options) => entries.get(key(options)),
  };
}
