import type { ErrorBody, UpdatesPage, WorkflowState } from '@resumable/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInMemoryBus } from '@resumable/sse-publisher';
import { lossyBus, startHarness, startServer, useServerHarness, type Harness, type ServerInstance } from './harness';
import { StreamFollower, range } from './sse-client';
import { emitMore, failingTask, finish, steppedTask, tickingTask } from './workflows';

let seq = 0;
const taskId = (name: string) => `${name}-${Date.now()}-${++seq}`;

/** Cuts `follower`'s connection `times` times at random moments, alternating server and client side. */
async function cutRepeatedly(follower: StreamFollower, instance: ServerInstance, times: number): Promise<number> {
  let cuts = 0;
  for (let i = 0; i < times && !follower.record.end; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100 + Math.floor(Math.random() * 600)));
    if (follower.record.end) break;
    if (i % 2 === 0) {
      const id = follower.connectionId;
      const connection = id ? instance.server.publisher.getConnection(id) : undefined;
      if (!connection) continue;
      connection.close('closed'); // the eventsource client reconnects by itself with Last-Event-ID
    } else {
      follower.reconnectFromClient(); // a new EventSource resuming with ?lastEventId=
    }
    cuts++;
  }
  return cuts;
}

describe.each([
  { name: 'a faithful bus', drop: 0, duplicate: 0 },
  { name: 'a bus that drops 10% and duplicates 10%', drop: 0.1, duplicate: 0.1 },
])('task stream over $name', ({ drop, duplicate }) => {
  let harness: Harness;
  let instance: ServerInstance;
  let flaky: ReturnType<typeof lossyBus> | undefined;

  beforeAll(async () => {
    const bus = createInMemoryBus();
    flaky = drop || duplicate ? lossyBus(bus, drop, duplicate) : undefined;
    harness = await startHarness({ bus, workerBus: flaky ?? bus });
    instance = await startServer(harness.client, { bus });
  });
  afterAll(async () => {
    await instance?.close();
    await harness?.close();
  });

  it('delivers 1..2000 exactly once, in order, through 20 cuts, then end', async () => {
    const id = taskId('chaos');
    const token = await harness.token([id]);
    const handle = await harness.client.workflow.start(tickingTask, {
      taskQueue: harness.taskQueue,
      workflowId: id,
      args: [{ count: 2000, batch: 100, pauseMs: 50 }],
    });
    const follower = new StreamFollower(`${instance.baseUrl}/temporal/stream/${id}`, token);
    const cuts = await cutRepeatedly(follower, instance, 20);
    const record = await follower.done;
    await expect(handle.result()).resolves.toBe(2000);

    expect(cuts).toBeGreaterThanOrEqual(10);
    expect(record.opens).toBeGreaterThan(cuts / 2);
    expect(record.sequences).toEqual(range(1, 2000));
    expect(record.end).toEqual({ status: 'DONE', lastSequence: 2000, execution: 'COMPLETED' });
    if (flaky) expect(flaky.dropped).toBeGreaterThan(50);
  }, 120_000);
});

