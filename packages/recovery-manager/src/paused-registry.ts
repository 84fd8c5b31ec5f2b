import { ResumableError, type PausedWorkflow } from '@resumable/protocol';
import { parsePausedWorkflow, samePause } from './paused-workflow';

/**
 * Why an execution left the paused list. `gone`: Temporal no longer reports it paused (found by recovery).
 *
 * @example
 * const cause: PauseRemovalCause = 'resumed';
 * registry.remove('order-7', cause);
 */
export type PauseRemovalCause = 'resumed' | 'cancelled' | 'timedOut' | 'closed' | 'gone';

/**
 * One change to the paused list. `cursor` increases by exactly one per change, so a
 * consumer that holds a snapshot at cursor N needs exactly the changes with cursor > N.
 *
 * @example
 * registry.subscribe((change: PausedChange) => {
 *   if (change.kind === 'removed') console.log(change.pause.executionId, change.cause);
 * });
 */
export type PausedChange<TVariables = Record<string, unknown>> =
  | {
      /** This change's position in the feed (one more than the change before). */
      cursor: number;
      /** A new pause. */
      kind: 'added';
      /** The pause added. */
      pause: PausedWorkflow<TVariables>;
    }
  | {
      /** This change's position in the feed (one more than the change before). */
      cursor: number;
      /** An execution's pause replaced by another. */
      kind: 'updated';
      /** The pause now held. */
      pause: PausedWorkflow<TVariables>;
      /** The pause it replaced. */
      previous: PausedWorkflow<TVariables>;
    }
  | {
      /** This change's position in the feed (one more than the change before). */
      cursor: number;
      /** An execution left the list. */
      kind: 'removed';
      /** The pause it held until then. */
      pause: PausedWorkflow<TVariables>;
      /** Why it left. */
      cause: PauseRemovalCause;
      /** Whatever the remover passed along (e.g. the resume payload). */
      detail?: unknown;
    };

/**
 * The paused list as of `cursor` (the cursor of the last change it includes; 0 for none).
 *
 * @example
 * const { cursor, pausedWorkflows }: PausedSnapshot = registry.snapshot();
 */
export interface PausedSnapshot<TVariables = Record<string, unknown>> {
  /** The cursor of the last change it includes (0 for none). */
  cursor: number;
  /** Every paused execution. */
  pausedWorkflows: PausedWorkflow<TVariables>[];
}

/**
 * Executions waiting for one event name; `correlation` is each one's key, when its pause has one.
 *
 * @example
 * const handlers = { register: (route: EventRoute) => webhooks.subscribe(route.event) };
 */
export interface EventRoute {
  /** The event name. */
  event: string;
  /** The executions waiting for it. */
  targets: {
    /** The paused execution (its workflow id). */
    executionId: string;
    /** Its pause's correlation key, when it has one. */
    correlation?: string;
  }[];
}

/**
 * What `PausedRebuild.commit` did. `kept` counts entries changed live while the rebuild ran, left as they were.
 *
 * @example
 * const result: RebuildResult = registry.beginRebuild().commit(pauses);
 * console.log(`added=${result.added} removed=${result.removed}`);
 */
export interface RebuildResult {
  /** Pauses the registry did not hold. */
  added: number;
  /** Pauses that replaced a different one. */
  updated: number;
  /** Executions the list no longer holds (cause `gone`). */
  removed: number;
  /** Pauses held exactly as read. */
  unchanged: number;
  /** Entries changed live while the rebuild ran, left as they were. */
  kept: number;
}

/**
 * A rebuild in progress: `commit` reconciles the registry with a freshly read list.
 * Every execution added or removed through the registry after `beginRebuild()` is
 * newer than what the rebuild read, so `commit` leaves it alone.
 *
 * @example
 * const rebuild: PausedRebuild = registry.beginRebuild();
 * try { rebuild.commit(await listPauses()); } catch (error) { rebuild.abandon(); throw error; }
 */
