import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefaultPayloadConverter } from '@temporalio/common';
import { isErrorBody } from '@resumable/protocol';
import {
  ENCRYPTED_ENCODING,
  bearerTokenAuthorizer,
  createCodecHandler,
  createEncryptionCodec,
  createKeyRing,
  type CodecPayload,
} from '../src/codec/index';

const UI_ORIGIN = 'http://localhost:8233';
const TOKEN = 'operator-token-0123456789abcdef0123456789';
const SECRET = 'card 4111-1111-1111-1111';
const converter = new DefaultPayloadConverter();
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const toJson = (payload: CodecPayload) => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, b64(value)])),
  data: b64(payload.data ?? new Uint8Array(0)),
});
const fromJson = (payload: { metadata: Record<string, string>; data: string }): CodecPayload => ({
  metadata: Object.fromEntries(
    Object.entries(payload.metadata).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
  ),
  data: Buffer.from(payload.data, 'base64'),
});

/**
 * Serves a fetch handler on a real `node:http` server (port 0), the way any
 * Request → Response adapter does: it is the browser's and CLI's view of it.
 */
async function serve(handler: (request: Request) => Promise<Response>): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
    const body = ['GET', 'HEAD'].includes(req.method ?? '') ? undefined : Buffer.concat(chunks);
    const response = await handler(
      new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body }),
    );
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('the codec endpoint over real HTTP', () => {
  const keyRing = createKeyRing([{ id: 'k1', key: crypto.getRandomValues(new Uint8Array(32)) }]);
  const codec = createEncryptionCodec({ keyRing });
  let base: string;
  let server: Server;

  beforeAll(async () => {
    ({ url: base, server } = await serve(
      createCodecHandler({ codec, authorize: bearerTokenAuthorizer(TOKEN), allowOrigins: [UI_ORIGIN] }),
    ));
  });
  afterAll(() => new Promise<void>((resolve) => server?.close(() => resolve())));

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${TOKEN}`,
        'Content-Type': 'application/json',
        'X-Namespace': 'default',
        Origin: UI_ORIGIN,
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it("encodes and decodes the web UI's JSON payloads, mounted at any depth", async () => {
    const payloads = [converter.toPayload({ card: SECRET }), converter.toPayload(null)];
    const encoded = await post('/api/codec/encode', { payloads: payloads.map(toJson) });
    expect(encoded.status).toBe(200);
    expect(encoded.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    const sealed = (await encoded.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(sealed.payloads).toHaveLength(2);
    expect(Buffer.from(sealed.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe(ENCRYPTED_ENCODING);
    expect(JSON.stringify(sealed)).not.toContain(b64(Buffer.from(SECRET)).slice(0, 12));

    const decoded = await post('/deep/path/for/ns-a/decode/', sealed);
    expect(decoded.status).toBe(200);
    const opened = ((await decoded.json()) as { payloads: { metadata: Record<string, string>; data: string }[] })
      .payloads;
    expect(opened.map((payload) => converter.fromPayload(fromJson(payload)))).toEqual([{ card: SECRET }, null]);
    // What the SDK's codec sealed, the endpoint opens (the UI shows a worker's history).
    const [fromWorker] = await codec.encode([converter.toPayload('from a worker')]);
    const viaUi = await post('/decode', { payloads: [toJson(fromWorker!)] });
    expect(converter.fromPayload(fromJson(((await viaUi.json()) as { payloads: never[] }).payloads[0]!))).toBe(
      'from a worker',
    );
    // Plain payloads pass through decode; an empty list is an empty list.
    const plain = await post('/decode', { payloads: [toJson(converter.toPayload('plain'))] });
    expect(converter.fromPayload(fromJson(((await plain.json()) as { payloads: never[] }).payloads[0]!))).toBe('plain');
    expect(await (await post('/decode', { payloads: [] })).json()).toEqual({ payloads: [] });
  });

  it("answers the UI origin's CORS preflight, and not another origin's", async () => {
    const preflight = await fetch(`${base}/api/codec/decode`, {
      method: 'OPTIONS',
      headers: {
        Origin: UI_ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type,x-namespace',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase().split(/,\s*/).sort()).toEqual([
      'authorization',
      'content-type',
      'x-namespace',
    ]);

    const stranger = await fetch(`${base}/api/codec/decode`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(stranger.status).toBe(403);
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
    // A request from that origin gets no CORS header either: the browser withholds the answer.
    const fromStranger = await post('/decode', { payloads: [] }, { Origin: 'https://evil.example' });
    expect(fromStranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses without a token (401) and with a wrong one (403), with protocol error bodies', async () => {
    const sealed = { payloads: [toJson((await codec.encode([converter.toPayload(SECRET)]))[0]!)] };
    const anonymous = await post('/decode', sealed, { Authorization: '' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect(anonymous.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    const body = await anonymous.json();
    expect(isErrorBody(body) && body.error.code).toBe('UNAUTHORIZED');
    expect(JSON.stringify(body)).not.toContain(SECRET);

    const wrong = await post('/decode', sealed, { Authorization: `Bearer ${TOKEN}x` });
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    const malformed = await post('/decode', sealed, { Authorization: 'Basic abc' });
    expect(malformed.status).toBe(401);
  });

  it('an unset token refuses everyone', async () => {
    const { url, server: closed } = await serve(
      createCodecHandler({ codec, authorize: bearerTokenAuthorizer(undefined) }),
    );
    try {
      const response = await fetch(`${url}/decode`, {
        method: 'POST',
        headers: { Authorization: 'Bearer undefined', 'Content-Type': 'application/json' },
        body: '{"payloads":[]}',
      });
      expect(response.status).toBe(403);
    } finally {
      await new Promise<void>((resolve) => closed.close(() => resolve()));
    }
  });

  it.each([
    ['not JSON', '{"payloads": [', 400, 'INVALID_JSON'],
    ['JSON without payloads', '{"items": []}', 400, 'BAD_REQUEST'],
    ['a payload that is not an object', '{"payloads": [42]}', 400, 'BAD_REQUEST'],
    [
      'metadata that is not base64',
      '{"payloads": [{"metadata": {"encoding": "@@@"}, "data": ""}]}',
      400,
      'BAD_REQUEST',
    ],
    ['data that is not a string', '{"payloads": [{"metadata": {}, "data": 7}]}', 400, 'BAD_REQUEST'],
  ])('answers %s with %i %s and a clear message', async (_, body, status, code) => {
    const response = await post('/decode', body);
    expect(response.status).toBe(status);
    const parsed = await response.json();
    expect(isErrorBody(parsed)).toBe(true);
    expect((parsed as { error: { code: string; message: string } }).error).toMatchObject({
      code,
      message: expect.any(String),
    });
  });

  it('answers a payload it cannot open, other paths and methods, and a body too large, with an error, never a crash', async () => {
    const [sealed] = await createEncryptionCodec({
      keyRing: createKeyRing([{ id: 'k9', key: new Uint8Array(32) }]),
    }).encode([converter.toPayload(SECRET)]);
    const unknownKey = await post('/decode', { payloads: [toJson(sealed!)] });
    expect(unknownKey.status).toBe(500);
    expect(((await unknownKey.json()) as { error: unknown }).error).toMatchObject({
      code: 'DECRYPTION_FAILED',
      details: { keyId: 'k9', reason: 'unknown-key' },
    });
    expect((await post('/api/codec/other', { payloads: [] })).status).toBe(404);
    const get = await fetch(`${base}/decode`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    const huge = await post(
      '/decode',
      JSON.stringify({ payloads: [{ metadata: {}, data: 'A'.repeat(9 * 1024 * 1024) }] }),
    );
    expect(huge.status).toBe(413);
    // The server is still serving.
    expect((await post('/decode', { payloads: [] })).status).toBe(200);
  });
});
