/**
 * Issue 12, item 6: `GET temporal/recovery/:taskId/at/:sequence`, the state as of one
 * sequence, on the real dev server. What users rely on: the answer is the durable log
 * cut at that sequence; on a compacted log, snapshot + held updates rebuild it (each
 * tick's `n` summed is n(n+1)/2 whichever part the snapshot holds), and below what the
 * snapshot can rebuild it says so with a 410; a closed run is served from its log read
 * once, with an ETag; bad sequences are 400s; a token for another task is refused.
 */
import { randomUUID } from 'node:crypto';
import {
  QUERY_NAMES,
  type ErrorBody,
  type TimeTravelState,
  type UpdatesPage,
  type WorkflowState,
  type WorkflowUpdate,
} from '@resumable/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { useServerHarness, type Harness, type ServerInstance } from './harness';
import { emitMore, finish, type TickSnapshot } from './workflows';

type Answer = { status: number; headers: Headers; state?: TimeTravelState; error?: ErrorBody['error'] };

describe('state at a sequence (time travel)', () => {
  let harness: Harness;
  let instance: ServerInstance;
  const plain = `travel-${randomUUID()}`;
  const compacted = `travel-compacted-${randomUUID()}`;
  let token: string;

  useServerHarness(
    (h, i) => {
      harness = h;
      instance = i;
    },
    { server: { recoverPausedOnStart: false } },
  );

  beforeAll(async () => {
    await harness.client.workflow.start('steppedTask', { taskQueue: harness.taskQueue, workflowId: plain });
    // Keeps 20 ticks, answers 5 of them from its state query: reads must page for the rest.
    await harness.client.workflow.start('compactingTask', {
      taskQueue: harness.taskQueue,
      workflowId: compacted,
      args: [{ keep: 20, stateUpdates: 5 }],
    });
    token = await harness.token([plain, compacted]);
  });

  async function at(taskId: string, sequence: string | number, init: RequestInit = {}, bearer = token) {
    const response = await fetch(`${instance.baseUrl}/temporal/recovery/${taskId}/at/${sequence}`, {
      ...init,
      headers: { Authorization: `Bearer ${bearer}`, ...(init.headers as Record<string, string>) },
    });
    const answer: Answer = { status: response.status, headers: response.headers };
    if (response.status === 304) return answer;
    const body = (await response.json()) as TimeTravelState | ErrorBody;
    if ('error' in body) answer.error = body.error;
    else answer.state = body;
    return answer;
  }

  /** Signals `count` ticks and waits until the workflow's own state shows them. */
  async function emit(taskId: string, count: number, expectedLast: number): Promise<void> {
    const handle = harness.client.workflow.getHandle(taskId);
    await handle.signal(emitMore, count);
    for (const deadline = Date.now() + 10_000; ; await new Promise((resolve) => setTimeout(resolve, 50))) {
      if ((await handle.query<WorkflowState>(QUERY_NAMES.state)).lastSequence === expectedLast) return;
      if (Date.now() > deadline) throw new Error(`${taskId} did not reach sequence ${expectedLast}`);
    }
  }

  /** The durable log, from the workflow's own query. */
  async function durable(taskId: string): Promise<WorkflowUpdate[]> {
    const page = await harness.client.workflow
      .getHandle(taskId)
      .query<UpdatesPage, [number, number]>(QUERY_NAMES.updatesSince, 0, 1000);
    return page.updates;
  }

  const sequences = (state: TimeTravelState | undefined) => state?.updates.map((update) => update.sequence);
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);
  const tickSum = (state: TimeTravelState) =>
    ((state.snapshot as TickSnapshot | undefined)?.sum ?? 0) +
    state.updates.reduce((sum, update) => sum + (update.data as { n: number }).n, 0);

  describe('a running task', () => {
    beforeAll(async () => {
      await emit(plain, 10, 10);
    });

    it('answers the durable log cut at N, for several N', async () => {
      const log = await durable(plain);
      for (const n of [1, 4, 7, 9]) {
        const { status, state } = await at(plain, n);
        expect(status).toBe(200);
        expect(state).toEqual({
          taskId: plain,
          sequence: n,
          updates: log.slice(0, n),
          firstSequence: 1,
          lastSequence: 10,
          status: 'IN_PROGRESS',
        });
      }
    });

    it('N = 0 is the state before the first update', async () => {
      const { status, state } = await at(plain, 0);
      expect(status).toBe(200);
      expect(state?.updates).toEqual([]);
      expect(state).not.toHaveProperty('snapshot');
      expect(state?.lastSequence).toBe(10);
    });

    it('N = lastSequence is the whole log, and the same N still answers as the log grows', async () => {
      expect(sequences((await at(plain, 10)).state)).toEqual(range(1, 10));
      await emit(plain, 3, 13);
      const later = await at(plain, 10);
      expect(sequences(later.state)).toEqual(range(1, 10));
      expect(later.state?.lastSequence).toBe(13);
      // A running task's answer may change (its status, its last sequence): never cached.
      expect(later.headers.get('cache-control')).toBe('no-store');
      expect(later.headers.get('etag')).toBeNull();
    });

    it('N beyond lastSequence is a 404 that names the end of the log', async () => {
      const { status, error } = await at(plain, 14);
      expect(status).toBe(404);
      expect(error?.code).toBe('NOT_FOUND');
      expect(error?.message).toContain('ends at 13');
      expect(error?.details).toEqual({ sequence: 14, firstSequence: 1, lastSequence: 13 });
    });
  });

  describe('a compacted log', () => {
    beforeAll(async () => {
      // Compaction runs once 26 are held (keep 20 + 20/4 + 1) and leaves 7…26; then 27…30.
      await emit(compacted, 30, 30);
    });

    it('rebuilds state from the snapshot and the held updates, read page by page', async () => {
      const log = await durable(compacted);
      expect(log[0]?.sequence).toBe(7);
      for (const n of [6, 7, 12, 25, 30]) {
        const { status, state } = await at(compacted, n);
        expect(status, `N = ${n}`).toBe(200);
        expect(state?.snapshot).toEqual({ folded: 6, sum: 21 });
        expect(state?.firstSequence).toBe(7);
        expect(state?.lastSequence).toBe(30);
        expect(state?.updates).toEqual(log.filter((update) => update.sequence <= n));
        expect(tickSum(state as TimeTravelState), `N = ${n}`).toBe((n * (n + 1)) / 2);
      }
    });

    it('below the snapshot, a 410 saying the reducer only folds forward', async () => {
      for (const n of [0, 3, 5]) {
        const { status, error } = await at(compacted, n);
        expect(status, `N = ${n}`).toBe(410);
        expect(error?.code).toBe('SEQUENCE_COMPACTED');
        expect(error?.message).toContain('only folds forward');
        expect(error?.message).toContain('earliest state it can rebuild is at sequence 6');
        expect(error?.details).toEqual({ sequence: n, firstSequence: 7, lastSequence: 30 });
      }
    });

    it('once closed, answers the same from its log read once, with an ETag a cache revalidates', async () => {
      const running = (await at(compacted, 28)).state;
      await harness.client.workflow.getHandle(compacted).signal(finish);
      expect(await harness.client.workflow.getHandle(compacted).result()).toBe(31);
      await expect.poll(async () => (await at(compacted, 28)).headers.get('etag'), { timeout: 5_000 }).not.toBeNull();
      const closed = await at(compacted, 28);
      expect(closed.state).toEqual({ ...running, status: 'DONE', lastSequence: 31 });
      const etag = closed.headers.get('etag') as string;
      expect(closed.headers.get('cache-control')).toBe('private, no-cache');
      const again = await at(compacted, 28, { headers: { 'If-None-Match': etag } });
      expect(again.status).toBe(304);
      // Another sequence is another answer: another tag.
      const last = await at(compacted, 31, { headers: { 'If-None-Match': etag } });
      expect(last.status).toBe(200);
      expect(tickSum(last.state as TimeTravelState)).toBe((31 * 32) / 2);
      expect((await at(compacted, 5)).status).toBe(410);
      expect((await at(compacted, 32)).status).toBe(404);
    });
  });

  it('a sequence that is not a non-negative integer is a 400, never a crash', async () => {
    for (const bad of ['abc', '-1', '1.5', '1e3', '%31', '0x10', '+3', '1234567890123456', '%00', '%E2%80%A8']) {
      const { status, error } = await at(plain, bad);
      expect(status, bad).toBe(400);
      expect(error?.code, bad).toBe('INVALID_PARAMETER');
    }
  });

  it('refuses a token for another task, and no token', async () => {
    const other = await harness.token(['someone-else']);
    const refused = await at(plain, 1, {}, other);
    expect(refused.status).toBe(403);
    expect(refused.error?.code).toBe('FORBIDDEN');
    const unsigned = await fetch(`${instance.baseUrl}/temporal/recovery/${plain}/at/1`);
    expect(unsigned.status).toBe(401);
  });

  it('leaves the other recovery routes where they were', async () => {
    const headers = { Authorization: `Bearer ${token}` };
    const latest = await fetch(`${instance.baseUrl}/temporal/recovery/${plain}/latest`, { headers });
    const { lastSequence } = (await latest.json()) as WorkflowState;
    const page = await fetch(`${instance.baseUrl}/temporal/recovery/${plain}?sinceSequence=10`, { headers });
    expect(((await page.json()) as UpdatesPage).updates.map((update) => update.sequence)).toEqual(
      range(11, lastSequence),
    );
    const noSequence = await fetch(`${instance.baseUrl}/temporal/recovery/${plain}/at`, { headers });
    expect(noSequence.status).toBe(404);
  });
});
