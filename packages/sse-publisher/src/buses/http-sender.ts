import {
  ResumableError,
  backoffDelay,
  checkSecret,
  reportError,
  type BusMessage,
  type ErrorHandler,
  type UpdateBus,
} from '@resumable/protocol';
import { busMessageProblem } from './validate';

/**
 * Options of `createHttpBusSender()`.
 *
 * @example
 * createHttpBusSender({ url: 'http://127.0.0.1:3000/api/resumable/bus', secret, maxAttempts: 5, onError: console.warn });
 */
export interface HttpBusSenderOptions {
  /** The receiver's URL (where the server mounted `createHttpBusReceiver`). */
  url: string | URL;
  /** The server secret, sent as `Authorization: Bearer <secret>`. */
  secret: string;
  /** Most messages per request. Default 500. */
  maxBatchMessages?: number;
  /** Most bytes per request body (keep below the receiver's `maxBodyBytes`). Default 512 KiB. */
  maxBatchBytes?: number;
  /** How long the first message of a batch waits for company, in milliseconds. Default 2. */
  lingerMs?: number;
  /** Most messages waiting to be sent; beyond it the oldest are dropped. Default 10000. */
  maxQueue?: number;
  /** Tries per batch (network errors, 408, 429, 5xx). Default 4. */
  maxAttempts?: number;
  /** First retry delay; doubles per try, with jitter, up to 2 s. Default 100. */
  retryDelayMs?: number;
  /** Per-request timeout. Default 5000. */
  timeoutMs?: number;
  /** How long `close()` keeps sending what is queued. Default 2000. */
  closeTimeoutMs?: number;
  /** Custom fetch (tests, proxies). Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Told about every loss, for logs; losses are repaired downstream by sequence. */
  onError?: ErrorHandler;
}

/**
 * Counters of an HTTP bus sender.
 *
 * @example
 * const { sent, dropped } = sender.stats();
 */
export interface HttpBusSenderStats {
  /** Messages the receiver accepted. */
  sent: number;
  /** Messages given up on (queue overflow, refused, invalid, or retries exhausted). */
  dropped: number;
  /** Messages waiting to be sent. */
  queued: number;
  /** Failed requests, including those retried successfully later. */
  failedRequests: number;
}

/**
 * The worker side of the embedded bus: publish only.
 *
 * @example
 * const bus: HttpBusSender = createHttpBusSender({ url, secret });
 * await bus.flush();
 */
export interface HttpBusSender extends UpdateBus {
  /** Resolves when everything queued so far was sent or given up on. */
  flush(): Promise<void>;
  /** Counters: sent, dropped, queued. */
  stats(): HttpBusSenderStats;
}

interface Queued {
  json: string;
  bytes: number;
}

const utf8 = new TextEncoder();
const MAX_RETRY_DELAY_MS = 2000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    // A retry wait must not keep a finished worker alive.
    (timer as { unref?: () => void }).unref?.();
  });
}

/**
 * Sends bus messages from a worker process to one server over HTTP: the
 * zero-infrastructure default. `publish()` never blocks and never fails: messages
 * are batched, sent in order by one request at a time, retried a bounded number of
 * times, and dropped when the server cannot take them (the client repairs any
 * loss from the workflow's log by sequence).
 *
 * @example
 * const bus = createHttpBusSender({ url: 'http://127.0.0.1:3000/api/resumable/bus', secret: process.env.RESUMABLE_BUS_SECRET! });
 * await bus.publish({ kind: 'update', taskId: 'order-1', update });
 * await bus.close(); // sends what is queued, for up to closeTimeoutMs
 */
