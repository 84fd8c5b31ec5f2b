/**
 * The soak's clients. Two kinds, both resuming by sequence after every drop:
 * - `eventsource`: the spec-strict `eventsource` package, as a browser's EventSource
 *   behaves (its own reconnects with Last-Event-ID; a fresh instance with
 *   `?lastEventId=` after a refusal, which ends an EventSource for good);
 * - `raw`: plain HTTP and our own parser, which sees every event name and field, so
 *   a forged event is caught whatever it is called; it can also freeze its socket.
 */
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { createSseParser } from '@resumable/protocol';
import { EventSource } from 'eventsource';
import { Ledger } from './ledger';

export type ClientKind = 'eventsource' | 'raw' | 'chromium-native' | 'chromium-hook';

export interface ClientOptions {
  kind: 'eventsource' | 'raw';
  task: string;
  total: number;
  token: string;
  /** Ports to connect to, in turn (the proxy, or servers directly). */
  ports: number[];
  random: () => number;
}

export interface SoakClient {
  readonly kind: ClientKind;
  readonly ledger: Ledger;
  /** Requests made (the first and every reconnect). */
  readonly connects: number;
  stop(): void;
}

const streamPath = (task: string, token: string) =>
  `/api/temporal/stream/${encodeURIComponent(task)}?token=${encodeURIComponent(token)}`;

/** Names the hostile payloads try to inject, listened for so a forgery would be seen. */
const FORGERY_NAMES = ['message', 'x', 'admin'];

export function startClient(options: ClientOptions): SoakClient {
  return options.kind === 'eventsource' ? new EventSourceClient(options) : new RawClient(options);
}

class EventSourceClient implements SoakClient {
  readonly kind = 'eventsource';
  readonly ledger: Ledger;
  connects = 0;
  #source: EventSource | undefined;
  #stopped = false;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #turn = 0;

  constructor(readonly options: ClientOptions) {
    this.ledger = new Ledger(options.task, options.total);
    this.#open();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retry);
    this.#source?.close();
  }

  #open(): void {
    const { options, ledger } = this;
    const port = options.ports[this.#turn++ % options.ports.length];
    const resume = ledger.lastSequence ? `&lastEventId=${ledger.lastSequence}` : '';
    const source = new EventSource(`http://127.0.0.1:${port}${streamPath(options.task, options.token)}${resume}`);
    this.#source = source;
    source.addEventListener('open', () => this.connects++);
    for (const name of ['connected', 'update', ...FORGERY_NAMES]) {
      source.addEventListener(name, (event) => ledger.event(name, event.data, event.lastEventId || undefined));
    }
    source.addEventListener('end', () => {
      ledger.event('end', '', undefined);
      source.close();
    });
    source.addEventListener('error', (event) => {
      // CONNECTING: it reconnects by itself. CLOSED: a 204 says nothing is left (the end
      // went to a connection that was cut); any other refusal (503 while Temporal is down) gets a new one.
      if (source.readyState !== EventSource.CLOSED || this.#stopped || ledger.ended) return;
      if (event.code === 204) return ledger.event('end', '', undefined);
      this.#retry = setTimeout(() => this.#open(), 500 + options.random() * 1000);
    });
  }
}

export class RawClient implements SoakClient {
  readonly kind = 'raw';
  readonly ledger: Ledger;
  connects = 0;
  #request: ClientRequest | undefined;
  #response: IncomingMessage | undefined;
  #stopped = false;
  #retryMs = 1000;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #turn = 0;
  /** Set while frozen; the time the stream closed, if it did. */
  #frozen: { closedAt?: number } | undefined;
  #freezeNext = false;
  /** The last few things that happened to this client, for the report of a failed one. */
  readonly history: string[] = [];

  constructor(readonly options: ClientOptions) {
    this.ledger = new Ledger(options.task, options.total);
    this.#open();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#request?.destroy();
  }

  /**
   * A slow consumer: reconnects (as after a network change) and reads nothing of the
   * new stream for `ms`, so the kernel's buffers fill (a fresh socket's receive buffer
   * stays small when nothing is read) and the server's backlog grows past its limit.
   * Then reads on. Resolves with whether the server closed the stream meanwhile.
   */
  async freeze(ms: number): Promise<{ closedByServer: boolean; frozeOnUpdate: number }> {
    const frozeOnUpdate = this.ledger.lastSequence;
    this.#freezeNext = true;
    this.#request?.destroy();
    const deadline = Date.now() + 20_000;
    while (!this.#frozen) {
      if (this.ledger.ended || Date.now() > deadline) return { closedByServer: false, frozeOnUpdate };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const response = this.#response;
    await new Promise((resolve) => setTimeout(resolve, ms));
    response?.resume();
    // A closed stream shows once its buffered bytes are read.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const closedByServer = this.#frozen.closedAt !== undefined;
    this.#frozen = undefined;
    return { closedByServer, frozeOnUpdate };
  }

  #again(): void {
    if (this.#stopped || this.ledger.ended) return;
    clearTimeout(this.#timer);
    // A frozen client reads nothing, its reconnect included: it resumes once it reads again.
    if (this.#frozen) {
      this.#timer = setTimeout(() => this.#again(), 200);
      return;
    }
    this.#timer = setTimeout(() => this.#open(), this.#retryMs * (0.5 + this.options.random()));
  }

  #open(): void {
    const { options, ledger } = this;
    this.connects++;
    const port = options.ports[this.#turn++ % options.ports.length] as number;
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (ledger.lastSequence) headers['last-event-id'] = String(ledger.lastSequence);
    const req = request({
      host: '127.0.0.1',
      port,
      path: streamPath(options.task, options.token),
      headers,
      agent: false,
    });
    this.#request = req;
    const note = (what: string) => {
      this.history.push(`${new Date().toISOString().slice(11, 23)} :${port} ${what}`);
      if (this.history.length > 12) this.history.shift();
    };
    note(`open from ${ledger.lastSequence}`);
    req.on('error', (error) => {
      note(`error ${error.message}`);
      this.#again();
    });
    req.on('response', (response) => {
      note(`status ${response.statusCode}`);
      this.#response = response;
      if (response.statusCode === 204) {
        // Nothing left: the workflow closed and we have it all.
        ledger.event('end', '', undefined);
        response.resume();
        return;
      }
      if (response.statusCode !== 200) {
        response.resume();
        response.on('end', () => this.#again());
        return;
      }
      const parser = createSseParser({
        onEvent: (message) => {
          ledger.event(message.event ?? 'message', message.data, message.id);
          if (message.event === 'end') req.destroy();
        },
        onRetry: (ms) => (this.#retryMs = ms),
      });
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => parser.feed(chunk));
      response.on('close', () => {
        note(`closed at ${ledger.lastSequence}`);
        if (this.#frozen && this.#frozen.closedAt === undefined) this.#frozen.closedAt = Date.now();
        this.#again();
      });
      response.on('error', () => undefined);
      if (this.#freezeNext) {
        this.#freezeNext = false;
        this.#frozen = {};
        response.pause();
      }
    });
    req.end();
  }
}
