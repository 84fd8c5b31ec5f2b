import { backoffDelay, createSseParser, type BackoffOptions, type SseMessage } from '@resumable/protocol';
import { ClientError } from './errors';
import { networkError, requestHeaders, responseError, type RequestContext } from './http';

/**
 * Where a stream stands.
 * - `idle`: not started; `connecting` / `reconnecting`: a request is on its way (or waiting to retry);
 * - `open`: the server answered and events flow;
 * - `offline`: like `reconnecting`, but the browser says it is offline (`navigator.onLine`). A hint only:
 *   retries go on with backoff, and the `online` event tries again at once;
 * - `hidden`: paused while the tab is hidden (`pauseWhenHidden`);
 * - `ended`: the server said there is nothing more (`event: end` or 204), for good;
 * - `error`: a failure retrying cannot fix (400, 403, 404), for good.
 *
 * @example
 * const { status } = useTemporalSubscription({ taskId, refreshToken });
 * const live = status === ('open' satisfies ConnectionStatus);
 */
export type ConnectionStatus =
  'idle' | 'connecting' | 'open' | 'reconnecting' | 'offline' | 'hidden' | 'ended' | 'error';

/**
 * Options shared by every stream the client opens.
 *
 * @example
 * const options: StreamOptions = { backoff: { maxDelayMs: 10_000 }, pauseWhenHidden: true };
 * getTaskSubscription({ taskId, refreshToken, ...options });
 */
export interface StreamOptions extends RequestContext {
  /** Reconnect delays. Default: from 500 ms (or the server's `retry:`), doubling, at most 30 s. */
  backoff?: BackoffOptions;
  /** Close the connection while the tab is hidden and reopen it when visible. Default false. */
  pauseWhenHidden?: boolean;
}

/**
 * Options of `openEventStream`.
 *
 * @example
 * const options: EventStreamOptions = { url: '/api/temporal/stream/order-1', endEvent: 'end', onEvent: console.log, onStatus: console.log };
 * const stream = openEventStream(options);
 */
export interface EventStreamOptions extends StreamOptions {
  /** The stream's URL. */
  url: string;
  /** The resume point for the next request, sent as `Last-Event-ID` (not sent when empty or 0). */
  lastEventId?: () => string | number | undefined;
  /** The event after which the server closes for good. */
  endEvent?: string;
  /** Each event as the SSE parser reads it (`event` is undefined for unnamed ones). */
  onEvent(event: SseMessage): void;
  /** Each change of the connection's status, with the error that caused it, if any. */
  onStatus(status: ConnectionStatus, error?: ClientError): void;
}

/**
 * A running stream; `stop()` aborts the request and ends the loop.
 *
 * @example
 * const stream: EventStream = openEventStream({ url, onEvent: console.log, onStatus: console.log });
 * stream.stop();
 */
export interface EventStream {
  /** Aborts the request and ends the reconnect loop, for good. */
  stop(): void;
}

type Outcome = 'end' | 'retry' | 'again' | 'fatal';

// Statuses worth retrying: the server or a proxy may recover from them.
const RETRYABLE = (status: number) => status === 408 || status === 429 || status >= 500;

/**
 * Opens an SSE stream with `fetch` (so an `Authorization` header can be sent) and
 * keeps it open: reconnects with backoff and jitter, resumes with `Last-Event-ID`,
 * tries again at once on `online` (but never stops trying because `navigator.onLine` says offline: it is often wrong), optionally sleeps while the tab is hidden, and
 * stops for good on the end event or 204.
 *
 * @example
 * const stream = openEventStream({ url, tokens, onEvent: console.log, onStatus: console.log });
 * stream.stop();
 */
