import type {
  ConnectedEventData,
  EndEventData,
  StatusEventData,
  UpdatesPage,
  WorkflowUpdate,
} from '@resumable/protocol';
import {
  Sequencer,
  backoffDelay,
  createTokenSource,
  openEventStream,
  type ConnectionStatus,
  type EventStream,
} from '@resumable/react-hooks/client';
import type { Connection } from './args';
import { CliError, isRetryable } from './errors';
import { reasonOf, requestJson, routeUrl, type Fetch } from './http';

/**
 * What `tail` reports besides updates, for a renderer: where the connection stands.
 *
 * @example
 * const onEvent = (event: TailEvent) => {
 *   if (event.type === 'reconnecting') console.error(`lost (${event.error.code}), resuming after #${event.resumeFrom}`);
 * };
 */
export type TailEvent =
  /** A request for the stream is on its way (the first, or after a cut). */
  | {
      /** Which event this is. */
      type: 'connecting';
      /** The last sequence delivered, which the stream resumes after (`since` on the first connect). */
      resumeFrom: number;
    }
  /** The stream is open: `lastSequence` is what the server knew, so updates up to it are a catch-up. */
  | {
      /** Which event this is. */
      type: 'connected';
      /** The sequence the server resumes after (its `connected` event's, else the last delivered). */
      resumeFrom: number;
      /** The last sequence the server knew when the stream opened (else the last delivered). */
      lastSequence: number;
      /** The workflow's status as the server last read it; undefined when not known yet. */
      status?: string | undefined;
    }
  /** The workflow's status changed (the one its log holds). */
  | {
      /** Which event this is. */
      type: 'status';
      /** The new status. */
      status: string;
    }
  /** The connection failed or was cut; it is tried again (resuming after `resumeFrom`). */
  | {
      /** Which event this is. */
      type: 'reconnecting';
      /** The last sequence delivered, which the next connection resumes after. */
      resumeFrom: number;
      /** Why the connection failed (an `UNREACHABLE` one when there was no error to report). */
      error: CliError;
    }
  /** Missed updates are read from the recovery endpoint, after `from`. */
  | {
      /** Which event this is. */
      type: 'recovering';
      /** The last sequence delivered: recovery reads the updates after it. */
      from: number;
    };

/**
 * Options of `tail`.
 *
 * @example
 * const options: TailOptions = {
 *   connection: { baseUrl: 'http://127.0.0.1:3000/api', token: process.env.RESUMABLE_TOKEN },
 *   taskId: 'task-1',
 *   since: 12,
 *   retryForMs: 60_000,
 *   onUpdate: (update) => console.log(update.sequence, update.type),
 * };
 */
export interface TailOptions {
  /** Where the server is and the token to send. */
  connection: Connection;
  /** The task: its Temporal workflow id. */
  taskId: string;
  /** Start after this sequence (0, the default, is from the first update). */
  since?: number;
  /** Called once per update, in sequence order, each sequence exactly once. */
  onUpdate(update: WorkflowUpdate): void;
  /** Connection and status changes, for display. */
  onEvent?(event: TailEvent): void;
  /** Give up (`UNREACHABLE`) after this long without a working connection, in ms. Default 30 000. */
  retryForMs?: number;
  /**
   * Reconnect when an open stream brought no byte (not even a heartbeat) for this long,
   * in ms: a connection can die without a word (a sleeping laptop, a proxy). Default
   * 45 000, three of the server's default heartbeats.
   */
  idleMs?: number;
  /** Longest wait between reconnects, in ms. Default 5000. */
  maxBackoffMs?: number;
  /** Stops the tail: it rejects with `INTERRUPTED`. */
  signal?: AbortSignal;
  /** The `fetch` for the stream and the recovery pages. Default the global `fetch`. */
  fetch?: Fetch;
}

/**
 * How a tail ended: the workflow's final status (from its log) and the last sequence shown.
 *
 * @example
 * const result: TailResult = await tail(options);
 * console.log(`${result.status} after #${result.lastSequence} (${result.delivered} new)`);
 */