describe('task stream of a closed workflow', () => {
  let harness: Harness;
  let instance: ServerInstance;

  useServerHarness((h, i) => {
    harness = h;
    instance = i;
  });

  it('replays everything from 0, then end; recovery GET and latest answer; a resume at the end gets 204', async () => {
    const id = taskId('done');
    const token = await harness.token([id]);
    await harness.client.workflow.execute(tickingTask, {
      taskQueue: harness.taskQueue,
      workflowId: id,
      args: [{ count: 120 }],
    });

    const record = await new StreamFollower(`${instance.baseUrl}/temporal/stream/${id}`, token).done;
    expect(record.sequences).toEqual(range(1, 120));
    expect(record.end).toEqual({ status: 'DONE', lastSequence: 120, execution: 'COMPLETED' });
    // The connected event tells the client how much of what follows is catch-up.
    expect(record.connected[0]).toMatchObject({ resumeFrom: 0, lastSequence: 120 });

    const headers = { Authorization: `Bearer ${token}` };
    const page = (await (
      await fetch(`${instance.baseUrl}/temporal/recovery/${id}?sinceSequence=100&limit=10`, { headers })
    ).json()) as UpdatesPage;
    expect(page).toMatchObject({ taskId: id, status: 'DONE', lastSequence: 120, hasMore: true });
    expect(page.updates.map((u: { sequence: number }) => u.sequence)).toEqual(range(101, 110));

    const latest = (await (
      await fetch(`${instance.baseUrl}/temporal/recovery/${id}/latest`, { headers })
    ).json()) as UpdatesPage;
    expect(latest).toMatchObject({ taskId: id, status: 'DONE', lastSequence: 120 });
    expect(latest.updates.at(-1)?.sequence).toBe(120);

    const atEnd = await fetch(`${instance.baseUrl}/temporal/stream/${id}`, {
      headers: { ...headers, 'Last-Event-ID': '120' },
    });
    expect(atEnd.status).toBe(204);
  });

  it("ends with Temporal's outcome beside the log's status: a workflow that threw ends FAILED", async () => {
    const id = taskId('failed');
    const token = await harness.token([id]);
    const handle = await harness.client.workflow.start(failingTask, {
      taskQueue: harness.taskQueue,
      workflowId: id,
      args: [{ count: 3 }],
    });
    await expect(handle.result()).rejects.toThrow();
    const record = await new StreamFollower(`${instance.baseUrl}/temporal/stream/${id}`, token).done;
    expect(record.sequences).toEqual(range(1, 3));
    // The log never said it failed (the workflow threw); Temporal does.
    expect(record.end).toEqual({ status: 'IN_PROGRESS', lastSequence: 3, execution: 'FAILED' });
  });

  it('latest says where the log starts when it leaves older updates out, and recovery pages return them', async () => {
    const id = taskId('latest-long');
    const token = await harness.token([id]);
    await harness.client.workflow.execute(tickingTask, {
      taskQueue: harness.taskQueue,
      workflowId: id,
      args: [{ count: 2_300 }],
    });
    const headers = { Authorization: `Bearer ${token}` };
    const latest = (await (
      await fetch(`${instance.baseUrl}/temporal/recovery/${id}/latest`, { headers })
    ).json()) as WorkflowState;
    // The default bound is the newest 2,000 updates; the rest is still in the log, not compacted.
    expect(latest).toMatchObject({ lastSequence: 2_300, firstSequence: 301, heldFrom: 1 });
    expect(latest.updates.map((u) => u.sequence)).toEqual(range(301, 2_300));
    const older: number[] = [];
    for (let since = latest.heldFrom! - 1; since < latest.firstSequence! - 1;) {
      const page = (await (
        await fetch(`${instance.baseUrl}/temporal/recovery/${id}?sinceSequence=${since}`, { headers })
      ).json()) as UpdatesPage;
      const wanted = page.updates.filter((u) => u.sequence < latest.firstSequence!);
      older.push(...wanted.map((u) => u.sequence));
      since = page.updates.at(-1)!.sequence;
    }
    expect([...older, ...latest.updates.map((u) => u.sequence)]).toEqual(range(1, 2_300));
  });

  it('answers recovery by timestamp with the updates after it', async () => {
    const id = taskId('by-time');
    const token = await harness.token([id]);
    await harness.client.workflow.execute(tickingTask, {
      taskQueue: harness.taskQueue,
      workflowId: id,
      args: [{ count: 30, batch: 10, pauseMs: 50 }],
    });
    const headers = { Authorization: `Bearer ${token}` };
    const all = (await (
      await fetch(`${instance.baseUrl}/temporal/recovery/${id}?sinceSequence=0`, { headers })
    ).json()) as UpdatesPage;
    const cut = all.updates[14]!.timestamp;
    const page = (await (
      await fetch(`${instance.baseUrl}/temporal/recovery/${id}?sinceTimestamp=${cut}`, { headers })
    ).json()) as UpdatesPage;
    const expected = all.updates
      .filter((u: { timestamp: number }) => u.timestamp > cut)
      .map((u: { sequence: number }) => u.sequence);
    expect(expected.length).toBeGreaterThan(0);
    expect(page.updates.map((u: { sequence: number }) => u.sequence)).toEqual(expected);
  });

  it('serves 1,000 clients reconnecting at once with at most 2 Temporal queries', async () => {
    const id = taskId('herd');
    const token = await harness.token([id]);
    await harness.client.workflow.execute(tickingTask, {
      taskQueue: harness.taskQueue,
      workflowId: id,
      args: [{ count: 60 }],
    });
    // A fresh instance: nothing cached, every client must be served from Temporal.
    const fresh = await startServer(harness.client, { bus: harness.bus, limits: { maxStreamsPerToken: 2000 } });
    harness.resetQueries();
    try {
      const resumes = Array.from({ length: 1000 }, (_, i) => (i * 7) % 60);
      const results = await Promise.all(
        resumes.map(async (since) => {
          const response = await fetch(`${fresh.baseUrl}/temporal/stream/${id}`, {
            headers: { Authorization: `Bearer ${token}`, 'Last-Event-ID': String(since) },
          });
          const text = await response.text();
          const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]));
          return { since, ids, ended: text.includes('event: end') };
        }),
      );
      for (const { since, ids, ended } of results) {
        expect(ids).toEqual(range(since + 1, 60));
        expect(ended).toBe(true);
      }
      expect(harness.queries()).toBeLessThanOrEqual(2);
    } finally {
      await fresh.close();
    }
  }, 60_000);
});

