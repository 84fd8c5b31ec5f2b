/**
 * Selective recovery (`?types=`): a client that asks for some update types gets exactly
 * those updates of the durable log, each once, under the log's own sequences, and an
 * account (`skipped`, `throughSequence`) of every other sequence, so its resume point
 * walks the whole log and a real gap is still a gap. On the real dev server and worker.
 */
import type { UpdatesPage, WorkflowState, WorkflowUpdate } from '@resumable/protocol';
import { queryPatiently } from '@resumable/temporal-dev/vitest';
import { describe, expect, it } from 'vitest';
import { useServerHarness, type Harness, type ServerInstance } from './harness';
import { StreamFollower, range } from './sse-client';
import { emitMore, finish, mixedTask, mixedType } from './workflows';

let seq = 0;
const taskId = () => `selective-${Date.now()}-${++seq}`;

const typeOf = (n: number) => mixedType(n) as string;

describe('selective recovery (?types=)', () => {
  let harness: Harness;
  let instance: ServerInstance;
  useServerHarness((h, i) => {
    harness = h;
    instance = i;
  });

  async function start(initial: number) {
    const id = taskId();
    const handle = await harness.client.workflow.start(mixedTask, {
      taskQueue: harness.taskQueue,
      workflowId: id,
      args: [{ initial }],
    });
    const token = await harness.token([id]);
    const durable = async () => (await queryPatiently<WorkflowState>(handle, 'getWorkflowState')).updates;
    return { id, handle, token, durable };
  }

  /** Every page of the recovery GET with `types`, following `throughSequence`. */
  async function pages(id: string, token: string, types: string, limit: number) {
    const got: WorkflowUpdate[] = [];
    const throughs: number[] = [];
    let since = 0;
    for (let page = 0; page < 100; page++) {
      const response = await fetch(
        `${instance.baseUrl}/temporal/recovery/${id}?sinceSequence=${since}&limit=${limit}&types=${types}`,
        { headers: { Authorization: `Bearer ${token}` } },
      );
      expect(response.status).toBe(200);
      const body = (await response.json()) as UpdatesPage;
      expect(body.updates.length).toBeLessThanOrEqual(limit);
      got.push(...body.updates);
      expect(body.throughSequence).toBeGreaterThanOrEqual(since);
      since = body.throughSequence!;
      throughs.push(since);
      if (!body.hasMore) return { got, throughs, last: body };
    }
    throw new Error('more than 100 pages');
  }

  it('streams only the asked types, live and caught up, and accounts for every other sequence once', async () => {
    const { id, handle, token, durable } = await start(12);
    const follower = new StreamFollower(`${instance.baseUrl}/temporal/stream/${id}?types=milestone,progress`, token);
    // Caught up: 1 … 12.
    await expect.poll(() => follower.lastSequence, { timeout: 10_000 }).toBe(12);
    // Live, in three bursts, with a reconnect from the client in between.
    await handle.signal(emitMore, 7);
    await expect.poll(() => follower.lastSequence, { timeout: 10_000 }).toBe(19);
    follower.reconnectFromClient();
    await handle.signal(emitMore, 6);
    await expect.poll(() => follower.lastSequence, { timeout: 10_000 }).toBe(25);
    await handle.signal(finish);
    const record = await follower.done;
    const log = await durable();
    expect(log.map((u) => u.sequence)).toEqual(range(1, 25));
    // Exactly the asked updates of the durable log, by content, each once.
    const wanted = log.filter((u) => u.type === 'milestone' || u.type === 'progress');
    expect(record.sequences).toEqual(wanted.map((u) => u.sequence));
    // Every sequence accounted for once, in order: updates and skipped ranges together.
    expect(record.covered).toEqual(range(1, 25));
    for (const { from, to } of record.skipped) {
      for (const n of range(from, to)) expect(typeOf(n)).toBe('log');
    }
    expect(record.connected.map((c) => c.resumeFrom)).toEqual([0, 19]);
    expect(record.end).toMatchObject({ lastSequence: 25, status: 'DONE' });
  });

  it('pages the recovery GET by throughSequence, running and closed, to exactly the filtered log', async () => {
    const { id, handle, token, durable } = await start(23);
    await expect.poll(async () => (await durable()).length, { timeout: 10_000 }).toBe(23);
    const running = await pages(id, token, 'milestone', 2);
    const log = await durable();
    const milestones = log.filter((u) => u.type === 'milestone');
    expect(running.got).toEqual(milestones);
    expect(running.throughs.at(-1)).toBe(23);
    // Each page ends just before the next asked update: nothing asked is ever passed over.
    expect(running.throughs).toEqual([14, 23]);

    await handle.signal(finish);
    await handle.result();
    const closed = await pages(id, token, 'log,milestone', 5);
    expect(closed.got).toEqual(log.filter((u) => u.type !== 'progress'));
    expect(closed.last).toMatchObject({ hasMore: false, lastSequence: 23, throughSequence: 23, status: 'DONE' });
    // A type the log never had: one page saying so, through the end.
    const none = await pages(id, token, 'nothing-of-that-type', 5);
    expect(none.got).toEqual([]);
    expect(none.throughs).toEqual([23]);
  });

  it('refuses a malformed filter with a clear error', async () => {
    const { id, handle, token } = await start(1);
    const tooMany = Array.from({ length: 33 }, (_, i) => `t${i}`).join(',');
    for (const [path, types] of [
      ['stream', 'a,,b'],
      ['recovery', 'a,,b'],
      ['stream', tooMany],
      ['recovery', `${'x'.repeat(129)}`],
    ] as const) {
      const response = await fetch(`${instance.baseUrl}/temporal/${path}/${id}?types=${types}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'INVALID_PARAMETER' } });
    }
    await handle.signal(finish);
  });
});