export interface PausedRebuild<TVariables = Record<string, unknown>> {
  /** Applies the list: adds and updates what it holds, removes what it lacks (cause `gone`). */
  commit(pauses: Iterable<PausedWorkflow<TVariables>>): RebuildResult;
  /** Ends the rebuild without touching the registry. */
  abandon(): void;
}

/**
 * Receives each change of the paused list, in cursor order.
 *
 * @example
 * const listener: PausedListener = (change) => stream.send(change.cursor, change);
 * const unsubscribe = registry.subscribe(listener);
 */
export type PausedListener<TVariables = Record<string, unknown>> = (change: PausedChange<TVariables>) => void;

/**
 * Options of `new PausedRegistry(options)`.
 *
 * @example
 * const registry = new PausedRegistry({ onListenerError: (error) => logger.warn(error) });
 */
export interface PausedRegistryOptions<TVariables = Record<string, unknown>> {
  /** Called when a listener throws; the registry and other listeners carry on. Default: `console.error`. */
  onListenerError?: (error: unknown, change: PausedChange<TVariables>) => void;
}

interface RebuildState {
  touched: Set<string>;
  open: boolean;
}

/**
 * The in-memory list of paused executions with an event → execution routing index
 * and an ordered change feed. Every change gets the next cursor number, and
 * `snapshot()` and `subscribe()` are synchronous, so "snapshot at cursor N, then only
 * changes > N" never loses or repeats a change.
 *
 * @example
 * const registry = new PausedRegistry();
 * const { snapshot, unsubscribe } = registry.subscribeWithSnapshot((change) => send(change.cursor, change));
 * send(snapshot.cursor, { pausedWorkflows: snapshot.pausedWorkflows });
 * registry.add(pause);                                   // → listener gets { cursor: N + 1, kind: 'added' }
 * registry.routesFor('payment.completed', 'order-7');    // → ['checkout-order-7']
 */
export class PausedRegistry<TVariables = Record<string, unknown>> {
  readonly #entries = new Map<string, PausedWorkflow<TVariables>>();
  /** event → every execution waiting for it. */
  readonly #byEvent = new Map<string, Set<string>>();
  /** event → correlation key → executions waiting for it with that key. */
  readonly #byCorrelation = new Map<string, Map<string, Set<string>>>();
  readonly #listeners = new Set<PausedListener<TVariables>>();
  readonly #rebuilds = new Set<RebuildState>();
  readonly #onListenerError: (error: unknown, change: PausedChange<TVariables>) => void;
  #cursor = 0;
  #queue: PausedChange<TVariables>[] = [];
  #dispatching = false;

  constructor(options: PausedRegistryOptions<TVariables> = {}) {
    this.#onListenerError =
      options.onListenerError ??
      ((error, change) => console.error(`[PausedRegistry] listener failed on change ${change.cursor}:`, error));
  }

  /** The cursor of the last change (0 before any). */
  get cursor(): number {
    return this.#cursor;
  }

