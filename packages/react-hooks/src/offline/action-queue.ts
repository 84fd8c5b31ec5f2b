import { ACTION_KEY_HEADER, type ActionKind } from '@resumable/protocol';
import {
  ClientError,
  Subscribable,
  backoffDelay,
  createTokenSource,
  type BackoffOptions,
  type RefreshToken,
  type TokenSource,
} from '../client/index';
import { defaultActionStore, type ActionStore } from './action-store';

/**
 * Where a queued action stands: `queued` waits for the network (or its next retry),
 * `sending` is on the wire, `failed` got an answer that will not change by retrying
 * (a 4xx such as `NOT_PAUSED` or `FORBIDDEN`; see `error`). Sent actions leave the queue.
 *
 * @example
 * const waiting = entries.filter((entry) => entry.state !== 'failed');
 */
export type QueuedActionState = 'queued' | 'sending' | 'failed';

/**
 * One resume, cancel or trigger, with the idempotency key it is sent with every time.
 *
 * @example
 * const entry: QueuedAction = queue.getState().entries[0]!;
 * console.log(`${entry.action} ${entry.taskId ?? entry.event}: ${entry.state}`);
 */
export interface QueuedAction {
  /** Made once (a UUID) and sent as the `Idempotency-Key` header on every attempt. */
  key: string;
  /** Which action. */
  action: ActionKind;
  /** The execution a resume or cancel is for. */
  taskId?: string;
  /** The event a trigger names. */
  event?: string;
  /** The JSON body sent. */
  body: Record<string, unknown>;
  /** Where it stands. */
  state: QueuedActionState;
  /** When it was asked for, ms since the epoch. */
  queuedAt: number;
  /** Sends tried so far. */
  attempts: number;
  /** Why it failed (`failed`), or why the last attempt did not get through (`queued`). */
  error?: ClientError;
}

/**
 * The queue's state: every action not yet sent, oldest first, and failed ones until
 * dismissed.
 *
 * @example
 * const { entries, storage } = queue.getState();
 */
export interface ActionQueueState {
  /** Queued, sending and failed actions, in the order they were asked for. */
  entries: QueuedAction[];
  /** Where queued actions are kept. */
  storage: ActionStore['kind'];
}

/**
 * How an action call ended for now: `sent` (the server accepted it) or `queued` (no
 * network: it goes when the browser is back online). An HTTP error rejects instead.
 *
 * @example
 * const { state } = await queue.resume('order-7', { approved: true });
 * if (state === 'queued') toast('Saved; it will be sent when you are back online');
 */
export interface ActionResult {
  /** The action's idempotency key. */
  key: string;
  /** `sent` or `queued`. */
  state: 'sent' | 'queued';
  /** The server's answer, when sent. */
  answer?: unknown;
}

/**
 * Options of `createActionQueue`.
 *
 * @example
 * const options: ActionQueueOptions = { apiBaseUrl: '/api', refreshToken, retry: { maxDelayMs: 10_000 } };
 */
export interface ActionQueueOptions {
  /** Where the Resumable endpoints are mounted. Default `/api`. */
  apiBaseUrl?: string;
  /** Returns a fresh token; omit only when the server runs without auth. */
  refreshToken?: RefreshToken;
  /** The `fetch` to use. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Where queued actions wait. Default: IndexedDB when the browser has it, else memory. */
  store?: ActionStore;
  /** Delays between retries after a network failure (the `online` event skips the wait). Default 1 s growing to 30 s. */
  retry?: BackoffOptions;
}

/** A UUID where the page is a secure context, else 32 random hex digits (still a valid key). */
const newKey = () =>
  typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');

/** A 5xx, a 429 or no answer at all may work later; any other answer will not. */
const retryable = (error: ClientError) =>
  error.status === undefined || error.status >= 500 || error.status === 429 || error.code === 'NETWORK_ERROR';

