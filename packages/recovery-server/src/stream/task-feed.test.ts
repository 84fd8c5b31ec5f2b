import { describe, expect, it } from 'vitest';
import { ResumableError, type SseEvent, type UpdatesPage, type WorkflowUpdate } from '@resumable/protocol';
import { createInMemoryBus, type PreparedEvent } from '@resumable/sse-publisher';
import type { ExecutionInfo } from '../temporal/gateway';
import { ClosedLogs } from './closed-logs';
import { TaskFeed, type FeedSource } from './task-feed';
import type { StreamChannels, StreamConnection } from './types';

const TASK = 'task-1';

function update(sequence: number): WorkflowUpdate {
  return { id: `${TASK}:${sequence}`, timestamp: 1000 + sequence, sequence, type: 'tick', data: { n: sequence } };
}

/** An in-memory durable log standing in for the workflow's queries. */
class FakeLog implements FeedSource {
  updates: WorkflowUpdate[] = [];
  running = true;
  firstSequence = 1;
  reads = 0;
  pageSize = 500;
  /** While true, reads fail as Temporal's do while the workflow's task is failing. */
  taskFailing = false;

  emit(count: number): WorkflowUpdate[] {
    const made: WorkflowUpdate[] = [];
    const base = this.updates.length;
    for (let i = 1; i <= count; i++) made.push(update(base + i));
    this.updates.push(...made);
    return made;
  }

  async readUpdates(_taskId: string, since: number, limit: number): Promise<UpdatesPage> {
    this.reads++;
    if (this.taskFailing) throw new ResumableError('WORKFLOW_TASK_FAILING', 'the task is failing');
    const after = this.updates.filter((u) => u.sequence > since && u.sequence >= this.firstSequence);
    const page = after.slice(0, Math.min(limit, this.pageSize));
    return {
      taskId: TASK,
      status: this.running ? 'RUNNING' : 'DONE',
      lastSequence: this.updates.length,
      updates: page,
      hasMore: after.length > page.length,
    };
  }

  async describe(): Promise<ExecutionInfo> {
    return {
      running: this.running,
      executionStatus: this.running ? 'RUNNING' : 'COMPLETED',
      taskFailing: this.taskFailing,
      runId: 'run-1',
    };
  }

  /** Whole-log reads of the closed run (one query each in the real gateway). */
  closedReads = 0;
  private readonly closedLogs = new ClosedLogs(
    {
      readClosedLog: async (taskId, runId) => {
        this.closedReads++;
        const updates = this.updates.filter((u) => u.sequence >= this.firstSequence);
        const lastSequence = this.updates.length;
        return { taskId, runId, status: 'DONE', lastSequence, firstSequence: this.firstSequence, updates };
      },
      describe: () => this.describe(),
    },
    { maxBytes: 1024 * 1024 },
  );

  /** Off by default, so the paged path keeps its own tests. */
  wholeLogReads = false;
  get closedLog() {
    return this.wholeLogReads ? (taskId: string, runId: string) => this.closedLogs.get(taskId, runId) : undefined;
  }
}

/** Connections and channels that record what each client was sent. */
class FakeChannels implements StreamChannels {
  readonly members = new Map<string, Set<FakeConnection>>();
  channel(name: string) {
    return {
      broadcast: (event: SseEvent | PreparedEvent) => {
        const members = this.members.get(name) ?? new Set();
        for (const connection of members) connection.send(event);
        return members.size;
      },
    };
  }
}

class FakeConnection implements StreamConnection {
  static next = 0;
  readonly id = `c${++FakeConnection.next}`;
  isClosed = false;
  readonly events: SseEvent[] = [];
  constructor(private readonly channels: FakeChannels) {}
  /** Writes, one per send: a joined catch-up slice is one. */
  writes = 0;
  send(event: SseEvent | PreparedEvent): boolean {
    if (this.isClosed) return false;
    this.writes++;
    if ('events' in event) this.events.push(...event.events);
    else this.events.push(event);
    return true;
  }
  attach(channel: string): void {
    const members = this.channels.members.get(channel) ?? new Set();
    members.add(this);
    this.channels.members.set(channel, members);
  }
  detach(channel: string): void {
    this.channels.members.get(channel)?.delete(this);
  }
  close(): void {
    this.isClosed = true;
    for (const members of this.channels.members.values()) members.delete(this);
  }
  get sequences(): number[] {
    return this.events.filter((e) => e.event === 'update').map((e) => Number(e.id));
  }
  get ended(): boolean {
    return this.events.some((e) => e.event === 'end');
  }
  /** What each update event carried, as `sequence:label`. */
  get contents(): string[] {
    return this.events
      .filter((e) => e.event === 'update')
      .map((e) => JSON.parse(e.data) as WorkflowUpdate<string, { label?: string; n: number }>)
      .map((u) => `${u.sequence}:${u.data.label ?? u.data.n}`);
  }
}