export interface TailResult {
  /** The status the workflow's log holds at its end; undefined if the server never said. */
  status: string | undefined;
  /**
   * Temporal's outcome of the run (`COMPLETED`, `FAILED`, `CANCELED`, `TERMINATED`,
   * `TIMED_OUT`, `CONTINUED_AS_NEW`) when the server's `end` said it (servers from the
   * release that added it); undefined otherwise.
   */
  execution?: string | undefined;
  /** The last sequence delivered (the `since` given when there was nothing new). */
  lastSequence: number;
  /** How many updates `onUpdate` got. */
  delivered: number;
}

/** Updates per recovery page (the server's maximum). */
const PAGE_SIZE = 500;

/**
 * Follows a task's stream until its workflow ends and everything is delivered, calling
 * `onUpdate` once per update in sequence order. A cut connection is resumed with
 * `Last-Event-ID` set to the last update delivered; a duplicate is dropped and a gap is
 * filled from `GET …/temporal/recovery/:taskId` before anything later is delivered.
 * Resolves with the final status; rejects with a `CliError` (`NOT_FOUND`,
 * `UNAUTHORIZED`, `UNREACHABLE` after `retryForMs` without a connection, `INTERRUPTED`…).
 *
 * ```
 *  connecting ─► open ─► connected ─► update… ─► end ─► (missing tail? recovery pages) ─► resolve
 *      ▲                    │  update past a gap ─► recovery pages ─► held updates follow
 *      └── cut / 5xx ◄──────┘  (Last-Event-ID = last delivered)   204 ─► one page for the status ─► resolve
 *  401 / 403 / 404 / 400 ─► reject     no connection for retryForMs ─► reject UNREACHABLE
 * ```
 *
 * @example
 * const { status } = await tail({
 *   connection: { baseUrl: 'http://127.0.0.1:3000/api', token },
 *   taskId: 'task-1',
 *   onUpdate: (update) => console.log(update.sequence, update.type, update.data),
 * });
 */
export function tail(options: TailOptions): Promise<TailResult> {
  return new Promise<TailResult>((resolve, reject) => new Tail(options, resolve, reject).start());
}

class Tail {
  readonly #options: TailOptions;
  readonly #sequencer: Sequencer<WorkflowUpdate>;
  readonly #resolve: (result: TailResult) => void;
  readonly #reject: (error: CliError) => void;
  #stream: EventStream | undefined;
  #done = false;
  #delivered = 0;
  #status: string | undefined;
  #end: EndEventData | undefined;
  #recovery: Promise<void> | undefined;
  #recoverAgain = false;
  #lastError: CliError | undefined;
  #downTimer: ReturnType<typeof setTimeout> | undefined;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #cutIdle: (() => void) | undefined;

  constructor(options: TailOptions, resolve: (result: TailResult) => void, reject: (error: CliError) => void) {
    this.#options = options;
    this.#sequencer = new Sequencer<WorkflowUpdate>(options.since ?? 0);
    this.#resolve = resolve;
    this.#reject = reject;
  }

  start(): void {
    const { signal, connection, taskId } = this.#options;
    if (signal?.aborted) return this.#fail(interrupted());
    signal?.addEventListener('abort', this.#onAbort, { once: true });
    const token = connection.token;
    this.#stream = openEventStream({
      url: routeUrl(connection, `temporal/stream/${encodeURIComponent(taskId)}`),
      tokens: token ? createTokenSource(() => token) : undefined,
      fetch: this.#watchedFetch,
      backoff: { maxDelayMs: this.#options.maxBackoffMs ?? 5000 },
      endEvent: 'end',
      lastEventId: () => this.#sequencer.head,
      onStatus: (status, error) => this.#onStatus(status, error),
      onEvent: ({ event, data }) => this.#onStreamEvent(event, data),
    });
  }

  readonly #onAbort = () => this.#fail(interrupted());