/**
 * Resume, cancel and trigger that survive a lost network. Each action gets an
 * idempotency key; when the browser is offline or `fetch` throws, it waits in the
 * store (IndexedDB where available) and is sent again, in order, when the browser is
 * back online or after a backoff. The server passes the key to the workflow, which
 * applies it once, so a repeat (a lost answer, two tabs replaying) changes nothing.
 * An HTTP error is final: the action is marked `failed` with the server's error.
 *
 * ```
 *   action ─► queued ─► sending ─► sent (leaves the queue)
 *               ▲          │
 *               └─ network error (backoff, `online`)
 *                          └─► 4xx ─► failed (until dismissed)
 * ```
 *
 * @example
 * const queue = createActionQueue({ apiBaseUrl: '/api', refreshToken });
 * await queue.resume('order-7', { approved: true });
 * queue.subscribe(() => render(queue.getState().entries));
 */
export class ActionQueue extends Subscribable<ActionQueueState> {
  readonly #store: ActionStore;
  readonly #tokens: TokenSource | undefined;
  readonly #waiters = new Map<string, { resolve(result: ActionResult): void; reject(error: ClientError): void }>();
  #started: Promise<void> | undefined;
  #flushing = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;
  readonly #online = () => void this.flush();

  /** @internal Use `createActionQueue`. */
  constructor(
    /** The options it was created with. */
    readonly options: ActionQueueOptions = {},
  ) {
    const store = options.store ?? defaultActionStore();
    super({ entries: [], storage: store.kind });
    this.#store = store;
    this.#tokens = options.refreshToken && createTokenSource(options.refreshToken);
  }

  /** Resumes a paused execution with `payload` (`POST …/workflow/executions/:id/resume`). */
  resume(executionId: string, payload?: unknown): Promise<ActionResult> {
    return this.#add({ action: 'resume', taskId: executionId, body: { payload } });
  }

  /** Cancels a paused execution (`POST …/workflow/executions/:id/cancel`). */
  cancel(executionId: string, reason?: string): Promise<ActionResult> {
    return this.#add({ action: 'cancel', taskId: executionId, body: reason === undefined ? {} : { reason } });
  }

  /** Sends an external event to every execution waiting for it (`POST …/workflow/triggers`). */
  trigger(event: string, options: { payload?: unknown; correlation?: string } = {}): Promise<ActionResult> {
    return this.#add({ action: 'trigger', event, body: { ...options, event } });
  }

  /** Forgets a failed action (a queued one too: it will then never be sent). */
  async dismiss(key: string): Promise<void> {
    await this.#store.delete(key);
    this.#entries(this.getState().entries.filter((entry) => entry.key !== key));
  }

