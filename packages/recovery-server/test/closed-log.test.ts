/**
 * Issue 18: a finished workflow's log is read once, in one pass, and served from
 * memory, pre-encoded. What users rely on: what that path serves is exactly the
 * durable log (compared by content), on a fresh instance, after a restart, from any
 * resume point, and for the right run when a workflow id is reused.
 */
import { randomUUID } from 'node:crypto';
import { QUERY_NAMES, type UpdatesPage, type WorkflowUpdate } from '@resumable/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecoveryServer } from '../src/index';
import { SECRET, startHarness, startServer, type Harness, type ServerInstance } from './harness';
import { StreamFollower } from './sse-client';
import type { richTask } from './workflows';

/** The durable log, read straight from the workflow's own query, page by page. */
async function durableLog(harness: Harness, taskId: string): Promise<WorkflowUpdate[]> {
  const updates: WorkflowUpdate[] = [];
  const handle = harness.client.workflow.getHandle(taskId);
  for (let since = 0; ;) {
    const page = await handle.query<UpdatesPage, [number, number]>(QUERY_NAMES.updatesSince, since, 500);
    updates.push(...page.updates);
    if (!page.hasMore) return updates;
    since = page.updates.at(-1)!.sequence;
  }
}

/** Everything a stream sends from `since` until `end`, whole. */
async function streamed(instance: ServerInstance, taskId: string, token: string, since = 0) {
  const updates: WorkflowUpdate[] = [];
  const url = `${instance.baseUrl}/temporal/stream/${taskId}${since > 0 ? `?lastEventId=${since}` : ''}`;
  const follower = new StreamFollower(url, token, (update) => updates.push(update));
  const record = await follower.done;
  return { updates, record };
}

/** Every recovery page from `since` to the end, and the answers' headers. */
async function paged(instance: ServerInstance, taskId: string, token: string, query: string) {
  const updates: WorkflowUpdate[] = [];
  const responses: Response[] = [];
  for (let since = 0; ;) {
    const response = await fetch(`${instance.baseUrl}/temporal/recovery/${taskId}?${query}${since}&limit=500`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    responses.push(response);
    const page = (await response.json()) as UpdatesPage;
    updates.push(...page.updates);
    if (!page.hasMore) return { updates, responses };
    if (!query.startsWith('sinceSequence')) throw new Error('only sinceSequence pages further');
    since = page.updates.at(-1)!.sequence;
  }
}

const same = (actual: readonly WorkflowUpdate[], expected: readonly WorkflowUpdate[]) =>
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));

