/**
 * Recovery pages and `/latest` in the coding the request accepts, read as raw bytes off
 * the socket (fetch would decode them): what arrives decodes to exactly the uncompressed
 * answer, a compressed page keeps its validator (weak) and revalidates to 304, and
 * `compression: false` sends identity.
 */
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { UpdatesPage, WorkflowState } from '@resumable/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, startServer, type Harness, type ServerInstance } from './harness';
import { tickingTask } from './workflows';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as it crossed the wire. */
  wire: Buffer;
  /** The body decoded by its Content-Encoding. */
  text: string;
}

function get(url: string, headers: Record<string, string>): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const wire = Buffer.concat(chunks);
        const coding = response.headers['content-encoding'];
        const decoded = coding === 'br' ? brotliDecompressSync(wire) : coding === 'gzip' ? gunzipSync(wire) : wire;
        resolve({ status: response.statusCode ?? 0, headers: response.headers, wire, text: decoded.toString('utf8') });
      });
    });
    request.on('error', reject);
    request.end();
  });
}

describe('compressed recovery answers', () => {
  let harness: Harness;
  let instance: ServerInstance;
  let plain: ServerInstance;
  let taskId: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    harness = await startHarness();
    instance = await startServer(harness.client, { bus: harness.bus });
    plain = await startServer(harness.client, { bus: harness.bus, compression: false });
    taskId = `compressed-${randomUUID()}`;
    await harness.client.workflow.execute(tickingTask, {
      taskQueue: harness.taskQueue,
      workflowId: taskId,
      args: [{ count: 2_000 }],
    });
    auth = { Authorization: `Bearer ${await harness.token([taskId])}` };
  });
  afterAll(async () => {
    await plain?.close();
    await instance?.close();
    await harness?.close();
  });

  const pageUrl = (on: ServerInstance, query = 'sinceSequence=0&limit=500') =>
    `${on.baseUrl}/temporal/recovery/${taskId}?${query}`;

  it('answers br or gzip as Accept-Encoding prefers, decoding to the same page as identity', async () => {
    const identity = await get(pageUrl(instance), { ...auth, 'Accept-Encoding': 'identity' });
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.headers.vary).toContain('Accept-Encoding');
    const page = JSON.parse(identity.text) as UpdatesPage;
    expect(page.updates.map((update) => update.sequence)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));

    for (const [accept, coding] of [
      ['gzip, deflate, br', 'br'],
      ['br;q=0.5, gzip', 'gzip'],
      ['br;q=0, *', 'gzip'],
      ['*', 'br'],
    ] as const) {
      const answer = await get(pageUrl(instance), { ...auth, 'Accept-Encoding': accept });
      expect(answer.status, accept).toBe(200);
      expect(answer.headers['content-encoding'], accept).toBe(coding);
      expect(answer.text, accept).toBe(identity.text);
      expect(answer.wire.byteLength, accept).toBeLessThan(identity.wire.byteLength / 4);
    }
  });

  it('keeps the page validator, weak once compressed, and revalidates to 304', async () => {
    const identity = await get(pageUrl(instance), { ...auth, 'Accept-Encoding': 'identity' });
    const compressed = await get(pageUrl(instance), { ...auth, 'Accept-Encoding': 'br' });
    const strong = identity.headers.etag as string;
    expect(strong).toMatch(/^"[^"]+"$/);
    expect(compressed.headers.etag).toBe(`W/${strong}`);
    const revalidated = await get(pageUrl(instance), {
      ...auth,
      'Accept-Encoding': 'br',
      'If-None-Match': compressed.headers.etag as string,
    });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.etag).toBe(`W/${strong}`);
    expect(revalidated.wire.byteLength).toBe(0);
  });

  it('compresses /latest, and leaves an answer under 1 KiB as it is', async () => {
    const latestUrl = `${instance.baseUrl}/temporal/recovery/${taskId}/latest`;
    const identity = await get(latestUrl, { ...auth, 'Accept-Encoding': 'identity' });
    const compressed = await get(latestUrl, { ...auth, 'Accept-Encoding': 'gzip' });
    expect(compressed.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(compressed.text)).toEqual(JSON.parse(identity.text) as WorkflowState);

    const small = await get(pageUrl(instance, 'sinceSequence=0&limit=1'), { ...auth, 'Accept-Encoding': 'br' });
    expect(small.status).toBe(200);
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.headers.vary).toContain('Accept-Encoding');
    expect((JSON.parse(small.text) as UpdatesPage).updates).toHaveLength(1);
  });

  it('with compression: false, answers identity whatever the request accepts', async () => {
    const answer = await get(pageUrl(plain), { ...auth, 'Accept-Encoding': 'br, gzip' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect((JSON.parse(answer.text) as UpdatesPage).updates).toHaveLength(500);
  });

  it('never compresses a stream or an error', async () => {
    const stream = await new Promise<RawAnswer['headers']>((resolve, reject) => {
      const request = httpRequest(
        `${instance.baseUrl}/temporal/stream/${taskId}`,
        { headers: { ...auth, 'Accept-Encoding': 'br, gzip', 'Last-Event-ID': '1990' } },
        (response) => {
          resolve(response.headers);
          response.destroy();
        },
      );
      request.on('error', reject);
      request.end();
    });
    expect(stream['content-type']).toMatch(/^text\/event-stream/);
    expect(stream['content-encoding']).toBeUndefined();
    const refused = await get(`${instance.baseUrl}/temporal/recovery/${taskId}?sinceSequence=-1`, {
      ...auth,
      'Accept-Encoding': 'br',
    });
    expect(refused.status).toBe(400);
    expect(refused.headers['content-encoding']).toBeUndefined();
  });
});