  /**
   * Sends queued actions now, in order; stops at the first that cannot get through
   * (also runs on `online` and after each backoff). `navigator.onLine` never stops a
   * try: it is often wrong (VPNs, loopback-only machines).
   */
  async flush(): Promise<void> {
    await this.#start();
    if (this.#flushing) return;
    this.#flushing = true;
    clearTimeout(this.#timer);
    let stopped = false;
    try {
      for (let next; (next = this.getState().entries.find((entry) => entry.state === 'queued'));) {
        if (!(await this.#send(next))) {
          stopped = true;
          break;
        }
      }
    } finally {
      this.#flushing = false;
      // The queue waits for the network: calls behind the stop are answered as queued.
      if (stopped) {
        for (const [key, waiter] of this.#waiters) {
          this.#waiters.delete(key);
          waiter.resolve({ key, state: 'queued' });
        }
      }
    }
  }

  /** Stops listening for `online` and stops retrying (queued actions stay in the store). */
  close(): void {
    clearTimeout(this.#timer);
    if (typeof window !== 'undefined') window.removeEventListener('online', this.#online);
  }

  protected onSubscribe(): void {
    void this.#start();
  }

  protected onUnsubscribe(): void {
    // Queued actions still go when the network is back, whoever watches.
  }

  /** Loads what an earlier page left queued and listens for `online`, once, lazily (no work at import or on the server). */
  #start(): Promise<void> {
    return (this.#started ??= (async () => {
      if (typeof window !== 'undefined') window.addEventListener('online', this.#online);
      const stored = (await this.#store.load(this.#scope())).map((entry) => ({ ...entry, state: 'queued' as const }));
      const known = new Set(this.getState().entries.map((entry) => entry.key));
      const entries = [...stored.filter((entry) => !known.has(entry.key)), ...this.getState().entries];
      this.#entries(entries.sort((a, b) => a.queuedAt - b.queuedAt));
      if (stored.length) void this.flush();
    })());
  }

  async #add(action: Pick<QueuedAction, 'action' | 'taskId' | 'event' | 'body'>): Promise<ActionResult> {
    await this.#start();
    const entry: QueuedAction = { key: newKey(), ...action, state: 'queued', queuedAt: Date.now(), attempts: 0 };
    const result = new Promise<ActionResult>((resolve, reject) => this.#waiters.set(entry.key, { resolve, reject }));
    this.#entries([...this.getState().entries, entry]);
    // Kept before the first try: a tab closed mid-request still has it.
    await this.#store.put(this.#scope(), entry);
    void this.flush();
    return result;
  }

  /** One attempt; false when the queue must wait (no network). */
  async #send(entry: QueuedAction): Promise<boolean> {
    this.#patch(entry.key, { state: 'sending', attempts: entry.attempts + 1 });
    const waiter = this.#waiters.get(entry.key);
    this.#waiters.delete(entry.key);
    try {
      const answer = await this.#post(entry);
      this.#failures = 0;
      await this.#store.delete(entry.key);
      this.#entries(this.getState().entries.filter((other) => other.key !== entry.key));
      waiter?.resolve({ key: entry.key, state: 'sent', answer });
      return true;
    } catch (thrown) {
      const error = ClientError.from(thrown);
      if (retryable(error)) {
        this.#patch(entry.key, { state: 'queued', error });
        waiter?.resolve({ key: entry.key, state: 'queued' });
        clearTimeout(this.#timer);
        this.#timer = setTimeout(
          () => void this.flush(),
          backoffDelay(this.#failures++, { initialDelayMs: 1_000, ...this.options.retry }),
        );
        return false;
      }
      this.#patch(entry.key, { state: 'failed', error });
      await this.#store.delete(entry.key);
      waiter?.reject(error);
      return true;
    }
  }

  async #post(entry: QueuedAction): Promise<unknown> {
    const base = (this.options.apiBaseUrl ?? '/api').replace(/\/+$/, '');
    const url =
      entry.action === 'trigger'
        ? `${base}/workflow/triggers`
        : `${base}/workflow/executions/${encodeURIComponent(entry.taskId ?? '')}/${entry.action}`;
    for (let retried = false; ; retried = true) {
      const headers: Record<string, string> = {
        Accept: 'application/json',
        'Content-Type': 'application/json',
        [ACTION_KEY_HEADER]: entry.key,
      };
      // A token that cannot be had now (its route unreachable) is a network problem; a refusal is not.
      if (this.#tokens) headers.Authorization = `Bearer ${await this.#tokens.get()}`;
      let response: Response;
      try {
        response = await (this.options.fetch ?? fetch)(url, {
          method: 'POST',
          headers,
          body: JSON.stringify(entry.body),
        });
      } catch (cause) {
        throw new ClientError('NETWORK_ERROR', 'Could not reach the server', { cause });
      }
      if (response.status === 401 && this.#tokens && !retried) {
        this.#tokens.invalidate();
        continue;
      }
      const body = await response.json().catch(() => undefined);
      if (response.ok) return body;
      const error = body?.error;
      throw new ClientError(
        typeof error?.code === 'string' ? error.code : 'INTERNAL',
        error?.message ?? `HTTP ${response.status}`,
        {
          status: response.status,
          details: error?.details,
        },
      );
    }
  }

  #scope(): string {
    return this.options.apiBaseUrl ?? '/api';
  }

  #patch(key: string, patch: Partial<QueuedAction>): void {
    this.#entries(this.getState().entries.map((entry) => (entry.key === key ? { ...entry, ...patch } : entry)));
  }

  #entries(entries: QueuedAction[]): void {
    this.setState({ entries });
  }
}

/**
 * A queue for resume, cancel and trigger that works offline (see `ActionQueue`).
 * Create one per `apiBaseUrl` and share it; it does nothing until first used, so
 * creating it at module level is safe during server rendering.
 *
 * @example
 * export const actions = createActionQueue({ apiBaseUrl: '/api', refreshToken: getToken });
 * // later, in a click handler:
 * const { state } = await actions.resume(executionId, { approved: true });
 */
export function createActionQueue(options: ActionQueueOptions = {}): ActionQueue {
  return new ActionQueue(options);
}
