import { ResumableError, type ErrorContext } from '@resumable/protocol';
import {
  RecoveryManager,
  type Recoverable,
  type RecoveryReport,
  type ResponseHandlers,
  type TimerScheduler,
} from '@resumable/recovery-manager';

/**
 * Where the server is in its start-up: `idle` before `start()` (or after a start that
 * failed), `recovering` while start-up recovery runs, `ready` once it has finished
 * (even when some components failed: their failures are in the report).
 *
 * @example
 * const body = { status: server.readiness }; // { status: 'recovering' }
 * return Response.json(body, { status: server.readiness === 'ready' ? 200 : 503 });
 */
export type Readiness = 'idle' | 'recovering' | 'ready';

/** @internal What `StartUp` runs. */
export interface StartUpOptions {
  /** Subscribes the server to the bus first, so nothing published during recovery is missed. Its failure fails the start. */
  listen: () => Promise<unknown>;
  /** The server's own components (the paused list), then the app's, in that order. */
  components: readonly Recoverable[];
  /** Names of the server's own components: their failures are reported with source `paused-feed`. */
  ownComponents: readonly string[];
  timers: TimerScheduler;
  handlers: ResponseHandlers | undefined;
  /** Runs once recovery finished, e.g. the periodic paused-list resync. */
  afterRecovery: () => void;
  onError: (error: unknown, context: ErrorContext) => void;
}

/**
 * @internal The server's start-up recovery: one `RecoveryManager` with the server's
 * components and the app's, run once by `start()`. Components fail alone (the
 * manager's rule), so a broken app component never keeps the paused list from
 * being rebuilt; only a bus that refuses the subscription fails the start itself,
 * and such a start is tried again by the next call.
 *
 * ```
 *   idle ──start()──► recovering ──report──► ready
 *     ▲                   │
 *     └── bus refused ────┘
 * ```
 */
export class StartUp {
  readonly #options: StartUpOptions;
  readonly #manager: RecoveryManager;
  readonly #abort = new AbortController();
  #running: Promise<RecoveryReport | undefined> | undefined;
  #readiness: Readiness = 'idle';
  #report: RecoveryReport | undefined;

  /** @throws ResumableError `CONFLICT` (two components of one name) or `INVALID_PARAMETER` (a malformed one). */
  constructor(options: StartUpOptions) {
    this.#options = options;
    this.#manager = new RecoveryManager({
      timers: options.timers,
      // Named after the server's option, not the manager's, so the report says what to pass.
      handlers: options.handlers ?? {
        register: (route) => {
          throw new ResumableError(
            'INVALID_PARAMETER',
            `A start-up component registers a handler for "${route.event}", but createRecoveryServer was given no \`responseHandlers\` option`,
          );
        },
      },
      onComponentSettled: (component) => {
        if (component.status !== 'failed') return;
        // The paused list's failures keep the source they always had; the app's are the start-up's.
        const source = options.ownComponents.includes(component.name) ? 'paused-feed' : 'start-up';
        options.onError(component.error, { source, operation: `start-up recovery of ${component.name}` });
      },
    });
    this.#manager.register(...options.components);
  }

  get readiness(): Readiness {
    return this.#readiness;
  }

  /** The report of the finished start-up recovery (undefined before, or with no components). */
  get report(): RecoveryReport | undefined {
    return this.#report;
  }

  start(): Promise<RecoveryReport | undefined> {
    if (this.#abort.signal.aborted) {
      return Promise.reject(new ResumableError('SHUTTING_DOWN', 'The server is shutting down'));
    }
    this.#running ??= this.#run();
    const running = this.#running;
    running.catch(() => {
      if (this.#running !== running) return;
      this.#running = undefined;
      this.#readiness = 'idle';
    });
    return running;
  }

  /** Aborts a recovery in progress: running components see their signal abort, the rest are skipped. */
  close(): void {
    this.#abort.abort(new ResumableError('SHUTTING_DOWN', 'The server is shutting down'));
  }

  async #run(): Promise<RecoveryReport | undefined> {
    this.#readiness = 'recovering';
    await this.#options.listen();
    const report =
      this.#manager.names.length === 0 ? undefined : await this.#manager.recoverAll({ signal: this.#abort.signal });
    this.#report = report;
    this.#options.afterRecovery();
    this.#readiness = 'ready';
    return report;
  }
}
