import { ResumableError } from '@resumable/protocol';
import { describe, expect, it } from 'vitest';
import { ClientError } from './errors';
import { networkError, parseEventData, responseError } from './http';

describe('ClientError', () => {
  it("is recognised by @resumable/protocol's ResumableError.is, and the other way round", () => {
    const error = new ClientError('NOT_PAUSED', 'not paused', { status: 409 });
    expect(ResumableError.is(error)).toBe(true);
    expect(ClientError.is(new ResumableError('FORBIDDEN', 'no'))).toBe(true);
    expect(ClientError.is(new Error('plain'))).toBe(false);
    expect(ClientError.is(null)).toBe(false);
    expect(ClientError.is('NOT_PAUSED')).toBe(false);
    expect(error).toMatchObject({ name: 'ResumableError', code: 'NOT_PAUSED', status: 409, message: 'not paused' });
  });

  it('from() keeps a Resumable error’s code and status and wraps anything else as INTERNAL', () => {
    const own = new ClientError('FORBIDDEN', 'no', { status: 403 });
    expect(ClientError.from(own)).toBe(own);

    const server = new ResumableError('TOKEN_EXPIRED', 'expired');
    expect(ClientError.from(server)).toMatchObject({
      code: 'TOKEN_EXPIRED',
      status: 401,
      message: 'expired',
      cause: server,
    });

    const thrown = new TypeError('boom');
    expect(ClientError.from(thrown)).toMatchObject({
      code: 'INTERNAL',
      status: undefined,
      message: 'boom',
      cause: thrown,
    });
    expect(ClientError.from('text')).toMatchObject({ code: 'INTERNAL', message: 'text' });
  });
});

describe('errors from responses and events', () => {
  it("keeps the server's code, message, status and details", async () => {
    const body = {
      error: { code: 'NOT_PAUSED', message: 'order-42 is running', details: { executionId: 'order-42' } },
    };
    const error = await responseError(Response.json(body, { status: 409 }));
    expect(error).toBeInstanceOf(ClientError);
    expect(error).toMatchObject({ code: 'NOT_PAUSED', message: 'order-42 is running', status: 409 });
    expect(error.details).toEqual(body.error.details);
  });

  it('falls back on the status when the body is not in the wire format', async () => {
    const page = () =>
      new Response('<html>bad gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html' } });
    expect(await responseError(page())).toMatchObject({ code: 'INTERNAL', status: 502, message: 'HTTP 502' });
    expect(await responseError(new Response('nope', { status: 403 }))).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
    });
    expect(await responseError(new Response(null, { status: 429 }))).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      status: 429,
    });
  });

  it('a network failure has no status; data that is not JSON is INVALID_JSON', () => {
    const cause = new TypeError('fetch failed');
    expect(networkError(cause)).toMatchObject({ code: 'NETWORK_ERROR', status: undefined, cause });
    expect(parseEventData({ event: 'update', data: '{"sequence":1}' })).toEqual({ sequence: 1 });
    expect(() => parseEventData({ event: 'update', data: '{oops' })).toThrow(
      expect.objectContaining({ code: 'INVALID_JSON', message: 'SSE event "update": data is not JSON' }),
    );
  });
});
