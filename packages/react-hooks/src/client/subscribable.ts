/**
 * State that changes over time, readable with `useSyncExternalStore` or by hand,
 * and fed by one shared resource (a connection) that lives exactly while someone
 * listens: it opens in `onSubscribe` when the first listener arrives and closes in
 * `onUnsubscribe` once the last has left. The close waits one macrotask, so an
 * unsubscribe followed at once by a subscribe (React StrictMode's double mount, a
 * remount) keeps the connection.
 *
 * ```
 *   idle ──first subscribe──► open ──last unsubscribe──► closing ──next macrotask──► idle (onUnsubscribe)
 *                              ▲                            │
 *                              └────── subscribe again ─────┘
 * ```
 *
 * @example
 * class Clock extends Subscribable<{ now: number }> {
 *   private timer?: ReturnType<typeof setInterval>;
 *   constructor() { super({ now: Date.now() }); }
 *   protected onSubscribe() { this.timer = setInterval(() => this.setState({ now: Date.now() }), 1000); }
 *   protected onUnsubscribe() { clearInterval(this.timer); }
 * }
 */
export abstract class Subscribable<TState> {
  readonly #listeners = new Set<() => void>();
  #closing: ReturnType<typeof setTimeout> | undefined;
  #active = false;
  #state: TState;

  protected constructor(state: TState) {
    this.#state = state;
  }

  /** The current state; a new object after every change. Safe to pass around unbound. */
  readonly getState = (): TState => this.#state;

  /** Calls `listener` after every change; returns the unsubscribe function. Safe unbound. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    clearTimeout(this.#closing);
    if (!this.#active) {
      this.#active = true;
      this.onSubscribe();
    }
    return () => {
      if (!this.#listeners.delete(listener) || this.#listeners.size) return;
      this.#closing = setTimeout(() => {
        if (this.#listeners.size || !this.#active) return;
        this.#active = false;
        this.onUnsubscribe();
      });
    };
  };

  /** Merges `patch` into the state and tells every listener, once. */
  protected setState(patch: Partial<TState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const listener of this.#listeners) listener();
  }

  /** The first listener arrived: open the shared resource. */
  protected abstract onSubscribe(): void;
  /** The last listener left (and none came back within a macrotask): close it. */
  protected abstract onUnsubscribe(): void;
}
