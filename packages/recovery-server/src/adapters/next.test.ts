import { ResumableError } from '@resumable/protocol';
import { describe, expect, it, vi } from 'vitest';
import type { RecoveryServer } from '../server';
import { toNextHandlers } from './next';

/** A server whose start() settles when the test says so, and whose fetch() answers at once. */
function fakeServer() {
  let finishStart: () => void = () => undefined;
  const startDone = new Promise<undefined>((resolve) => (finishStart = () => resolve(undefined)));
  const server = {
    start: vi.fn(() => startDone),
    fetch: vi.fn(async (request: Request) => new Response(`${request.method} ${new URL(request.url).pathname}`)),
  };
  return { server, asServer: server as unknown as RecoveryServer, finishStart };
}

const url = (path: string) => `http://localhost/api/${path}`;
const get = (path: string) => new Request(url(path));
const post = (path: string) => new Request(url(path), { method: 'POST', body: '{}' });
const options = (path: string) => new Request(url(path), { method: 'OPTIONS' });

/** Resolves to 'pending' when `promise` has not settled after a few turns of the event loop. */
async function state(promise: Promise<unknown>): Promise<'pending' | 'settled'> {
  return Promise.race([
    promise.then(() => 'settled' as const),
    new Promise<'pending'>((r) => setTimeout(r, 20, 'pending')),
  ]);
}

describe('toNextHandlers', () => {
  it('does nothing until the first request, then creates and starts the server once', async () => {
    const { server, asServer, finishStart } = fakeServer();
    const factory = vi.fn(() => asServer);
    const { GET, POST } = toNextHandlers(factory);
    expect(factory).not.toHaveBeenCalled();

    const first = GET(get('workflow/paused'));
    const second = POST(post('workflow/triggers'));
    expect(await state(first)).toBe('pending');
    expect(factory).toHaveBeenCalledTimes(1);
    expect(server.start).toHaveBeenCalledTimes(1);
    expect(server.fetch).not.toHaveBeenCalled();

    finishStart();
    expect(await (await first).text()).toBe('GET /api/workflow/paused');
    expect(await (await second).text()).toBe('POST /api/workflow/triggers');
    await GET(get('workflow/paused'));
    expect(factory).toHaveBeenCalledTimes(1);
    expect(server.start).toHaveBeenCalledTimes(1);
  });

  it('accepts the server itself', async () => {
    const { server, asServer, finishStart } = fakeServer();
    const { GET } = toNextHandlers(asServer);
    expect(server.start).not.toHaveBeenCalled();
    finishStart();
    expect((await GET(get('workflow/paused'))).status).toBe(200);
    expect(server.start).toHaveBeenCalledTimes(1);
  });

  it('lets a preflight and a worker bus post through while start-up recovery runs', async () => {
    const { server, asServer } = fakeServer();
    const { OPTIONS, POST } = toNextHandlers(asServer);
    expect((await OPTIONS(options('temporal/stream/a'))).status).toBe(200);
    expect(server.start).not.toHaveBeenCalled();
    // The bus post starts the server (the paused feed listens from then on) without waiting for the rebuild.
    expect(await (await POST(post('resumable/bus'))).text()).toBe('POST /api/resumable/bus');
    expect(server.start).toHaveBeenCalledTimes(1);
    expect(await state(POST(post('workflow/triggers')))).toBe('pending');
  });

  it('serves anyway once startTimeoutMs has passed, and later requests no longer wait', async () => {
    const { asServer } = fakeServer();
    const { GET } = toNextHandlers(asServer, { startTimeoutMs: 30 });
    const started = Date.now();
    expect((await GET(get('workflow/paused'))).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(await state(GET(get('workflow/paused')))).toBe('settled');
  });

  it('reports a start() that throws, and serves', async () => {
    const onError = vi.fn();
    const server = {
      start: vi.fn(() => Promise.reject(new Error('bus down'))),
      fetch: vi.fn(async () => new Response('ok')),
    } as unknown as RecoveryServer;
    const { GET } = toNextHandlers(server, { onError });
    expect(await (await GET(get('workflow/paused'))).text()).toBe('ok');
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'bus down' }), {
      source: 'next-adapter',
      operation: 'server.start()',
    });
  });

  it('calls a factory that threw again on the next request, with a clear error meanwhile', async () => {
    const { asServer, finishStart } = fakeServer();
    finishStart();
    const factory = vi
      .fn<() => RecoveryServer>()
      .mockImplementationOnce(() => {
        throw new Error('RESUMABLE_SECRET is not set');
      })
      .mockReturnValue(asServer);
    const { GET } = toNextHandlers(factory);
    const error = await GET(get('workflow/paused')).catch((caught: unknown) => caught);
    expect(ResumableError.is(error)).toBe(true);
    expect((error as ResumableError).message).toMatch(/function that creates the server threw.*RESUMABLE_SECRET/);
    expect((await GET(get('workflow/paused'))).status).toBe(200);
    expect(factory).toHaveBeenCalledTimes(2);
  });

  it('refuses what is not a server', async () => {
    expect(() => toNextHandlers(undefined as unknown as RecoveryServer)).toThrow(
      /toNextHandlers was given undefined, not a RecoveryServer/,
    );
    expect(() => toNextHandlers({} as RecoveryServer)).toThrow(/an object without fetch\(\) and start\(\)/);
    expect(() => toNextHandlers(fakeServer().asServer, { startTimeoutMs: -1 })).toThrow(/startTimeoutMs/);
    const { GET } = toNextHandlers((() => undefined) as unknown as () => RecoveryServer);
    await expect(GET(get('workflow/paused'))).rejects.toThrow(/returned undefined, not a RecoveryServer/);
  });

  // What `next build` does under cacheComponents to a GET handler of a static path:
  // reading the request throws, which makes the route dynamic. Nothing may run before.
  it('reads the request before it creates anything', async () => {
    const factory = vi.fn(() => fakeServer().asServer);
    const { GET } = toNextHandlers(factory);
    const prerendering = new Proxy(get('workflow/paused'), {
      get(target, property) {
        if (property === 'url' || property === 'headers') throw new Error('prerender interrupted');
        return Reflect.get(target, property, target);
      },
    });
    await expect(GET(prerendering)).rejects.toThrow('prerender interrupted');
    expect(factory).not.toHaveBeenCalled();
  });
});