describe('closed logs, read once and served from memory', () => {
  let harness: Harness;
  let taskId: string;
  let durable: WorkflowUpdate[];
  let token: string;

  beforeAll(async () => {
    harness = await startHarness();
    taskId = `rich-${randomUUID()}`;
    // 3 runs of 400 joined by continue-as-new, then a last update: 1,201 in the final run's log.
    const handle = await harness.client.workflow.start<typeof richTask>('richTask', {
      taskQueue: harness.taskQueue,
      workflowId: taskId,
      args: [{ count: 400, runs: 3 }],
    });
    expect(await handle.result()).toBe(1201);
    durable = await durableLog(harness, taskId);
    token = await harness.token([taskId]);
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('the durable log is what the workflow emitted, across its runs', () => {
    expect(durable.map((update) => update.sequence)).toEqual(Array.from({ length: 1201 }, (_, i) => i + 1));
    expect(durable.some((update) => JSON.stringify(update.data).includes('😀'))).toBe(true);
  });

  it('a fresh instance streams exactly the durable log after one query, and pages it from memory', async () => {
    const instance = await startServer(harness.client, { bus: harness.bus });
    try {
      harness.resetQueries();
      const { updates, record } = await streamed(instance, taskId, token);
      same(updates, durable);
      expect(record.end).toMatchObject({ lastSequence: 1201 });
      expect(harness.queries()).toBe(1);

      const pages = await paged(instance, taskId, token, 'sinceSequence=');
      same(pages.updates, durable);
      // Served from the log read for the stream: no further query.
      expect(harness.queries()).toBe(1);
    } finally {
      await instance.close();
    }
  });

  it('after a restart, a new instance serves the same log from any resume point', async () => {
    const instance = await startServer(harness.client, { bus: harness.bus });
    try {
      harness.resetQueries();
      const middle = await streamed(instance, taskId, token, 700);
      same(middle.updates, durable.slice(700));
      const pages = await paged(instance, taskId, token, 'sinceSequence=');
      same(pages.updates, durable);
      const after = durable[899]!.timestamp;
      const byTime = await fetch(`${instance.baseUrl}/temporal/recovery/${taskId}?sinceTimestamp=${after}&limit=100`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      const page = (await byTime.json()) as UpdatesPage;
      same(page.updates, durable.filter((update) => update.timestamp > after).slice(0, 100));
      expect(harness.queries()).toBe(1);
    } finally {
      await instance.close();
    }
  });

  it('pages of a closed run carry a strong ETag naming the run, are revalidated, and answer 304 on a match', async () => {
    const instance = await startServer(harness.client, { bus: harness.bus });
    try {
      const url = `${instance.baseUrl}/temporal/recovery/${taskId}?sinceSequence=10&limit=5`;
      // Uncompressed: a strong tag. (Compressed, the same tag is weak: see the compression test.)
      const headers = { Authorization: `Bearer ${token}`, 'Accept-Encoding': 'identity' };
      const first = await fetch(url, { headers });
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^"[^"]+"$/);
      const cacheControl = first.headers.get('cache-control') ?? '';
      // Kept for this token only, and asked again each time: the URL names the task, not its run.
      expect(cacheControl).toBe('private, no-cache');
      expect(first.headers.get('vary')).toContain('Authorization');
      expect(((await first.json()) as UpdatesPage).updates.map((u) => u.sequence)).toEqual([11, 12, 13, 14, 15]);

      const again = await fetch(url, { headers: { ...headers, 'If-None-Match': `W/${etag}, "other"` } });
      expect(again.status).toBe(304);
      expect(again.headers.get('etag')).toBe(etag);
      expect(await again.text()).toBe('');
      // Another page has another tag.
      const other = await fetch(url.replace('limit=5', 'limit=6'), { headers: { ...headers, 'If-None-Match': etag! } });
      expect(other.status).toBe(200);
      expect(other.headers.get('etag')).not.toBe(etag);
    } finally {
      await instance.close();
    }
  });

  it('a reused workflow id is served its new run, not the old run from memory', async () => {
    const instance = await startServer(harness.client, { bus: harness.bus });
    const id = `reused-${randomUUID()}`;
    const idToken = await harness.token([id]);
    try {
      for (const count of [30, 7]) {
        const handle = await harness.client.workflow.start<typeof richTask>('richTask', {
          taskQueue: harness.taskQueue,
          workflowId: id,
          args: [{ count, runs: 1 }],
        });
        await handle.result();
        const { updates } = await streamed(instance, id, idToken);
        same(updates, await durableLog(harness, id));
        expect(updates).toHaveLength(count + 1);
        // No wait: the first run's feed is still held (idle for seconds), and must not be served for the second.
      }
    } finally {
      await instance.close();
    }
  });

  it('with closed logs switched off, the paged path serves the same log', async () => {
    const instance = await startServer(harness.client, { bus: harness.bus, closedLogs: false });
    try {
      harness.resetQueries();
      const { updates } = await streamed(instance, taskId, token);
      same(updates, durable);
      const pages = await paged(instance, taskId, token, 'sinceSequence=');
      same(pages.updates, durable);
      expect(pages.responses[0]!.headers.get('cache-control')).toBe('no-store');
      // Page by page: one query per 500 updates, for the stream and again for the pages.
      expect(harness.queries()).toBeGreaterThanOrEqual(6);
    } finally {
      await instance.close();
    }
  });
  it('with a budget of its own, many pages of a closed run cost one read', async () => {
    const client = harness.client;
    const server = createRecoveryServer({
      auth: { secret: SECRET },
      temporal: { client },
      closedLogs: { maxBytes: 256 * 1024 * 1024 }, // default 64 MiB; false reads page by page
    });
    try {
      harness.resetQueries();
      for (const since of [0, 500, 1000]) {
        const response = await server.fetch(
          new Request(`http://localhost/api/temporal/recovery/${taskId}?sinceSequence=${since}`, {
            headers: { Authorization: `Bearer ${token}` },
          }),
        );
        same(((await response.json()) as UpdatesPage).updates, durable.slice(since, since + 500));
      }
      expect(harness.queries()).toBe(1);
    } finally {
      await server.close();
    }
  });
});