export function createHttpBusSender(options: HttpBusSenderOptions): HttpBusSender {
  const url = String(options.url);
  const authorization = `Bearer ${checkSecret(options.secret, 'secret')}`;
  const maxBatchMessages = options.maxBatchMessages ?? 500;
  const maxBatchBytes = options.maxBatchBytes ?? 512 * 1024;
  const lingerMs = options.lingerMs ?? 2;
  const maxQueue = options.maxQueue ?? 10_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const retryDelayMs = options.retryDelayMs ?? 100;
  const timeoutMs = options.timeoutMs ?? 5000;
  const closeTimeoutMs = options.closeTimeoutMs ?? 2000;
  const doFetch = options.fetch ?? globalThis.fetch;

  const queue: Queued[] = [];
  const stats = { sent: 0, dropped: 0, failedRequests: 0 };
  let running: Promise<void> | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let abandon = false;

  function drop(count: number, error: ResumableError): void {
    stats.dropped += count;
    if (options.onError) reportError(options.onError, error, { source: 'http-bus-sender', dropped: count });
  }

  function schedule(): void {
    if (running !== null || timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      void run();
    }, lingerMs);
  }

  function run(): Promise<void> {
    running ??= (async () => {
      try {
        while (queue.length > 0 && !abandon) await sendBatch(takeBatch());
      } finally {
        running = null;
      }
    })();
    return running;
  }

  function takeBatch(): Queued[] {
    const batch: Queued[] = [];
    let bytes = 0;
    while (queue.length > 0 && batch.length < maxBatchMessages) {
      const next = queue[0] as Queued;
      // A message bigger than the byte bound still goes, alone.
      if (batch.length > 0 && bytes + next.bytes > maxBatchBytes) break;
      batch.push(queue.shift() as Queued);
      bytes += next.bytes + 1;
    }
    return batch;
  }

  async function sendBatch(batch: Queued[]): Promise<void> {
    const body = `{"messages":[${batch.map((item) => item.json).join(',')}]}`;
    let lastProblem = 'no attempt made';
    for (let attempt = 1; attempt <= maxAttempts && !abandon; attempt += 1) {
      try {
        const response = await doFetch(url, {
          method: 'POST',
          headers: { Authorization: authorization, 'Content-Type': 'application/json' },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        // The body is not needed; reading it frees the connection for reuse.
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) {
          stats.sent += batch.length;
          return;
        }
        stats.failedRequests += 1;
        lastProblem = `the receiver answered ${response.status}`;
        // 4xx other than timeout and rate limit will not change on retry.
        const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
        if (!retryable) break;
      } catch (error) {
        stats.failedRequests += 1;
        lastProblem = error instanceof Error ? error.message : String(error);
      }
      if (attempt < maxAttempts && !abandon) {
        await sleep(backoffDelay(attempt - 1, { initialDelayMs: retryDelayMs, maxDelayMs: MAX_RETRY_DELAY_MS }));
      }
    }
    drop(batch.length, new ResumableError('INTERNAL', `Bus batch of ${batch.length} dropped: ${lastProblem}`));
  }

  async function flush(): Promise<void> {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    while (queue.length > 0 || running !== null) await run();
  }

  return {
    async publish(message: BusMessage) {
      if (closed) {
        drop(1, new ResumableError('SHUTTING_DOWN', 'The bus sender is closed'));
        return;
      }
      const problem = busMessageProblem(message);
      let json: string | undefined;
      if (problem === null) {
        try {
          // Serialised now: later changes to the caller's object cannot alter what is sent.
          json = JSON.stringify(message);
        } catch {
          json = undefined;
        }
      }
      if (json === undefined) {
        drop(1, new ResumableError('BAD_REQUEST', `Invalid bus message: ${problem ?? 'not JSON-serialisable'}`));
        return;
      }
      queue.push({ json, bytes: utf8.encode(json).byteLength });
      if (queue.length > maxQueue) {
        queue.shift();
        drop(
          1,
          new ResumableError('TOO_MANY_REQUESTS', `More than ${maxQueue} bus messages queued; the oldest was dropped`),
        );
      }
      schedule();
    },
    async subscribe() {
      throw new ResumableError(
        'METHOD_NOT_ALLOWED',
        'An HTTP bus sender only publishes; subscribe on the server’s bus',
      );
    },
    flush,
    async close() {
      if (closed) return;
      closed = true;
      let deadline: ReturnType<typeof setTimeout> | undefined;
      const giveUp = new Promise<void>((resolve) => {
        deadline = setTimeout(resolve, closeTimeoutMs);
      });
      await Promise.race([flush(), giveUp]);
      clearTimeout(deadline);
      abandon = true;
      if (queue.length > 0)
        drop(queue.splice(0).length, new ResumableError('SHUTTING_DOWN', 'Closed with messages unsent'));
    },
    stats: () => ({ ...stats, queued: queue.length }),
  };
}
