import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TemporalGateway } from './gateway';

/** A loopback port with nothing listening: every call fails UNAVAILABLE and is retried. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('TemporalGateway.close', () => {
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);
  afterEach(() => {
    process.off('uncaughtException', record);
    uncaught.length = 0;
  });

  it('ends calls in flight during an outage, and no gRPC retry fires after the channel closed', async () => {
    process.on('uncaughtException', record);
    const gateway = new TemporalGateway({ address: `127.0.0.1:${await deadPort()}`, namespace: 'default' });
    const reads = [gateway.readState('a'), gateway.describe('b'), gateway.readPause('c')];
    for (const read of reads) read.catch(() => undefined);
    // Long enough for the retry layer to have scheduled its next attempts.
    await new Promise((resolve) => setTimeout(resolve, 400));
    await gateway.close();
    for (const read of reads) await expect(read).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
    // Any retry still scheduled would fire within this window and throw "Channel has been shut down".
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(uncaught).toEqual([]);
  });

  it('is safe to call twice', async () => {
    const gateway = new TemporalGateway({ address: `127.0.0.1:${await deadPort()}` });
    await gateway.close();
    await expect(gateway.close()).resolves.toBeUndefined();
  });
});