function setup(options: Partial<ConstructorParameters<typeof TaskFeed>[4]> = {}) {
  const log = new FakeLog();
  const bus = createInMemoryBus();
  const channels = new FakeChannels();
  const feed = new TaskFeed(TASK, log, bus, channels, {
    cacheSize: 100,
    tailCheckMs: 20,
    maxTailCheckMs: 50,
    describeTtlMs: 0,
    ...options,
  });
  const live = (updates: WorkflowUpdate[]) =>
    Promise.all(updates.map((u) => bus.publish({ kind: 'update', taskId: TASK, update: u })));
  const connect = async (since: number) => {
    await feed.prepare(since);
    const connection = new FakeConnection(channels);
    feed.add(connection, since);
    return connection;
  };
  return { log, bus, channels, feed, live, connect };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('TaskFeed', () => {
  it('catches a client up from the log, then delivers live updates once each', async () => {
    const { log, live, connect } = setup();
    log.emit(5);
    const client = await connect(2);
    await settle();
    expect(client.sequences).toEqual([3, 4, 5]);
    const next = log.emit(3);
    await live([next[0]!, next[0]!, next[1]!, next[2]!, next[1]!]);
    await expect.poll(() => client.sequences).toEqual([3, 4, 5, 6, 7, 8]);
  });

  it('holds a live update that skips ahead until the gap is read from the log', async () => {
    const { log, live, connect } = setup();
    log.emit(2);
    const client = await connect(0);
    await settle();
    const next = log.emit(4); // 3, 4, 5, 6
    await live([next[2]!, next[3]!]); // 5 and 6 arrive, 3 and 4 were lost
    await expect.poll(() => client.sequences).toEqual(range(1, 6));
  });

  it('delivers a lost last update through the tail check', async () => {
    const { log, live, connect } = setup();
    const client = await connect(0);
    const made = log.emit(3);
    await live([made[0]!, made[1]!]); // the bus lost 3
    await expect.poll(() => client.sequences, { timeout: 2_000 }).toEqual([1, 2, 3]);
  });

  it('ends every client once the workflow closed and everything was sent', async () => {
    const { log, live, connect } = setup();
    log.emit(2);
    const first = await connect(0);
    const second = await connect(1);
    await live(log.emit(1));
    log.running = false;
    await expect.poll(() => first.ended && second.ended, { timeout: 2_000 }).toBe(true);
    expect(first.sequences).toEqual([1, 2, 3]);
    expect(second.sequences).toEqual([2, 3]);
    expect(first.events.at(-1)).toMatchObject({
      event: 'end',
      data: JSON.stringify({ status: 'DONE', lastSequence: 3, execution: 'COMPLETED' }),
    });
    expect(first.isClosed).toBe(true);
  });

  it('tells a client at the end of a closed workflow that it is finished (204)', async () => {
    const { log, feed } = setup();
    log.emit(4);
    log.running = false;
    expect(await feed.prepare(4)).toEqual({ finished: true });
    expect(await feed.prepare(3)).toEqual({ finished: false });
  });

  it('serves many concurrent resumes with two log reads', async () => {
    const { log, connect } = setup({ cacheSize: 10 });
    log.emit(300);
    log.pageSize = 1000;
    const clients = await Promise.all([250, 10, 120, 299, 0, 42].map((since) => connect(since)));
    await settle();
    expect(log.reads).toBeLessThanOrEqual(2);
    for (const [index, since] of [250, 10, 120, 299, 0, 42].entries()) {
      expect(clients[index]!.sequences).toEqual(range(since + 1, 300));
    }
  });

  it('pages through a long log below the cache', async () => {
    const { log, live, connect } = setup({ cacheSize: 5 });
    log.pageSize = 7;
    log.emit(40);
    const late = await connect(35);
    await settle();
    const early = await connect(0);
    await settle();
    await live(log.emit(2));
    await expect.poll(() => late.sequences).toEqual(range(36, 42));
    await expect.poll(() => early.sequences).toEqual(range(1, 42));
  });

  it('starts a client below a compacted log at the first update the log still holds', async () => {
    const { log, connect } = setup();
    log.emit(20);
    log.firstSequence = 11;
    const client = await connect(3);
    await settle();
    expect(client.sequences).toEqual(range(11, 20));
  });

  it('keeps a client that resumes beyond the log waiting until the log gets there', async () => {
    const { log, live, connect } = setup();
    log.emit(3);
    const ahead = await connect(5);
    await settle();
    expect(ahead.sequences).toEqual([]);
    await live(log.emit(4)); // 4..7
    await expect.poll(() => ahead.sequences).toEqual([6, 7]);
  });

  it('forgets a removed connection wherever it stands (live or waiting) and keeps serving the rest', async () => {
    const { log, live, connect, feed } = setup();
    log.emit(3);
    const clients = await Promise.all(range(1, 200).map(() => connect(0)));
    const ahead = await connect(5);
    await settle();
    expect(feed.clientCount).toBe(201);
    // A mass disconnect: every other live client, and the one still waiting.
    for (const client of clients.filter((_, i) => i % 2 === 0)) {
      client.close();
      feed.remove(client);
    }
    ahead.close();
    feed.remove(ahead);
    feed.remove(ahead); // twice is harmless
    expect(feed.clientCount).toBe(100);
    await live(log.emit(1));
    const kept = clients.filter((_, i) => i % 2 === 1);
    await expect.poll(() => kept.every((client) => client.sequences.join() === '1,2,3,4')).toBe(true);
    expect(clients.filter((_, i) => i % 2 === 0).every((client) => client.sequences.join() === '1,2,3')).toBe(true);
  });
  it('replays a range down a named connection, in order, without interleaving live updates', async () => {
    const { log, live, connect, feed } = setup();
    log.emit(6);
    const client = await connect(0);
    await settle();
    const replay = feed.replay(client.id, 2);
    await live(log.emit(1));
    // 7 is in the replay, or follows it once the log confirmed it: never in between.
    const result = await replay;
    expect(result?.lastSequence).toBeGreaterThanOrEqual(6);
    expect(result?.recovered).toBe((result?.lastSequence ?? 0) - 2);
    await expect.poll(() => client.sequences).toEqual([...range(1, 6), 3, 4, 5, 6, 7]);
    expect(await feed.replay('unknown', 0)).toBeUndefined();
  });

  it('sends a long catch-up in slices and still delivers every update once, in order', async () => {
    const { log, live, connect } = setup({ cacheSize: 10 });
    log.pageSize = 5000;
    log.emit(5000);
    const client = await connect(0);
    await live(log.emit(5)); // live updates arrive while the slices are being written
    await expect.poll(() => client.sequences.length, { timeout: 5_000 }).toBe(5005);
    expect(client.sequences).toEqual(range(1, 5005));
  });

  describe('content: the durable log always wins', () => {
    /** An update as a failed workflow task pushed it live: same sequence, other content. */
    const claimed = (sequence: number, label: string): WorkflowUpdate => ({
      ...update(sequence),
      data: { n: sequence, label },
    });
    const labelled = (log: FakeLog, label: string) => {
      const [made] = log.emit(1);
      made!.data = { n: made!.sequence, label };
      return made!;
    };

    it("never forwards a live update the log does not hold, and sends the log's copy of that sequence", async () => {
      const { log, live, connect } = setup();
      labelled(log, 'first');
      const client = await connect(0);
      await settle();
      // The task that emitted "second" at 2 failed: the log never got it.
      await live([claimed(2, 'second')]);
      await settle();
      expect(client.contents).toEqual(['1:first']);
      // The retried task recorded other content at 2, then more.
      const fixed = [labelled(log, 'fix-received'), labelled(log, 'second'), labelled(log, 'third')];
      await live(fixed);
      await expect.poll(() => client.contents).toEqual(['1:first', '2:fix-received', '3:second', '4:third']);
      // A late copy of the failed attempt's message changes nothing, and later clients get the same.
      await live([claimed(2, 'second')]);
      const later = await connect(0);
      await settle();
      expect(client.contents).toEqual(['1:first', '2:fix-received', '3:second', '4:third']);
      expect(later.contents).toEqual(client.contents);
    });

    it('forwards what the log says when live content and log disagree', async () => {
      const { log, live, connect } = setup();
      const client = await connect(0);
      const [real] = log.emit(1);
      await live([claimed(real!.sequence, 'not what the log says')]);
      await expect
        .poll(() => client.events.filter((e) => e.event === 'update').map((e) => e.data))
        .toEqual([JSON.stringify(real)]);
    });

    it('keeps streams open while the task is failing, serving the cache, then catches up when a retry succeeds', async () => {
      const { log, live, connect } = setup({ tailCheckMs: 10_000, maxTailCheckMs: 10_000 });
      labelled(log, 'first');
      const warm = await connect(0);
      await settle();
      log.taskFailing = true;
      await live([claimed(2, 'second')]);
      // A new client of this instance is served from the cache; prepare() does not throw.
      const during = await connect(0);
      await settle();
      expect(during.isClosed).toBe(false);
      expect(during.contents).toEqual(['1:first']);
      expect(warm.contents).toEqual(['1:first']);
      log.taskFailing = false;
      await live([labelled(log, 'fix-received'), labelled(log, 'second')]);
      await expect.poll(() => during.contents).toEqual(['1:first', '2:fix-received', '3:second']);
      expect(warm.contents).toEqual(during.contents);
    });

    it('opens a stream on a fresh instance while the task is failing, and delivers once the log can be read', async () => {
      const { log, live, connect, feed } = setup({ tailCheckMs: 10_000, maxTailCheckMs: 10_000 });
      labelled(log, 'first');
      log.taskFailing = true;
      await expect(feed.prepare(0)).resolves.toEqual({ finished: false });
      const client = await connect(0);
      await settle();
      expect(client.isClosed).toBe(false);
      expect(client.contents).toEqual([]);
      log.taskFailing = false;
      await live([labelled(log, 'fix-received')]);
      await expect.poll(() => client.contents).toEqual(['1:first', '2:fix-received']);
    });
  });

  it("sends end as soon as the closed workflow's last update is delivered, not at the next tail check", async () => {
    // Tail checks far away: only the confirming read's closed check can end the stream.
    const { log, live, connect } = setup({ tailCheckMs: 60_000, maxTailCheckMs: 60_000 });
    log.emit(2);
    const client = await connect(0);
    await settle();
    const last = log.emit(1);
    log.running = false;
    await live(last);
    await expect.poll(() => client.ended, { timeout: 1_000 }).toBe(true);
    expect(client.sequences).toEqual([1, 2, 3]);
  });
  describe('a closed run, read whole', () => {
    it('reads the log once for every client, and catches each up in a few pre-encoded writes', async () => {
      const { log, feed, connect } = setup({ cacheSize: 10 });
      log.wholeLogReads = true;
      log.emit(3000);
      log.running = false;
      const clients = await Promise.all([0, 1, 1500, 2999].map((since) => connect(since)));
      await expect.poll(() => clients.every((client) => client.ended), { timeout: 5_000 }).toBe(true);
      for (const [index, since] of [0, 1, 1500, 2999].entries()) {
        expect(clients[index]!.sequences).toEqual(range(since + 1, 3000));
        expect(clients[index]!.contents.at(-1)).toBe('3000:3000');
      }
      expect(log.closedReads).toBe(1);
      expect(log.reads).toBe(0);
      // 3,000 updates of about 100 bytes: a handful of slices, not one write per update.
      expect(clients[0]!.writes).toBeLessThan(20);
      // A client that has it all is told so (204), without another read.
      expect(await feed.prepare(3000)).toEqual({ finished: true });
      expect(log.closedReads).toBe(1);
    });

    it('a feed that followed the run sends its clients only what the closed log adds, then end', async () => {
      const { log, live, connect } = setup({ tailCheckMs: 20 });
      log.wholeLogReads = true;
      log.emit(5);
      const client = await connect(0);
      await expect.poll(() => client.sequences).toEqual(range(1, 5));
      await live(log.emit(2)); // 6, 7 live
      log.emit(3); // 8, 9, 10 never reach the bus
      log.running = false;
      await expect.poll(() => client.ended, { timeout: 2_000 }).toBe(true);
      expect(client.sequences).toEqual(range(1, 10));
      expect(log.closedReads).toBe(1);
    });

    it('starts a client below a compacted closed log at its first update', async () => {
      const { log, connect } = setup();
      log.wholeLogReads = true;
      log.emit(20);
      log.firstSequence = 11;
      log.running = false;
      const client = await connect(0);
      await expect.poll(() => client.ended).toBe(true);
      expect(client.sequences).toEqual(range(11, 20));
    });
  });
});
