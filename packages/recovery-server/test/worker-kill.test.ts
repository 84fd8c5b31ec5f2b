/**
 * Issue 17, the kill case: a worker that dies between the sink call and the workflow
 * task completion has pushed a live update that never entered the durable log, and
 * Temporal's retry (on another worker, after the workflow task timeout) emits
 * different content at that sequence. Every client must see the durable content,
 * exactly once, in order.
 *
 * Real processes: each worker runs in a child process (test/fixtures/killable-worker.ts)
 * and pushes updates over the HTTP bus to a recovery server on a loopback socket; with
 * KILL_AT=k it SIGKILLs itself once the bus POST carrying update k was accepted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  describeErrorContext,
  type BusMessage,
  type ErrorHandler,
  type UpdateBus,
  type WorkflowState,
  type WorkflowUpdate,
} from '@resumable/protocol';
import { createInMemoryBus } from '@resumable/sse-publisher';
import { queryPatiently, temporalTestServer, uniqueTaskQueue } from '@resumable/temporal-dev/vitest';
import type { Client } from '@temporalio/client';
import { mintToken } from '../src/auth/tokens';
import { countingClient, SECRET, startServer, type ServerInstance } from './harness';
import { StreamFollower, range, type StreamRecord } from './sse-client';
import { attemptTask, emitMore, finish } from './workflows';

const ROOT = resolve(import.meta.dirname, '../../..');
const WORKER_SCRIPT = resolve(import.meta.dirname, 'fixtures/killable-worker.ts');
const BUS_SECRET = 'worker-kill-test-bus-secret-0123456789';
/** Workers killed, one per sequence 1 … KILLS; the workflow then ends at KILLS + 1. */
const KILLS = 5;
/** The midway client connects just before this kill. */
const MIDWAY_AT = 3;

// ---- child workers -----------------------------------------------------------

interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface ChildWorker {
  name: string;
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<WorkerExit>;
  /** Every update this worker handed to the bus, in order. */
  published: WorkflowUpdate[];
  /** The update it was delivering when it killed itself. */
  killedAfter: WorkflowUpdate | undefined;
  /** Its stderr, for error messages. */
  stderr(): string;
}

const children = new Set<ChildWorker>();

function startWorker(env: { taskQueue: string; busUrl: string; killAt?: number }): ChildWorker {
  const { address, namespace } = temporalTestServer();
  const bundle = inject('workflowBundles')['recovery-server'];
  if (!bundle) throw new Error('No workflow bundle named "recovery-server" (test/workflows.ts)');
  const name = env.killAt === undefined ? 'worker (no kill)' : `worker KILL_AT=${env.killAt}`;
  const child = spawn(process.execPath, ['--conditions=@resumable/source', '--import', 'tsx', WORKER_SCRIPT], {
    cwd: ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
      TASK_QUEUE: env.taskQueue,
      WORKFLOW_BUNDLE: bundle,
      BUS_URL: env.busUrl,
      BUS_SECRET,
      KILL_AT: env.killAt === undefined ? '' : String(env.killAt),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<WorkerExit>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  let markReady!: () => void;
  const ready = new Promise<void>((done, fail) => {
    markReady = done;
    void exited.then((exit) =>
      fail(new Error(`${name} exited before it was ready (${exit.signal ?? exit.code}): ${stderr}`)),
    );
  });
  ready.catch(() => undefined);
  const worker: ChildWorker = {
    name,
    child,
    ready,
    exited,
    published: [],
    killedAfter: undefined,
    stderr: () => stderr,
  };
  let rest = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const message = JSON.parse(line) as { event: string; update?: WorkflowUpdate };
      if (message.event === 'ready') markReady();
      else if (message.event === 'published') worker.published.push(message.update as WorkflowUpdate);
      else if (message.event === 'killing') worker.killedAfter = message.update;
    }
  });
  children.add(worker);
  void exited.then(() => children.delete(worker));
  return worker;
}

async function killAll(): Promise<void> {
  await Promise.all(
    [...children].map(async (worker) => {
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
      await within(worker.exited, 10_000, `${worker.name} to exit after SIGKILL`);
    }),
  );
}

// ---- bounded waits -----------------------------------------------------------