  /** A network failure with where and why (`cannot reach http://… (ECONNREFUSED)`). */
  #describe(error: CliError): CliError {
    if (error.serverCode !== 'NETWORK_ERROR') return error;
    const { baseUrl } = this.#options.connection;
    const message = error.message.includes('closed before')
      ? `the stream from ${baseUrl} was cut`
      : `cannot reach ${baseUrl} (${reasonOf(error.cause)})`;
    return new CliError('UNREACHABLE', message, { cause: error, serverCode: error.serverCode });
  }

  #emit(event: TailEvent): void {
    this.#options.onEvent?.(event);
  }

  #onStatus(status: ConnectionStatus, clientError: unknown): void {
    if (this.#done) return;
    const error = clientError === undefined ? undefined : this.#describe(CliError.from(clientError));
    if (error) this.#lastError = error;
    switch (status) {
      case 'connecting':
        this.#emit({ type: 'connecting', resumeFrom: this.#sequencer.head });
        this.#down();
        return;
      case 'open':
        this.#up();
        return;
      case 'reconnecting':
      case 'offline':
        // A static token cannot be refreshed: a 401 will not heal by retrying.
        if (error && !isRetryable(error)) return this.#fail(error);
        this.#emit({ type: 'reconnecting', resumeFrom: this.#sequencer.head, error: error ?? unreachable() });
        this.#down();
        return;
      case 'error':
        return this.#fail(error ?? new CliError('INTERNAL', 'the stream failed'));
      case 'ended':
        void this.#finish();
        return;
      default:
        return;
    }
  }

  /** Starts the unreachable deadline, unless it runs already. */
  #down(): void {
    this.#clearIdle();
    if (this.#downTimer !== undefined) return;
    this.#downTimer = setTimeout(() => this.#fail(unreachable(this.#lastError)), this.#options.retryForMs ?? 30_000);
  }

  #up(): void {
    clearTimeout(this.#downTimer);
    this.#downTimer = undefined;
  }

  /**
   * `fetch` for the stream, watching its body: a stream that brings nothing for `idleMs`
   * is aborted, which the client takes for a cut connection (it reconnects and resumes).
   */
  readonly #watchedFetch: Fetch = async (input, init) => {
    const controller = new AbortController();
    const signal = init?.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
    const response = await (this.#options.fetch ?? fetch)(input, { ...init, signal });
    if (!response.ok || !response.body || response.status === 204) return response;
    const idleMs = this.#options.idleMs ?? 45_000;
    const arm = () => {
      clearTimeout(this.#idleTimer);
      this.#idleTimer = setTimeout(() => controller.abort(new Error('no data from the server')), idleMs);
    };
    this.#cutIdle = () => controller.abort();
    arm();
    const watched = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, output) {
          arm();
          output.enqueue(chunk);
        },
      }),
    );
    return new Response(watched, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };

  #clearIdle(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  #onStreamEvent(event: string | undefined, text: string): void {
    if (this.#done) return;
    if (event !== 'connected' && event !== 'update' && event !== 'status' && event !== 'end') return;
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (cause) {
      return this.#fail(new CliError('PROTOCOL', `the server sent a "${event}" event that is not JSON`, { cause }));
    }
    if (typeof data !== 'object' || data === null) {
      return this.#fail(new CliError('PROTOCOL', `the server sent a "${event}" event without an object`));
    }
    if (event === 'update') return this.#accept(data as WorkflowUpdate);
    if (event === 'connected') {
      const connected = data as ConnectedEventData;
      this.#setStatus(connected.status, false);
      this.#emit({
        type: 'connected',
        resumeFrom: connected.resumeFrom ?? this.#sequencer.head,
        lastSequence: connected.lastSequence ?? this.#sequencer.head,
        status: this.#status,
      });
    } else if (event === 'status') {
      this.#setStatus((data as StatusEventData).status);
    } else {
      this.#end = data as EndEventData;
      this.#setStatus(this.#end.status);
    }
  }

  #setStatus(status: unknown, announce = true): void {
    if (typeof status !== 'string' || status === this.#status) return;
    this.#status = status;
    if (announce) this.#emit({ type: 'status', status });
  }

  /** Sequences one update and delivers what became ready; a gap starts a recovery. */
  #accept(update: WorkflowUpdate): void {
    if (!Number.isSafeInteger(update.sequence) || update.sequence < 1) {
      return this.#fail(new CliError('PROTOCOL', 'the server sent an update without a valid sequence'));
    }
    for (const ready of this.#sequencer.accept(update)) {
      if (this.#done) return;
      this.#delivered++;
      try {
        this.#options.onUpdate(ready);
      } catch (error) {
        return this.#fail(CliError.from(error));
      }
    }
    // A gap: fill it from the durable log before anything later is delivered.
    if (this.#sequencer.hasGap) void this.#recover().catch((error: unknown) => this.#fail(CliError.from(error)));
  }

  /** Reads recovery pages after the last delivered update until the log has no more; single flight. */
  #recover(): Promise<void> {
    if (this.#recovery) {
      this.#recoverAgain = true;
      return this.#recovery;
    }
    const run = async () => {
      do {
        this.#recoverAgain = false;
        await this.#readPages();
      } while (this.#recoverAgain && !this.#done);
    };
    this.#recovery = run().finally(() => (this.#recovery = undefined));
    return this.#recovery;
  }

  async #readPages(): Promise<void> {
    const { connection, taskId } = this.#options;
    this.#emit({ type: 'recovering', from: this.#sequencer.head });
    let failures = 0;
    let failingSince = 0;
    while (!this.#done) {
      const from = this.#sequencer.head;
      let page: UpdatesPage;
      try {
        page = await requestJson<UpdatesPage>(
          connection,
          `temporal/recovery/${encodeURIComponent(taskId)}?sinceSequence=${from}&limit=${PAGE_SIZE}`,
          { fetch: this.#options.fetch, signal: this.#options.signal },
        );
      } catch (error) {
        const failure = CliError.from(error);
        if (!isRetryable(failure)) throw failure;
        failingSince ||= Date.now();
        if (Date.now() - failingSince > (this.#options.retryForMs ?? 30_000)) throw unreachable(failure);
        await delay(backoffDelay(failures++, { maxDelayMs: this.#options.maxBackoffMs ?? 5000 }));
        continue;
      }
      failures = 0;
      failingSince = 0;
      if (!Array.isArray(page.updates)) throw new CliError('PROTOCOL', 'a recovery page without updates');
      if (!this.#end) this.#setStatus(page.status);
      else if (this.#status === undefined) this.#setStatus(page.status);
      for (const update of page.updates) this.#accept(update);
      if (!page.hasMore || page.updates.length === 0) return;
      if (this.#sequencer.head === from) {
        throw new CliError('PROTOCOL', `the log has no update after #${from} (compacted?): try --since`);
      }
    }
  }

  /** The stream said it is over (`end`, or 204): deliver any missing tail, then resolve. */
  async #finish(): Promise<void> {
    try {
      // 204 (resumed at the end already) brings no `end`: a page says the final status.
      if (!this.#end || this.#end.lastSequence > this.#sequencer.head || this.#sequencer.hasGap) {
        await this.#recover();
      }
      if (this.#done) return;
      this.#settle();
      this.#resolve({
        status: this.#status,
        ...(this.#end?.execution && { execution: this.#end.execution }),
        lastSequence: this.#sequencer.head,
        delivered: this.#delivered,
      });
    } catch (error) {
      this.#fail(CliError.from(error));
    }
  }

  #fail(error: CliError): void {
    if (this.#done) return;
    this.#settle();
    this.#reject(error);
  }

  /** Stops everything: the stream, the timers, the abort listener. */
  #settle(): void {
    this.#done = true;
    this.#stream?.stop();
    this.#cutIdle?.();
    this.#up();
    this.#clearIdle();
    this.#options.signal?.removeEventListener('abort', this.#onAbort);
  }
}

const interrupted = () => new CliError('INTERRUPTED', 'interrupted');

function unreachable(last?: CliError): CliError {
  const why = last ? ` (last: ${last.message})` : '';
  return new CliError('UNREACHABLE', `gave up: no connection to the server${why}`, {
    cause: last,
    serverCode: last?.serverCode,
    status: last?.status,
  });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
