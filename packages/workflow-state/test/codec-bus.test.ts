import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  taskTopic,
  type BusMessage,
  type ErrorContext,
  type ResumableError,
  type UpdateBus,
} from '@resumable/protocol';
import { createKeyRing, encryptedBus, type PayloadKey } from '../src/codec/index';
// The real buses of @resumable/sse-publisher (not a dependency of this package), from its sources.
import { createInMemoryBus } from '../../sse-publisher/src/buses/in-memory';
import { isBusMessage } from '../../sse-publisher/src/buses/validate';
import { createRedisBus, type RedisBus } from '../../sse-publisher/src/redis/index';
import { startRedis, type RedisProcess } from '../../sse-publisher/test/redis-server';

const SECRET = 'card 4111-1111-1111-1111';
const k1: PayloadKey = { id: 'k1', key: crypto.getRandomValues(new Uint8Array(32)) };
const k2: PayloadKey = { id: 'k2', key: crypto.getRandomValues(new Uint8Array(32)) };

const update = (taskId: string, sequence: number, note = SECRET): BusMessage => ({
  kind: 'update',
  taskId,
  status: `reviewing ${SECRET}`,
  update: {
    id: `${taskId}:${sequence}`,
    type: 'step',
    sequence,
    timestamp: 1_700_000_000_000 + sequence,
    data: { note },
  },
});
const pause: BusMessage = {
  kind: 'pause',
  taskId: 'order-1',
  sequence: 3,
  timestamp: 1_700_000_000_003,
  event: 'workflow.paused',
  data: {
    executionId: 'order-1',
    workflowType: 'order',
    workflowId: 'order',
    pausedAt: 'approve',
    pausedTime: new Date(0).toISOString(),
    waitingFor: [],
    timeoutAt: null,
    variables: { card: SECRET },
  } as never,
};
const progress: BusMessage = {
  kind: 'progress',
  taskId: 'order-1',
  progress: {
    activityId: 'charge',
    activityType: 'charge',
    attempt: 1,
    counter: 1,
    timestamp: 1_700_000_000_004,
    details: { card: SECRET },
  } as never,
};

/** Collects what a subscription receives and what its wrapper reports. */
function recorder() {
  const received: BusMessage[] = [];
  const errors: { error: ResumableError; context: ErrorContext }[] = [];
  return {
    received,
    errors,
    handler: (message: BusMessage) => received.push(message),
    onError: (error: ResumableError, context: ErrorContext) => errors.push({ error, context }),
  };
}

