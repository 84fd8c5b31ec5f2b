/**
 * Benchmark client process: N task-stream clients on raw `http.get` with a minimal
 * SSE line parser, driven by recovery-server.bench.ts over IPC. It runs apart from
 * the server so that parsing a million events does not share the server's event
 * loop. Each update's receive time is taken when its chunk arrives, on
 * `performance.timeOrigin + performance.now()` (the same clock as the server side).
 */
import { get, type ClientRequest } from 'node:http';

const now = () => performance.timeOrigin + performance.now();
const send = (message: unknown) => process.send?.(message);

/** Open a stream per `since` entry; every client expects `since + 1 … total`, then `end`. */
interface OpenMessage {
  type: 'open';
  url: string;
  token: string;
  since: number[];
  total: number;
  timeoutMs: number;
  /** A running workflow sends no `end`: a client is done once it has update `total`. */
  untilTotal?: boolean;
}

/** Latency of every received update: receive (this clock) − offset − publish (server clock). */
interface LatencyMessage {
  type: 'latency';
  /** Publish time per sequence, server clock; index = sequence. */
  publish: (number | null)[];
  /** This process's clock minus the server's. */
  offset: number;
  /** Also report the updates above this sequence on their own. */
  liveFrom: number;
}

type Message = OpenMessage | LatencyMessage | { type: 'ping'; id: number } | { type: 'reset' } | { type: 'exit' };

interface Run {
  n: number;
  total: number;
  since: number[];
  /** Receive time of (client, sequence) at `client * (total + 1) + sequence`; NaN = not received. */
  received: Float64Array;
  last: Int32Array;
  endAt: Float64Array;
  connectedAt: Float64Array;
  startedAt: number;
  settled: number;
  failures: string[];
  outOfOrder: number;
  duplicates: number;
  events: number;
  requests: ClientRequest[];
  timer: ReturnType<typeof setTimeout> | undefined;
  reported: boolean;
  cpu: NodeJS.CpuUsage;
}

let run: Run | undefined;

function open(message: OpenMessage): void {
  const n = message.since.length;
  const current: Run = {
    n,
    total: message.total,
    since: message.since,
    received: new Float64Array(n * (message.total + 1)).fill(Number.NaN),
    last: Int32Array.from(message.since),
    endAt: new Float64Array(n).fill(Number.NaN),
    connectedAt: new Float64Array(n).fill(Number.NaN),
    startedAt: now(),
    settled: 0,
    failures: [],
    outOfOrder: 0,
    duplicates: 0,
    events: 0,
    requests: [],
    timer: undefined,
    reported: false,
    cpu: process.cpuUsage(),
  };
  run = current;
  current.timer = setTimeout(() => report(current), message.timeoutMs);
  for (let client = 0; client < n; client++) connect(current, client, message);
  send({ type: 'opened', startedAt: current.startedAt });
}

function settle(current: Run): void {
  current.settled++;
  if (current.settled === current.n) report(current);
}

function connect(current: Run, client: number, message: OpenMessage): void {
  const base = client * (current.total + 1);
  let done = false;
  const finish = (failure?: string) => {
    if (done) return;
    done = true;
    if (failure) current.failures.push(failure);
    settle(current);
  };
  const request = get(
    message.url,
    {
      agent: false,
      headers: {
        Accept: 'text/event-stream',
        Authorization: `Bearer ${message.token}`,
        'Last-Event-ID': String(message.since[client]),
      },
    },
    (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        return finish(`HTTP ${response.statusCode}`);
      }
      response.setEncoding('utf8');
      let buffer = '';
      let id = '';
      let event = '';
      response.on('data', (chunk: string) => {
        const at = now();
        buffer += chunk;
        let from = 0;
        for (let newline = buffer.indexOf('\n', from); newline >= 0; newline = buffer.indexOf('\n', from)) {
          const end = newline > from && buffer.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
          const line = buffer.slice(from, end);
          from = newline + 1;
          if (line === '') {
            // Blank line: dispatch. Only the fields the benchmark needs are kept.
            if (event === 'update') {
              const sequence = Number(id);
              current.events++;
              if (sequence <= current.last[client]!) current.duplicates++;
              else if (sequence !== current.last[client]! + 1) current.outOfOrder++;
              if (sequence > current.last[client]!) current.last[client] = sequence;
              if (sequence >= 0 && sequence <= current.total && Number.isNaN(current.received[base + sequence])) {
                current.received[base + sequence] = at;
              }
              if (message.untilTotal && sequence === current.total) {
                current.endAt[client] = at;
                response.destroy();
                return finish();
              }
            } else if (event === 'connected') {
              current.connectedAt[client] = at;
            } else if (event === 'end') {
              current.endAt[client] = at;
              response.destroy();
              return finish();
            }
            id = '';
            event = '';
            continue;
          }
          if (line.charCodeAt(0) === 58) continue; // ':' comment (heartbeat)
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          let value = colon < 0 ? '' : line.slice(colon + 1);
          if (value.charCodeAt(0) === 32) value = value.slice(1);
          if (field === 'id') id = value;
          else if (field === 'event') event = value;
        }
        buffer = buffer.slice(from);
      });
      response.on('close', () => finish('closed before end'));
    },
  );
  request.on('error', (error) => finish(`request error: ${error.message}`));
  current.requests.push(request);
}

