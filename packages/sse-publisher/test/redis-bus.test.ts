import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { taskTopic, type BusMessage } from '@resumable/protocol';
import { EventSource } from 'eventsource';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisBus } from '../src/redis/index';
import { waitFor } from './helpers';
import { startRedis, type RedisProcess } from './redis-server';

const ROOT = resolve(import.meta.dirname, '../../..');
const FIXTURE = resolve(import.meta.dirname, 'fixtures/redis-instance.ts');

interface Instance {
  child: ChildProcess;
  url: string;
}

/** Starts a server instance in its own process (tsx, resolving workspace sources). */
async function startInstance(redisUrl: string): Promise<Instance> {
  const child = spawn(process.execPath, ['--conditions=@resumable/source', '--import', 'tsx', FIXTURE], {
    cwd: ROOT,
    env: { ...process.env, REDIS_URL: redisUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((ok, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', ok);
    child.once('exit', (code) => fail(new Error(`instance exited with ${code} before listening`)));
  });
  return { child, url: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}` };
}

const update = (sequence: number): BusMessage => ({
  kind: 'update',
  taskId: 't1',
  update: { id: `t1:${sequence}`, timestamp: sequence, sequence, type: 'step', data: { text: `step ${sequence}` } },
});

async function publishVia(instance: Instance, message: BusMessage): Promise<void> {
  const response = await fetch(`${instance.url}/publish`, { method: 'POST', body: JSON.stringify(message) });
  expect(response.status).toBe(200);
}

async function stats(instance: Instance): Promise<{ bus: { status: string; invalid: number; reconnects: number } }> {
  return (await fetch(`${instance.url}/stats`)).json() as Promise<{
    bus: { status: string; invalid: number; reconnects: number };
  }>;
}

function listen(instance: Instance) {
  const source = new EventSource(`${instance.url}/stream`);
  const sequences: number[] = [];
  source.addEventListener('update', (event) => sequences.push(JSON.parse(event.data).sequence));
  const opened = new Promise<void>((ok) => source.addEventListener('open', () => ok(), { once: true }));
  return { source, sequences, opened };
}

describe('Redis bus against a real redis-server', () => {
  let redis: RedisProcess;
  let a: Instance;
  let b: Instance;
  let probe: Redis;

  beforeAll(async () => {
    redis = await startRedis();
    [a, b] = await Promise.all([startInstance(redis.url), startInstance(redis.url)]);
    probe = new Redis(redis.url, { retryStrategy: () => 50, maxRetriesPerRequest: null });
  }, 60_000);

  afterAll(async () => {
    for (const instance of [a, b]) instance?.child.kill('SIGKILL');
    probe?.disconnect();
    await redis?.kill();
  });

  async function subscribers(): Promise<number> {
    const reply = (await probe.call('PUBSUB', 'NUMSUB', 'test:task:t1')) as [string, number];
    return Number(reply[1]);
  }

  it('a message published through one instance reaches the clients of both; a Redis restart is survived', async () => {
    const clientA = listen(a);
    const clientB = listen(b);
    await Promise.all([clientA.opened, clientB.opened]);
    expect(await subscribers()).toBe(2);

    await publishVia(a, update(1));
    await publishVia(b, update(2));
    await waitFor(
      () => clientA.sequences.length >= 2 && clientB.sequences.length >= 2,
      'updates 1 and 2 at both clients',
    );
    expect(clientA.sequences).toEqual([1, 2]);
    expect(clientB.sequences).toEqual([1, 2]);

    // Garbage on our channel: ignored and counted by both instances, never delivered.
    await probe.publish('test:task:t1', 'not json');
    await probe.publish('test:task:t1', JSON.stringify({ kind: 'update', taskId: 't1' }));
    await probe.publish('test:task:t1', JSON.stringify(update(99)).replace('"taskId":"t1"', '"taskId":"other"'));
    const counted = async () => [(await stats(a)).bus.invalid, (await stats(b)).bus.invalid];
    const started = Date.now();
    while ((await counted()).some((n) => n < 3) && Date.now() - started < 5000)
      await new Promise((r) => setTimeout(r, 20));
    expect(await counted()).toEqual([3, 3]);

    // Redis dies and comes back on the same port.
    await redis.kill();
    // A publish while Redis is down neither fails nor blocks the caller.
    await publishVia(a, update(3));
    await redis.restart();
    const back = Date.now();
    while (Date.now() - back < 15_000) {
      const [sa, sb] = await Promise.all([stats(a), stats(b)]);
      if (sa.bus.status === 'ready' && sb.bus.status === 'ready' && sa.bus.reconnects >= 1 && sb.bus.reconnects >= 1) {
        if ((await subscribers().catch(() => 0)) === 2) break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await subscribers()).toBe(2);

    await publishVia(b, update(4));
    await publishVia(a, update(5));
    await waitFor(
      () => clientA.sequences.includes(5) && clientB.sequences.includes(5),
      'updates after the restart',
      10_000,
    );
    for (const client of [clientA, clientB]) {
      // 3 was published while Redis was down: it may or may not have made it (loss is repaired by sequence).
      expect(client.sequences.filter((s) => s !== 3)).toEqual([1, 2, 4, 5]);
      client.source.close();
    }
  }, 60_000);

  it('subscribe resolves once live, unsubscribe stops delivery, and close releases both connections', async () => {
    const bus = createRedisBus({ url: redis.url, prefix: 'unit:' });
    await bus.ready();
    const got: BusMessage[] = [];
    const stop = await bus.subscribe(taskTopic('t9'), (message) => got.push(message));
    // Published the moment subscribe resolved, from another connection: must arrive.
    await probe.publish('unit:task:t9', JSON.stringify({ ...update(1), taskId: 't9' }));
    await bus.publish({ ...update(2), taskId: 't9' });
    await waitFor(() => got.length === 2, 'both messages');
    expect(got.map((m) => (m.kind === 'update' ? m.update.sequence : 0))).toEqual([1, 2]);
    await stop();
    expect(Number(((await probe.call('PUBSUB', 'NUMSUB', 'unit:task:t9')) as [string, number])[1])).toBe(0);
    await bus.publish({ ...update(3), taskId: 't9' });
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toHaveLength(2);
    expect(bus.stats()).toMatchObject({ received: 2, invalid: 0 });
    await bus.close();
    await expect(bus.publish(update(4))).rejects.toThrow(/closed/);
  });
});