describe('encryptedBus over the in-memory bus', () => {
  it('seals what crosses the bus and hands subscribers the original, for every kind of message', async () => {
    const inner = createInMemoryBus();
    const raw: BusMessage[] = [];
    await inner.subscribe(taskTopic('order-1'), (message) => raw.push(message));
    await inner.subscribe('paused', (message) => raw.push(message));
    const bus = encryptedBus(inner, createKeyRing([k1]));
    const server = recorder();
    await bus.subscribe(taskTopic('order-1'), server.handler);
    await bus.subscribe('paused', server.handler);

    for (const message of [update('order-1', 1), pause, progress]) await bus.publish(message);
    await expect.poll(() => server.received.length).toBe(3);
    expect(server.received).toEqual([update('order-1', 1), pause, progress]);

    expect(raw).toHaveLength(3);
    expect(JSON.stringify(raw)).not.toContain(SECRET);
    expect(JSON.stringify(raw)).not.toContain('reviewing');
    // Still valid bus messages, so every bus (HTTP, Redis) routes and accepts them.
    for (const message of raw) expect(isBusMessage(message), JSON.stringify(message)).toBe(true);
    expect(raw[0]).toMatchObject({
      kind: 'update',
      taskId: 'order-1',
      update: { sequence: 1, type: 'step', data: null },
    });
    await bus.close();
  });

  it('keeps order, and a message sealed once is not sealed again (both ends of an HTTP bus can wrap)', async () => {
    const inner = createInMemoryBus();
    const sender = encryptedBus(inner, createKeyRing([k1]));
    const carriers: BusMessage[] = [];
    await inner.subscribe(taskTopic('t'), (message) => carriers.push(message));
    const server = recorder();
    await encryptedBus(inner, createKeyRing([k1])).subscribe(taskTopic('t'), server.handler);
    await Promise.all(Array.from({ length: 200 }, (_, index) => sender.publish(update('t', index + 1, `n${index}`))));
    await expect.poll(() => server.received.length).toBe(200);
    expect(server.received.map((message) => message.kind === 'update' && message.update.sequence)).toEqual(
      Array.from({ length: 200 }, (_, index) => index + 1),
    );
    // A receiving server re-publishes a worker's sealed message on its own wrapped bus: it arrives once, opened once.
    server.received.length = 0;
    await sender.publish(carriers[0]!);
    await expect.poll(() => server.received).toEqual([update('t', 1, 'n0')]);
  });

  it('rotates: a ring [k2, k1] opens both; a ring without the key drops the message and reports DECRYPTION_FAILED', async () => {
    const inner = createInMemoryBus();
    const rotated = recorder();
    const retired = recorder();
    await encryptedBus(inner, createKeyRing([k2, k1])).subscribe(taskTopic('t'), rotated.handler);
    await encryptedBus(inner, createKeyRing([k2]), { onError: retired.onError }).subscribe(
      taskTopic('t'),
      retired.handler,
    );
    await encryptedBus(inner, createKeyRing([k1])).publish(update('t', 1));
    await encryptedBus(inner, createKeyRing([k2, k1])).publish(update('t', 2));
    await expect.poll(() => rotated.received.length).toBe(2);
    await expect.poll(() => retired.received.length + retired.errors.length).toBe(2);
    expect(retired.received).toEqual([update('t', 2)]);
    expect(retired.errors[0]!.error).toMatchObject({
      code: 'DECRYPTION_FAILED',
      details: { keyId: 'k1', reason: 'unknown-key' },
    });
    expect(retired.errors[0]!.context).toMatchObject({ source: 'encrypted-bus', taskId: 't', dropped: 1 });
  });

  it('drops a sealed message moved to another task, or altered, and reports it', async () => {
    const inner = createInMemoryBus();
    const carriers: BusMessage[] = [];
    await inner.subscribe(taskTopic('a'), (message) => carriers.push(message));
    await encryptedBus(inner, createKeyRing([k1])).publish(update('a', 1));
    const victim = recorder();
    await encryptedBus(inner, createKeyRing([k1]), { onError: victim.onError }).subscribe(
      taskTopic('b'),
      victim.handler,
    );
    const carrier = carriers[0] as BusMessage & { sealed: { keyId: string; bytes: string } };
    await inner.publish({ ...carrier, taskId: 'b' });
    const bytes = Buffer.from(carrier.sealed.bytes, 'base64');
    bytes[20]! ^= 1;
    await inner.publish({ ...carrier, taskId: 'b', sealed: { keyId: 'k1', bytes: bytes.toString('base64') } } as never);
    await expect.poll(() => victim.errors.length).toBe(2);
    expect(victim.received).toEqual([]);
    expect(victim.errors.map(({ error }) => [error.code, (error.details as { reason: string }).reason])).toEqual([
      ['DECRYPTION_FAILED', 'tampered'],
      ['DECRYPTION_FAILED', 'tampered'],
    ]);
  });

  it('passes unsealed messages by default (a rolling switch-on) and drops them with acceptPlaintext: false', async () => {
    const inner = createInMemoryBus();
    const lenient = recorder();
    const strict = recorder();
    await encryptedBus(inner, createKeyRing([k1])).subscribe(taskTopic('t'), lenient.handler);
    await encryptedBus(inner, createKeyRing([k1]), { acceptPlaintext: false, onError: strict.onError }).subscribe(
      taskTopic('t'),
      strict.handler,
    );
    await inner.publish(update('t', 1));
    await expect.poll(() => lenient.received.length + strict.errors.length).toBe(2);
    expect(lenient.received).toEqual([update('t', 1)]);
    expect(strict.received).toEqual([]);
    expect(strict.errors[0]!.error.code).toBe('FORBIDDEN');
  });

  it('refuses to wrap something that is not a bus, or without a key ring', () => {
    expect(() => encryptedBus({} as UpdateBus, createKeyRing([k1]))).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER' }),
    );
    expect(() => encryptedBus(createInMemoryBus(), undefined as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER' }),
    );
  });
});

describe('encryptedBus over the Redis bus and a real redis-server', () => {
  let redis: RedisProcess;
  const buses: RedisBus[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  }, 30_000);
  afterAll(async () => {
    for (const bus of buses) await bus.close();
    await redis?.kill();
  });
  const redisBus = async () => {
    const bus = createRedisBus({ url: redis.url, prefix: 'codec-test:' });
    buses.push(bus);
    await bus.ready();
    return bus;
  };

  it("a worker's sealed messages cross Redis, pass its checks, and open on a server", async () => {
    const [workerSide, serverSide, eavesdropper] = await Promise.all([redisBus(), redisBus(), redisBus()]);
    const server = recorder();
    const seen: BusMessage[] = [];
    await encryptedBus(serverSide, createKeyRing([k2, k1])).subscribe(taskTopic('order-1'), server.handler);
    await encryptedBus(serverSide, createKeyRing([k2, k1])).subscribe('paused', server.handler);
    await eavesdropper.subscribe(taskTopic('order-1'), (message) => seen.push(message));
    const worker = encryptedBus(workerSide, createKeyRing([k1]));
    for (const message of [update('order-1', 1), pause, progress, update('order-1', 2)]) await worker.publish(message);

    await expect.poll(() => server.received.length, { timeout: 10_000 }).toBe(4);
    // In order within a topic; the pause travels on its own topic (its own Redis channel).
    expect(server.received.filter((message) => message.kind !== 'pause')).toEqual([
      update('order-1', 1),
      progress,
      update('order-1', 2),
    ]);
    expect(server.received.filter((message) => message.kind === 'pause')).toEqual([pause]);
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(3);
    expect(JSON.stringify(seen)).not.toContain(SECRET);
    expect(serverSide.stats().invalid).toBe(0);
    expect(eavesdropper.stats().invalid).toBe(0);
  });
});