function report(current: Run): void {
  if (current.reported) return;
  current.reported = true;
  clearTimeout(current.timer);
  const cpu = process.cpuUsage(current.cpu);
  // A client is exact when it received since+1 … total, each once and in order.
  let exact = 0;
  let updates = 0;
  for (let client = 0; client < current.n; client++) {
    const base = client * (current.total + 1);
    let complete = !Number.isNaN(current.endAt[client]!);
    for (let sequence = current.since[client]! + 1; sequence <= current.total; sequence++) {
      if (Number.isNaN(current.received[base + sequence]!)) complete = false;
      else updates++;
    }
    if (complete) exact++;
  }
  const failures = new Map<string, number>();
  for (const failure of current.failures) failures.set(failure, (failures.get(failure) ?? 0) + 1);
  send({
    type: 'done',
    startedAt: current.startedAt,
    clients: current.n,
    ended: Array.from(current.endAt).filter((at) => !Number.isNaN(at)).length,
    exact,
    updates,
    events: current.events,
    outOfOrder: current.outOfOrder,
    duplicates: current.duplicates,
    failures: Object.fromEntries(failures),
    endAt: Array.from(current.endAt),
    connectedAt: Array.from(current.connectedAt),
    cpuMs: (cpu.user + cpu.system) / 1000,
  });
}

/** Nearest-rank percentile of an ascending typed array (as `percentile` of @resumable/kit/bench-report). */
function rank(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function summary(values: number[]) {
  const sorted = Float64Array.from(values).sort();
  return { count: sorted.length, p50: rank(sorted, 50), p99: rank(sorted, 99), max: rank(sorted, 100) };
}

function latency(message: LatencyMessage): void {
  const current = run;
  if (!current) return void send({ type: 'latency', all: summary([]), live: summary([]) });
  const all: number[] = [];
  const live: number[] = [];
  for (let client = 0; client < current.n; client++) {
    const base = client * (current.total + 1);
    for (let sequence = 1; sequence <= current.total; sequence++) {
      const at = current.received[base + sequence]!;
      const published = message.publish[sequence];
      if (Number.isNaN(at) || published == null) continue;
      const ms = at - message.offset - published;
      all.push(ms);
      if (sequence > message.liveFrom) live.push(ms);
    }
  }
  send({ type: 'latency', all: summary(all), live: summary(live) });
}

function reset(): void {
  if (run) {
    clearTimeout(run.timer);
    for (const request of run.requests) request.destroy();
  }
  run = undefined;
  send({ type: 'reset' });
}

process.on('message', (message: Message) => {
  if (message.type === 'ping') send({ type: 'pong', id: message.id, at: now() });
  else if (message.type === 'open') open(message);
  else if (message.type === 'latency') latency(message);
  else if (message.type === 'reset') reset();
  else if (message.type === 'exit') {
    if (run) for (const request of run.requests) request.destroy();
    process.exit(0);
  }
});
// The orchestrator going away must not leave this process behind.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