export function openEventStream(options: EventStreamOptions): EventStream {
  const win = typeof window === 'undefined' ? undefined : window;
  const doc = typeof document === 'undefined' ? undefined : document;
  let stopped = false;
  let controller: AbortController | undefined;
  let attempt = 0;
  let refreshedAfter401 = false;
  let serverRetry: number | undefined;
  let wake: (() => void) | undefined;

  // `navigator.onLine` is often wrong (VPNs, captive portals, a machine with only
  // loopback): it names a failed try `offline` and `online` ends a backoff early, but
  // it never stops a try, nor drops a stream that works.
  const offline = () => win?.navigator.onLine === false;
  const hidden = () => !!options.pauseWhenHidden && doc?.visibilityState === 'hidden';
  const retrying = (error: ClientError) => options.onStatus(offline() ? 'offline' : 'reconnecting', error);
  const interrupt = () => {
    // Hidden: drop the request now; the loop waits for the tab to come back.
    if (hidden()) controller?.abort();
    wake?.();
  };
  const sleep = (ms?: number) =>
    new Promise<void>((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => wake?.(), ms);
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });

  // The events that may end a wait or call for dropping the request.
  const listen = (method: 'addEventListener' | 'removeEventListener') => {
    win?.[method]('online', interrupt);
    doc?.[method]('visibilitychange', interrupt);
  };
  listen('addEventListener');

  async function connect(): Promise<Outcome> {
    // Never two requests at once: the previous one is aborted before the next starts.
    controller?.abort();
    const request = (controller = new AbortController());
    let response: Response;
    try {
      const headers = await requestHeaders('text/event-stream', options.tokens);
      const id = options.lastEventId?.();
      if (id) headers['Last-Event-ID'] = `${id}`;
      if (stopped || request.signal.aborted) return 'again';
      response = await (options.fetch ?? fetch)(options.url, { headers, signal: request.signal });
    } catch (cause) {
      if (!request.signal.aborted) retrying(ClientError.is(cause) ? ClientError.from(cause) : networkError(cause));
      return request.signal.aborted ? 'again' : 'retry';
    }
    // "A client can be told to stop reconnecting using the HTTP 204 No Content response code." (WHATWG SSE)
    if (response.status === 204) return 'end';
    if (!response.ok || !response.body) {
      const error = await responseError(response);
      const fatal = response.status !== 401 && !RETRYABLE(response.status);
      if (fatal) options.onStatus('error', error);
      else retrying(error);
      if (response.status === 401 && options.tokens) {
        // The token expired or was revoked: never send it again. A fresh one is
        // tried at once; if that is refused too, back off like any failure.
        options.tokens.invalidate();
        if (!refreshedAfter401) {
          refreshedAfter401 = true;
          return 'again';
        }
      }
      return fatal ? 'fatal' : 'retry';
    }

    refreshedAfter401 = false;
    options.onStatus('open');
    let ended = false;
    const parser = createSseParser({
      onEvent(event) {
        attempt = 0;
        if (event.event === options.endEvent) ended = true;
        options.onEvent(event);
      },
      onRetry: (ms) => (serverRetry = ms),
    });
    const reader = response.body.getReader();
    const text = new TextDecoder();
    try {
      while (!ended && !stopped) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(text.decode(value, { stream: true }));
      }
    } catch {
      // The connection was cut or aborted: handled below.
    }
    // Aborted by us (hidden, stop): the loop decides what is next.
    if (request.signal.aborted) return 'again';
    request.abort();
    if (ended) return 'end';
    if (!stopped) retrying(networkError(undefined, 'The stream closed before its end'));
    return 'retry';
  }

  (async () => {
    options.onStatus('connecting');
    while (!stopped) {
      if (hidden()) {
        options.onStatus('hidden');
        await sleep();
        continue;
      }
      const outcome = await connect();
      if (stopped) return;
      if (outcome === 'end') return options.onStatus('ended');
      if (outcome === 'fatal') return;
      if (outcome === 'retry')
        await sleep(backoffDelay(attempt++, { initialDelayMs: serverRetry, ...options.backoff }));
    }
  })();

  return {
    stop() {
      if (stopped) return;
      stopped = true;
      controller?.abort();
      wake?.();
      listen('removeEventListener');
    },
  };
}
