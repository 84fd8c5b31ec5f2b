import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  chooseCoding,
  compressResponse,
  hostCompresses,
  leaveCompressionToHost,
  MIN_COMPRESSED_BYTES,
} from './compression';

const request = (acceptEncoding?: string) =>
  new Request('http://localhost/x', {
    headers: acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding },
  });
const jsonResponse = (text: string, headers: Record<string, string> = {}) =>
  new Response(text, { headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers } });
const big = JSON.stringify({ updates: Array.from({ length: 200 }, (_, n) => ({ sequence: n + 1, type: 'tick' })) });

describe('chooseCoding', () => {
  it.each([
    [null, undefined],
    ['', undefined],
    ['identity', undefined],
    ['gzip', 'gzip'],
    ['gzip, deflate, br, zstd', 'br'],
    ['br;q=0.4, gzip;q=0.8', 'gzip'],
    ['BR, GZIP', 'br'],
    ['br;q=0, gzip;q=0', undefined],
    ['*', 'br'],
    ['*;q=0.5, br;q=0', 'gzip'],
    ['gzip;q=banana', undefined],
    ['gzip;q=7', 'gzip'],
  ] as const)('%s → %s', (header, expected) => {
    expect(chooseCoding(header)).toBe(expected);
  });
});

describe('compressResponse', () => {
  it('compresses a JSON answer in the chosen coding, drops Content-Length, weakens a strong ETag', async () => {
    for (const [accept, decode] of [
      ['br', brotliDecompressSync],
      ['gzip', gunzipSync],
    ] as const) {
      const answer = await compressResponse(
        request(accept),
        jsonResponse(big, { ETag: '"run.s0.100"', 'Content-Length': String(big.length), Vary: 'Authorization' }),
      );
      expect(answer.headers.get('content-encoding')).toBe(accept);
      expect(answer.headers.get('content-length')).toBeNull();
      expect(answer.headers.get('etag')).toBe('W/"run.s0.100"');
      expect(answer.headers.get('vary')).toBe('Authorization, Accept-Encoding');
      const wire = Buffer.from(await answer.arrayBuffer());
      expect(decode(wire).toString('utf8')).toBe(big);
      expect(wire.byteLength).toBeLessThan(big.length / 4);
    }
  });

  it('leaves small, non-JSON, non-200 and already encoded answers uncompressed', async () => {
    const small = 'x'.repeat(MIN_COMPRESSED_BYTES - 10);
    const smallAnswer = await compressResponse(request('br'), jsonResponse(JSON.stringify(small), { ETag: '"a"' }));
    expect(smallAnswer.headers.get('content-encoding')).toBeNull();
    expect(smallAnswer.headers.get('etag')).toBe('"a"');
    expect(smallAnswer.headers.get('vary')).toBe('Accept-Encoding');
    expect(await smallAnswer.text()).toBe(JSON.stringify(small));

    const text = new Response(big, { headers: { 'Content-Type': 'text/plain' } });
    expect(await compressResponse(request('br'), text)).toBe(text);
    const error = new Response(big, { status: 400, headers: { 'Content-Type': 'application/json' } });
    expect(await compressResponse(request('br'), error)).toBe(error);
    const encoded = jsonResponse(big, { 'Content-Encoding': 'gzip' });
    expect(await compressResponse(request('br'), encoded)).toBe(encoded);
    const refused = await compressResponse(request('identity'), jsonResponse(big));
    expect(refused.headers.get('content-encoding')).toBeNull();
    expect(await refused.text()).toBe(big);
  });

  it('gives a 304 the validator the compressed 200 carries', async () => {
    const notModified = await compressResponse(
      request('br'),
      new Response(null, { status: 304, headers: { ETag: '"a"' } }),
    );
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('etag')).toBe('W/"a"');
    expect(notModified.headers.get('vary')).toBe('Accept-Encoding');
  });
});

describe('leaveCompressionToHost', () => {
  it('marks the request itself, so a separately bundled adapter and server agree', async () => {
    const marked = request('br');
    leaveCompressionToHost(marked);
    expect(hostCompresses(marked)).toBe(true);
    expect(hostCompresses(request('br'))).toBe(false);
    // The mark is a registered symbol: another copy of this module reads it too.
    expect(
      (marked as unknown as Record<symbol, unknown>)[Symbol.for('@resumable/recovery-server.hostCompresses')],
    ).toBe(true);
  });
});