describe('the workflow status on a running stream', () => {
  let harness: Harness;
  let instance: ServerInstance;

  useServerHarness((h, i) => {
    harness = h;
    instance = i;
  });

  it('says the status in connected, and a change in a status event after the update that carried it', async () => {
    const id = taskId('status');
    const token = await harness.token([id]);
    const handle = await harness.client.workflow.start(steppedTask, { taskQueue: harness.taskQueue, workflowId: id });
    await handle.signal(emitMore, 3);
    await expect
      .poll(async () => (await handle.query<UpdatesPage, [number]>('getUpdatesSince', 0)).lastSequence, {
        timeout: 10_000,
      })
      .toBe(3);
    const seen: number[] = [];
    const follower = new StreamFollower(`${instance.baseUrl}/temporal/stream/${id}`, token, (u) =>
      seen.push(u.sequence),
    );
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(3);
    expect(follower.record.connected[0]?.status).toBe('IN_PROGRESS');

    // A second client joins while it runs: told the same status, no status event yet.
    const late = new StreamFollower(`${instance.baseUrl}/temporal/stream/${id}`, token);
    await expect.poll(() => late.record.sequences.length, { timeout: 10_000 }).toBe(3);
    expect(late.record.connected[0]?.status).toBe('IN_PROGRESS');

    await handle.signal(finish); // the last tick carries DONE
    const [record, lateRecord] = await Promise.all([follower.done, late.done]);
    for (const { statuses, end } of [record, lateRecord]) {
      // Exactly one change, told once, after the update that carried it, before the end.
      expect(statuses).toEqual([{ status: 'DONE', lastSequence: 4, seen: 4 }]);
      expect(end).toEqual({ status: 'DONE', lastSequence: 4, execution: 'COMPLETED' });
    }
  });
});

describe('POST recovery', () => {
  let harness: Harness;
  let instance: ServerInstance;

  useServerHarness((h, i) => {
    harness = h;
    instance = i;
  });

  it('pushes exactly the missed updates down the named connection, once, in order', async () => {
    const id = taskId('post');
    const token = await harness.token([id]);
    const handle = await harness.client.workflow.start(steppedTask, { taskQueue: harness.taskQueue, workflowId: id });
    await handle.signal(emitMore, 10);
    const seen: number[] = [];
    const follower = new StreamFollower(`${instance.baseUrl}/temporal/stream/${id}`, token, (u) =>
      seen.push(u.sequence),
    );
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(10);

    const response = await fetch(`${instance.baseUrl}/temporal/recovery/${id}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ connectionId: follower.connectionId, lastSequence: 4, lastTimestamp: 0 }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ recovered: 6, lastSequence: 10 });
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(16);

    await handle.signal(emitMore, 2);
    await handle.signal(finish);
    const record = await follower.done;
    expect(record.sequences).toEqual([...range(1, 10), ...range(5, 10), 11, 12, 13]);
    expect(record.end).toEqual({ status: 'DONE', lastSequence: 13, execution: 'COMPLETED' });
  });

  it('starts the replay after the last update at or before lastTimestamp when that is all the client kept', async () => {
    const id = taskId('post-time');
    const token = await harness.token([id]);
    const auth = { Authorization: `Bearer ${token}` };
    const handle = await harness.client.workflow.start(steppedTask, { taskQueue: harness.taskQueue, workflowId: id });
    // Two workflow tasks, so two times: updates of one task share its time.
    await handle.signal(emitMore, 5);
    const seen: number[] = [];
    const follower = new StreamFollower(`${instance.baseUrl}/temporal/stream/${id}`, token, (u) =>
      seen.push(u.sequence),
    );
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(5);
    await handle.signal(emitMore, 5);
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(10);
    const log = (await (
      await fetch(`${instance.baseUrl}/temporal/recovery/${id}`, { headers: auth })
    ).json()) as UpdatesPage;
    const fifth = log.updates[4]!;
    expect(log.updates[5]!.timestamp).toBeGreaterThan(fifth.timestamp);

    const post = (body: object) =>
      fetch(`${instance.baseUrl}/temporal/recovery/${id}`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ connectionId: follower.connectionId, ...body }),
      });
    const byTime = await post({ lastTimestamp: fifth.timestamp });
    expect(byTime.status).toBe(200);
    expect(await byTime.json()).toEqual({ recovered: 5, lastSequence: 10 });
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(15);
    // Both given: the sequence is exact, so it wins.
    expect(await (await post({ lastSequence: 8, lastTimestamp: 0 })).json()).toEqual({
      recovered: 2,
      lastSequence: 10,
    });
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(17);
    const neither = await post({});
    expect(neither.status).toBe(400);
    expect(((await neither.json()) as ErrorBody).error).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/lastSequence/),
    });

    await handle.signal(finish);
    const record = await follower.done;
    expect(record.sequences).toEqual([...range(1, 10), ...range(6, 10), 9, 10, 11]);
  });

  it('answers 404 for a connection this server does not hold', async () => {
    const id = taskId('post-unknown');
    const token = await harness.token([id]);
    await harness.client.workflow.execute(tickingTask, {
      taskQueue: harness.taskQueue,
      workflowId: id,
      args: [{ count: 3 }],
    });
    const response = await fetch(`${instance.baseUrl}/temporal/recovery/${id}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ connectionId: 'nope', lastSequence: 0 }),
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as ErrorBody).error.code).toBe('NOT_FOUND');
  });
});
