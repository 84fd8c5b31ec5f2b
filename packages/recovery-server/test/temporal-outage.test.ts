import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { temporalTestServer } from '@resumable/temporal-dev/vitest';
import { createInMemoryBus } from '@resumable/sse-publisher';
import { createRecoveryServer } from '../src/index';

/** A TCP forwarder to the real dev server that can be switched off and on: a network outage. */
function outageProxy(target: string) {
  const [host, port] = target.split(':') as [string, string];
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  return {
    async up(listenPort: number) {
      server = createServer((client) => {
        const upstream = connect(Number(port), host);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => socket.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((resolve) => server?.listen(listenPort, '127.0.0.1', resolve));
      return (server.address() as { port: number }).port;
    },
    async down() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
      server = undefined;
    },
  };
}

describe('while Temporal is unreachable', () => {
  const proxy = outageProxy(temporalTestServer().address);
  afterAll(() => proxy.down());

  it('answers 503 TEMPORAL_UNAVAILABLE, keeps serving, and recovers once Temporal is back', async () => {
    const port = await proxy.up(0);
    await proxy.down();
    const server = createRecoveryServer({
      temporal: { address: `127.0.0.1:${port}`, namespace: temporalTestServer().namespace },
      auth: { disabled: true },
      bus: createInMemoryBus(),
      recoverPausedOnStart: false,
      onError: () => undefined,
    });
    try {
      const ask = async () => {
        const response = await server.fetch(new Request('http://localhost/api/temporal/recovery/no-such-task'));
        return { status: response.status, code: ((await response.json()) as { error: { code: string } }).error.code };
      };
      expect(await ask()).toEqual({ status: 503, code: 'TEMPORAL_UNAVAILABLE' });
      expect(await ask()).toEqual({ status: 503, code: 'TEMPORAL_UNAVAILABLE' });

      // The network comes back: the same server reaches Temporal (an unknown task → 404).
      await proxy.up(port);
      await expect.poll(ask, { timeout: 30_000, interval: 250 }).toEqual({ status: 404, code: 'TASK_NOT_FOUND' });

      // And goes away again mid-life.
      await proxy.down();
      await expect.poll(ask, { timeout: 30_000, interval: 250 }).toEqual({ status: 503, code: 'TEMPORAL_UNAVAILABLE' });
    } finally {
      await server.close();
    }
  }, 150_000); // alone it takes ~75 s (connect timeouts while down, two 30 s polls); CI load pushed it past 90 s
});