  /** How many executions are paused. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Adds a pause, or replaces the pause of the same `executionId`. Returns the change,
   * or `null` when the registry already held exactly this pause.
   *
   * @throws ResumableError `INVALID_PARAMETER` when `pause` is malformed (nothing changes).
   * @example
   * registry.add({ executionId: 'order-7', workflowType: 'checkout', workflowId: 'checkout', pausedAt: 'wait-payment',
   *   pausedTime: new Date().toISOString(), waitingFor: ['payment.completed'], timeoutAt: null, variables: {} });
   */
  add(pause: PausedWorkflow<TVariables>): PausedChange<TVariables> | null {
    const clean = parsePausedWorkflow<TVariables>(pause);
    for (const rebuild of this.#rebuilds) rebuild.touched.add(clean.executionId);
    return this.#put(clean);
  }

  /**
   * Removes an execution's pause. Returns the change, or `null` when it was not paused.
   *
   * @example
   * registry.remove('order-7', 'resumed');
   */
  remove(executionId: string, cause: PauseRemovalCause = 'gone', detail?: unknown): PausedChange<TVariables> | null {
    for (const rebuild of this.#rebuilds) rebuild.touched.add(executionId);
    return this.#delete(executionId, cause, detail);
  }

  /**
   * The pause of one execution, if it is paused.
   *
   * @example
   * registry.get('order-7')?.waitingFor; // ['payment.completed']
   */
  get(executionId: string): PausedWorkflow<TVariables> | undefined {
    return this.#entries.get(executionId);
  }

  /**
   * True when the execution is paused.
   *
   * @example
   * if (!registry.has(id)) throw new ResumableError('NOT_PAUSED', `${id} is not paused`);
   */
  has(executionId: string): boolean {
    return this.#entries.has(executionId);
  }

  /**
   * Every paused execution, in the order they were first added.
   *
   * @example
   * return Response.json({ pausedWorkflows: registry.list() });
   */
  list(): PausedWorkflow<TVariables>[] {
    return [...this.#entries.values()];
  }

  /**
   * The list and the cursor it is current to, taken at one instant.
   *
   * @example
   * const { cursor, pausedWorkflows } = registry.snapshot();
   */
  snapshot(): PausedSnapshot<TVariables> {
    return { cursor: this.#cursor, pausedWorkflows: this.list() };
  }

  /**
   * Execution ids an external event reaches: every execution waiting for `event`, or,
   * when `correlation` is given, only those whose pause carries that correlation key.
   *
   * @example
   * for (const id of registry.routesFor('payment.completed', 'order-7')) await signal(id);
   */
  routesFor(event: string, correlation?: string): string[] {
    const ids = correlation === undefined ? this.#byEvent.get(event) : this.#byCorrelation.get(event)?.get(correlation);
    return ids ? [...ids] : [];
  }

  /**
   * The whole routing table: one route per event name some execution waits for.
   *
   * @example
   * for (const route of registry.routes()) subscribeToWebhook(route.event);
   */
  routes(): EventRoute[] {
    const routes: EventRoute[] = [];
    for (const [event, ids] of this.#byEvent) {
      const targets = [...ids].map((executionId) => {
        const correlation = this.#entries.get(executionId)?.correlation;
        return correlation === undefined ? { executionId } : { executionId, correlation };
      });
      routes.push({ event, targets });
    }
    return routes;
  }

  /**
   * Calls `listener` with every later change, in cursor order. Returns the unsubscribe function.
   *
   * @example
   * const stop = registry.subscribe((change) => console.log(change.cursor, change.kind));
   */
  subscribe(listener: PausedListener<TVariables>): () => void {
    // Wrapped so one function subscribed twice is two subscriptions, each removable once.
    const entry: PausedListener<TVariables> = (change) => listener(change);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /**
   * Takes a snapshot and subscribes in one step: the listener gets exactly the changes
   * with a cursor above `snapshot.cursor`.
   *
   * @example
   * const { snapshot, unsubscribe } = registry.subscribeWithSnapshot((change) => stream.send(change));
   */
  subscribeWithSnapshot(listener: PausedListener<TVariables>): {
    /** The list at the moment of subscribing. */
    snapshot: PausedSnapshot<TVariables>;
    /** Stops the listener. */
    unsubscribe: () => void;
  } {
    // Both steps are synchronous. The filter matters only when called from inside a
    // listener: changes still queued for delivery are already in the snapshot.
    const snapshot = this.snapshot();
    const unsubscribe = this.subscribe((change) => {
      if (change.cursor > snapshot.cursor) listener(change);
    });
    return { snapshot, unsubscribe };
  }

  /**
   * Starts reconciling with a freshly read list (what start-up recovery does). Changes
   * made through `add` / `remove` while the rebuild runs win over what it read.
   *
   * @example
   * const rebuild = registry.beginRebuild();
   * const fresh = await readPausedFromTemporal();
   * rebuild.commit(fresh);
   */
  beginRebuild(): PausedRebuild<TVariables> {
    const state: RebuildState = { touched: new Set(), open: true };
    this.#rebuilds.add(state);
    const close = () => {
      state.open = false;
      this.#rebuilds.delete(state);
    };
    return {
      commit: (pauses) => {
        if (!state.open) throw new ResumableError('CONFLICT', 'This rebuild was already committed or abandoned');
        close();
        return this.#reconcile(pauses, state.touched);
      },
      abandon: close,
    };
  }

  #reconcile(pauses: Iterable<PausedWorkflow<TVariables>>, touched: Set<string>): RebuildResult {
    const result: RebuildResult = { added: 0, updated: 0, removed: 0, unchanged: 0, kept: 0 };
    // Validate everything first, so a bad entry leaves the registry as it was.
    const fresh = new Map<string, PausedWorkflow<TVariables>>();
    for (const pause of pauses) {
      const clean = parsePausedWorkflow<TVariables>(pause);
      fresh.set(clean.executionId, clean);
    }
    for (const executionId of [...this.#entries.keys()]) {
      if (fresh.has(executionId)) continue;
      if (touched.has(executionId)) result.kept += 1;
      else if (this.#delete(executionId, 'gone')) result.removed += 1;
    }
    for (const [executionId, pause] of fresh) {
      if (touched.has(executionId)) {
        result.kept += 1;
        continue;
      }
      const change = this.#put(pause);
      if (change === null) result.unchanged += 1;
      else if (change.kind === 'added') result.added += 1;
      else result.updated += 1;
    }
    return result;
  }

  #put(pause: PausedWorkflow<TVariables>): PausedChange<TVariables> | null {
    const previous = this.#entries.get(pause.executionId);
    if (previous && samePause(previous, pause)) return null;
    if (previous) this.#unindex(previous);
    this.#entries.set(pause.executionId, pause);
    this.#index(pause);
    const cursor = ++this.#cursor;
    return this.#emit(previous ? { cursor, kind: 'updated', pause, previous } : { cursor, kind: 'added', pause });
  }

  #delete(executionId: string, cause: PauseRemovalCause, detail?: unknown): PausedChange<TVariables> | null {
    const pause = this.#entries.get(executionId);
    if (!pause) return null;
    this.#entries.delete(executionId);
    this.#unindex(pause);
    const change: PausedChange<TVariables> = { cursor: ++this.#cursor, kind: 'removed', pause, cause };
    if (detail !== undefined) change.detail = detail;
    return this.#emit(change);
  }

  #index(pause: PausedWorkflow<TVariables>): void {
    for (const event of pause.waitingFor) {
      addTo(this.#byEvent, event, pause.executionId);
      if (pause.correlation !== undefined) {
        let byKey = this.#byCorrelation.get(event);
        if (!byKey) this.#byCorrelation.set(event, (byKey = new Map()));
        addTo(byKey, pause.correlation, pause.executionId);
      }
    }
  }

  #unindex(pause: PausedWorkflow<TVariables>): void {
    for (const event of pause.waitingFor) {
      removeFrom(this.#byEvent, event, pause.executionId);
      if (pause.correlation !== undefined) {
        const byKey = this.#byCorrelation.get(event);
        if (byKey) {
          removeFrom(byKey, pause.correlation, pause.executionId);
          if (byKey.size === 0) this.#byCorrelation.delete(event);
        }
      }
    }
  }

  #emit(change: PausedChange<TVariables>): PausedChange<TVariables> {
    this.#queue.push(change);
    // A listener that changes the registry must not have its change overtake the
    // one being delivered: queue it, and let the outer loop deliver in cursor order.
    if (this.#dispatching) return change;
    this.#dispatching = true;
    try {
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) {
        for (const listener of [...this.#listeners]) {
          try {
            listener(next);
          } catch (error) {
            this.#onListenerError(error, next);
          }
        }
      }
    } finally {
      this.#dispatching = false;
    }
    return change;
  }
}

function addTo(map: Map<string, Set<string>>, key: string, id: string): void {
  let ids = map.get(key);
  if (!ids) map.set(key, (ids = new Set()));
  ids.add(id);
}

function removeFrom(map: Map<string, Set<string>>, key: string, id: string): void {
  const ids = map.get(key);
  if (!ids) return;
  ids.delete(id);
  if (ids.size === 0) map.delete(key);
}