async function within<T>(promise: Promise<T>, ms: number, what: string, detail: () => string = () => ''): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => {
      const more = detail();
      fail(new Error(`Timed out after ${ms} ms waiting for ${what}${more ? `: ${more}` : ''}`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitUntil(
  check: () => Promise<boolean> | boolean,
  ms: number,
  what: string,
  detail?: () => string,
): Promise<void> {
  const deadline = Date.now() + ms;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const extra = [detail?.(), lastError ? `last error: ${String(lastError)}` : ''].filter(Boolean).join('; ');
      throw new Error(`Timed out after ${ms} ms waiting for ${what}${extra ? `: ${extra}` : ''}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
}

// ---- what the comparison looks at ---------------------------------------------

/** One update as the screen would see it: sequence, type and data (plus id and timestamp). */
function content(update: WorkflowUpdate): string {
  const { sequence, type, data, id, timestamp } = update;
  return JSON.stringify({ sequence, type, data, id, timestamp });
}

interface Follower {
  name: string;
  follower: StreamFollower;
  updates: WorkflowUpdate[];
}

function follow(instance: ServerInstance, taskId: string, token: string, name: string): Follower {
  const updates: WorkflowUpdate[] = [];
  const follower = new StreamFollower(`${instance.baseUrl}/temporal/stream/${taskId}`, token, (update) =>
    updates.push(update),
  );
  return { name, follower, updates };
}

/** A bus that remembers every message published on it (what the live path carried). */
function recordingBus(inner: UpdateBus): UpdateBus & { messages: BusMessage[] } {
  const messages: BusMessage[] = [];
  return {
    messages,
    async publish(message) {
      messages.push(structuredClone(message));
      await inner.publish(message);
    },
    subscribe: inner.subscribe.bind(inner),
    close: inner.close.bind(inner),
  };
}

describe('a worker killed between the sink call and the workflow task completion', () => {
  let client: Client;
  let liveBus: ReturnType<typeof recordingBus>;
  /** Fed by the workers over the HTTP bus. */
  let live: ServerInstance;
  /** Reads only the durable log: its bus hears nothing. */
  let logOnly: ServerInstance;
  const errors: string[] = [];

  beforeAll(async () => {
    ({ client } = await countingClient());
    liveBus = recordingBus(createInMemoryBus());
    const onError: ErrorHandler = (error, context) =>
      void errors.push(`${describeErrorContext(context)}: ${String(error)}`);
    live = await startServer(client, { bus: liveBus, busSecret: BUS_SECRET, onError });
    logOnly = await startServer(client, { bus: createInMemoryBus(), onError });
  });
  afterEach(killAll);
  afterAll(async () => {
    await killAll();
    await live?.close();
    await logOnly?.close();
    await client?.connection.close();
  });

  it(`every client gets the durable content after ${KILLS} kills, exactly once, in order`, async () => {
    const started = Date.now();
    const taskQueue = uniqueTaskQueue('worker-kill');
    const busUrl = `${live.baseUrl}/resumable/bus`;
    const taskId = `worker-kill-${Date.now()}`;
    const token = await mintToken(SECRET, { subject: 'tester', tasks: [taskId], actions: ['read'], ttlSeconds: 600 });
    const handle = await client.workflow.start(attemptTask, {
      taskQueue,
      workflowId: taskId,
      workflowTaskTimeout: '2s',
    });

    const durable = async () =>
      (await queryPatiently<WorkflowState>(handle, 'getWorkflowState', { tries: 1 })).lastSequence;
    const durableAt = (sequence: number, worker: ChildWorker) =>
      waitUntil(
        async () => (await durable()) >= sequence,
        30_000,
        `the durable log to reach ${sequence} on ${worker.name}`,
        worker.stderr,
      );

    const workers: ChildWorker[] = [];
    let worker = startWorker({ taskQueue, busUrl, killAt: 1 });
    workers.push(worker);
    await within(worker.ready, 30_000, `${worker.name} to start`, worker.stderr);
    // The first workflow task (the start) completes on this worker; the log is readable.
    await durableAt(0, worker);

    const followers: Follower[] = [
      follow(logOnly, taskId, token, 'log-only server'),
      follow(live, taskId, token, 'early client'),
    ];
    await waitUntil(
      () => followers.every((f) => f.follower.record.connected.length > 0),
      10_000,
      'the early clients to connect',
    );

    const kills: WorkflowUpdate[] = [];
    for (let k = 1; k <= KILLS; k++) {
      if (k > 1) {
        worker = startWorker({ taskQueue, busUrl, killAt: k });
        workers.push(worker);
        await within(worker.ready, 30_000, `${worker.name} to start`, worker.stderr);
        // The retried task of sequence k - 1 passes on this worker (after the timeout).
        await durableAt(k - 1, worker);
      }
      if (k === MIDWAY_AT) {
        const midway = follow(live, taskId, token, 'midway client');
        followers.push(midway);
        await waitUntil(() => midway.follower.record.connected.length > 0, 10_000, 'the midway client to connect');
      }
      await handle.signal(emitMore, 1);
      const exit = await within(worker.exited, 30_000, `${worker.name} to kill itself at sequence ${k}`, worker.stderr);
      expect(exit, `${worker.name} must die by its own SIGKILL; stderr: ${worker.stderr()}`).toEqual({
        code: null,
        signal: 'SIGKILL',
      });
      expect(worker.killedAfter?.sequence, `${worker.name} died after delivering update ${k}`).toBe(k);
      kills.push(worker.killedAfter as WorkflowUpdate);
    }

    worker = startWorker({ taskQueue, busUrl });
    workers.push(worker);
    await within(worker.ready, 30_000, `${worker.name} to start`, worker.stderr);
    await durableAt(KILLS, worker);
    await handle.signal(finish);
    await expect(within(handle.result(), 30_000, 'the workflow result', worker.stderr)).resolves.toBe(KILLS + 1);
    followers.push(follow(live, taskId, token, 'late client'));

    const records = await within(
      Promise.all(followers.map((f) => f.follower.done)),
      30_000,
      'every client to get end',
      () =>
        followers
          .map(
            (f) => `${f.name}: ${f.follower.record.sequences.join(',')} end=${JSON.stringify(f.follower.record.end)}`,
          )
          .join('; '),
    );
    const state = await queryPatiently<WorkflowState>(handle, 'getWorkflowState');
    const log = state.updates;
    const elapsed = Date.now() - started;

    // The durable log: 1 … KILLS + 1, each written by the attempt that completed.
    expect(log.map((u) => u.sequence)).toEqual(range(1, KILLS + 1));

    // The kills produced a disagreement to hide: each killed attempt's update reached
    // the server's bus, and its content differs from the durable one at that sequence.
    const carried = liveBus.messages.flatMap((m) => (m.kind === 'update' && m.taskId === taskId ? [m.update] : []));
    for (const killed of kills) {
      expect(carried.map(content), `the killed attempt's update ${killed.sequence} reached the server's bus`).toContain(
        content(killed),
      );
    }
    // Temporal retried each killed task on the next worker, which published the durable content.
    kills.forEach((killed, i) => {
      const retry = workers[i + 1]?.published.find((u) => u.sequence === killed.sequence);
      expect(retry && content(retry), `the retry of sequence ${killed.sequence} on the next worker`).toBe(
        content(log[killed.sequence - 1] as WorkflowUpdate),
      );
    });
    const differing = kills.filter((killed) => content(killed) !== content(log[killed.sequence - 1] as WorkflowUpdate));
    expect(
      differing.length,
      'at least one killed attempt emitted other content than the durable log holds',
    ).toBeGreaterThan(0);

    const summary = followers.map((f, i) => {
      const record = records[i] as StreamRecord;
      const stale = f.updates.filter((u) => content(u) !== content(log[u.sequence - 1] ?? u)).map((u) => u.sequence);
      return `${f.name}: ${record.sequences.length} updates, end=${JSON.stringify(record.end)}, killed content at [${stale.join(',')}]`;
    });
    console.log(
      `[worker-kill] ${KILLS} kills in ${elapsed} ms; ${differing.length}/${kills.length} killed updates differ from the log; ` +
        `server errors: ${errors.length}\n  ${summary.join('\n  ')}`,
    );

    // Every client: the durable content, exactly once each, in order, then end.
    followers.forEach((f, i) => {
      const record = records[i] as StreamRecord;
      expect.soft(record.sequences, `${f.name}: sequences`).toEqual(range(1, KILLS + 1));
      expect
        .soft(record.end, `${f.name}: end`)
        .toEqual({ status: 'DONE', lastSequence: KILLS + 1, execution: 'COMPLETED' });
      expect.soft(f.updates.map(content), `${f.name}: content must equal the durable log`).toEqual(log.map(content));
    });
  }, 180_000);
});
