import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisBus, type RedisBus } from '@resumable/sse-publisher/redis';
import { startRedis, type RedisProcess } from '../../sse-publisher/test/redis-server';
import { startHarness, startServer, type Harness, type ServerInstance } from './harness';
import { StreamFollower, range } from './sse-client';
import { tickingTask } from './workflows';

describe('two server instances sharing a real Redis bus', () => {
  let redis: RedisProcess;
  let workerBus: RedisBus;
  let buses: RedisBus[];
  let harness: Harness;
  let instances: ServerInstance[];

  beforeAll(async () => {
    redis = await startRedis();
    workerBus = createRedisBus({ url: redis.url, onError: () => undefined });
    buses = [
      createRedisBus({ url: redis.url, onError: () => undefined }),
      createRedisBus({ url: redis.url, onError: () => undefined }),
    ];
    harness = await startHarness({ bus: buses[0], workerBus });
    instances = [
      await startServer(harness.client, { bus: buses[0] as RedisBus, recoverPausedOnStart: false }),
      await startServer(harness.client, { bus: buses[1] as RedisBus, recoverPausedOnStart: false }),
    ];
  });
  afterAll(async () => {
    for (const instance of instances ?? []) await instance.close();
    await harness?.close();
    for (const bus of [workerBus, ...(buses ?? [])]) await bus?.close();
    await redis?.kill();
  });

  it('a client that switches instance mid-stream ends with the exact list', async () => {
    const id = `redis-${Date.now()}`;
    const token = await harness.token([id]);
    const [first, second] = instances as [ServerInstance, ServerInstance];
    const handle = await harness.client.workflow.start(tickingTask, {
      taskQueue: harness.taskQueue,
      workflowId: id,
      args: [{ count: 600, batch: 50, pauseMs: 100 }],
    });
    const onFirst = new StreamFollower(`${first.baseUrl}/temporal/stream/${id}`, token);
    await expect.poll(() => onFirst.lastSequence, { timeout: 20_000 }).toBeGreaterThanOrEqual(100);
    onFirst.close();
    const seenOnFirst = onFirst.record.sequences;

    // The load balancer sends the reconnect to the other instance.
    const onSecond = new StreamFollower(
      `${second.baseUrl}/temporal/stream/${id}?lastEventId=${onFirst.lastSequence}`,
      token,
    );
    const record = await onSecond.done;
    await expect(handle.result()).resolves.toBe(600);

    expect([...seenOnFirst, ...record.sequences]).toEqual(range(1, 600));
    expect(record.end).toEqual({ status: 'DONE', lastSequence: 600, execution: 'COMPLETED' });
    // The second instance got live updates over Redis, not only from Temporal.
    expect(buses[1]?.stats().received).toBeGreaterThan(0);
  }, 60_000);
});
