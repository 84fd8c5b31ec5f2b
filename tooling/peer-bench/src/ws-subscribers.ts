/**
 * Benchmark client process for @temporalio/workflow-streams: N subscribers on one
 * workflow, each `WorkflowStreamClient.create(client, workflowId).topic('tick').subscribe(0)`
 * with the library's defaults (100 ms poll cooldown), all on one Temporal client
 * connection, as a backend serving N browsers would hold them. Speaks the same IPC
 * as the recovery-server bench's sse-clients.ts (`open`, `done`, `latency`, `ping`),
 * so the orchestrator treats both alike. Receive time: when the iterator yields
 * the item, on `performance.timeOrigin + performance.now()`.
 *
 *   argv: <temporal address> <namespace>
 */
import { Client, Connection } from '@temporalio/client';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';

const now = () => performance.timeOrigin + performance.now();
const send = (message: unknown) => process.send?.(message);
const [address, namespace] = process.argv.slice(2) as [string, string];

interface OpenMessage {
  type: 'open';
  workflowId: string;
  clients: number;
  total: number;
  timeoutMs: number;
}
interface LatencyMessage {
  type: 'latency';
  publish: (number | null)[];
  offset: number;
}
type Message = OpenMessage | LatencyMessage | { type: 'ping'; id: number } | { type: 'report' } | { type: 'exit' };

interface Run {
  n: number;
  total: number;
  received: Float64Array;
  last: Int32Array;
  endAt: Float64Array;
  startedAt: number;
  settled: number;
  failures: string[];
  outOfOrder: number;
  duplicates: number;
  events: number;
  reported: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
  cpu: NodeJS.CpuUsage;
}

let run: Run | undefined;
/** An error's kind without the ids in it, so equal failures count together. */
const kind = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const own = `${error.name}: ${error.message.slice(0, 120).replace(/[0-9a-f-]{8,}|\d+/gi, '#')}`;
  return error.cause instanceof Error ? `${own} (${kind(error.cause)})` : own;
};
const connection = await Connection.connect({ address });
/** Polls started (each an Update request) and polls the server or client refused, all runs of this process. */
const polls = { started: 0, refused: 0, refusedKinds: new Map<string, number>() };
const client = new Client({
  connection,
  namespace,
  interceptors: {
    workflow: [
      {
        async startUpdate(input, next) {
          polls.started++;
          try {
            return await next(input);
          } catch (error) {
            polls.refused++;
            const what = kind(error);
            polls.refusedKinds.set(what, (polls.refusedKinds.get(what) ?? 0) + 1);
            throw error;
          }
        },
      },
    ],
  },
});

async function subscriber(current: Run, index: number, workflowId: string): Promise<string | undefined> {
  const base = index * (current.total + 1);
  const ticks = WorkflowStreamClient.create(client, workflowId).topic<{ n: number }>('tick');
  try {
    for await (const item of ticks.subscribe(0)) {
      const at = now();
      const sequence = item.offset + 1;
      current.events++;
      if (sequence <= current.last[index]!) current.duplicates++;
      else if (sequence !== current.last[index]! + 1) current.outOfOrder++;
      if (sequence > current.last[index]!) current.last[index] = sequence;
      if (sequence >= 1 && sequence <= current.total && Number.isNaN(current.received[base + sequence])) {
        current.received[base + sequence] = at;
      }
      if (sequence >= current.total) {
        current.endAt[index] = at;
        return undefined;
      }
      if (current.reported) return 'timed out';
    }
    return 'stream ended before the last update';
  } catch (error) {
    return kind(error);
  }
}

function open(message: OpenMessage): void {
  const n = message.clients;
  const current: Run = {
    n,
    total: message.total,
    received: new Float64Array(n * (message.total + 1)).fill(Number.NaN),
    last: new Int32Array(n),
    endAt: new Float64Array(n).fill(Number.NaN),
    startedAt: now(),
    settled: 0,
    failures: [],
    outOfOrder: 0,
    duplicates: 0,
    events: 0,
    reported: false,
    timer: undefined,
    cpu: process.cpuUsage(),
  };
  run = current;
  current.timer = setTimeout(() => report(current), message.timeoutMs);
  for (let index = 0; index < n; index++) {
    void subscriber(current, index, message.workflowId).then((failure) => {
      if (failure) current.failures.push(failure);
      current.settled++;
      if (current.settled === current.n) report(current);
    });
  }
  send({ type: 'opened', startedAt: current.startedAt });
}

function report(current: Run): void {
  if (current.reported) return;
  current.reported = true;
  clearTimeout(current.timer);
  const cpu = process.cpuUsage(current.cpu);
  let exact = 0;
  let updates = 0;
  for (let index = 0; index < current.n; index++) {
    const base = index * (current.total + 1);
    let complete = !Number.isNaN(current.endAt[index]!);
    for (let sequence = 1; sequence <= current.total; sequence++) {
      if (Number.isNaN(current.received[base + sequence]!)) complete = false;
      else updates++;
    }
    if (complete) exact++;
  }
  const failures = new Map<string, number>();
  for (const failure of current.failures) failures.set(failure, (failures.get(failure) ?? 0) + 1);
  const unsettled = current.n - current.settled;
  if (unsettled > 0) failures.set('still waiting at the time limit', unsettled);
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
    cpuMs: (cpu.user + cpu.system) / 1000,
    polls: { started: polls.started, refused: polls.refused, kinds: Object.fromEntries(polls.refusedKinds) },
  });
}

function rank(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function latency(message: LatencyMessage): void {
  const values: number[] = [];
  const current = run;
  if (current) {
    for (let index = 0; index < current.n; index++) {
      const base = index * (current.total + 1);
      for (let sequence = 1; sequence <= current.total; sequence++) {
        const at = current.received[base + sequence]!;
        const published = message.publish[sequence];
        if (!Number.isNaN(at) && published != null) values.push(at - message.offset - published);
      }
    }
  }
  const sorted = Float64Array.from(values).sort();
  const all = { count: sorted.length, p50: rank(sorted, 50), p99: rank(sorted, 99), max: rank(sorted, 100) };
  send({ type: 'latency', all, live: all });
}

process.on('message', (message: Message) => {
  if (message.type === 'ping') send({ type: 'pong', id: message.id, at: now() });
  else if (message.type === 'open') open(message);
  else if (message.type === 'latency') latency(message);
  else if (message.type === 'report') {
    if (run) report(run);
  } else if (message.type === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
