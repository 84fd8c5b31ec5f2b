import {
  ResumableError,
  reportError,
  topicOf,
  type BusHandler,
  type ErrorHandler,
  type BusMessage,
  type BusTopic,
  type Unsubscribe,
  type UpdateBus,
} from '@resumable/protocol';
import { Redis, type RedisOptions } from 'ioredis';
import { busMessageProblem } from '../buses/validate';

/**
 * Options of `createRedisBus()`.
 *
 * @example
 * createRedisBus({ url: 'redis://127.0.0.1:6379', prefix: 'myapp:', onError: console.warn });
 */
export interface RedisBusOptions {
  /** `redis://` URL. Default `redis://127.0.0.1:6379`. Ignored when `client` is given. */
  url?: string;
  /** ioredis options for the two connections this bus opens. */
  redisOptions?: RedisOptions;
  /**
   * An existing client to publish with (not closed by the bus). The bus subscribes
   * on `client.duplicate()`, because a subscribed Redis connection can do nothing else.
   */
  client?: Redis;
  /** Prefix of every Redis channel: one channel per topic, `<prefix><topic>`. Default `resumable:`. */
  prefix?: string;
  /** Messages held while Redis is unreachable, sent once it is back; beyond it the oldest are dropped. Default 1000. */
  maxPending?: number;
  /** Told about dropped messages, bad messages on a channel, handler errors and connection errors. Default: silent (see `stats()`). */
  onError?: ErrorHandler;
}

/**
 * Counters of a Redis bus.
 *
 * @example
 * const { status, invalid, dropped } = bus.stats();
 */
export interface RedisBusStats {
  /** Messages published to Redis. */
  published: number;
  /** Messages not published (Redis unreachable for too long, or the bus closed). */
  dropped: number;
  /** Well-formed messages delivered to this process. */
  received: number;
  /** Messages on our channels that were not valid bus messages for their topic: ignored. */
  invalid: number;
  /** Subscriber connection status, as ioredis reports it (`ready` when live). */
  status: string;
  /** Times the subscriber connection became ready again after losing Redis. */
  reconnects: number;
}

/**
 * An `UpdateBus` over Redis pub/sub, with counters.
 *
 * @example
 * const bus: RedisBus = createRedisBus({ url: process.env.REDIS_URL });
 * await bus.ready();
 */
export interface RedisBus extends UpdateBus {
  /** The bus's counters. */
  stats(): RedisBusStats;
  /** Resolves once both connections are ready. */
  ready(): Promise<void>;
}

function whenReady(client: Redis): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => client.once('ready', () => resolve()));
}

/**
 * A bus for many server instances, on Redis pub/sub (through ioredis).
 *
 * Best-effort like every bus: a message published while Redis is down is held (up
 * to `maxPending`) and sent when it is back, or dropped; messages published while
 * the subscriber reconnects are missed. Both are repaired downstream by sequence.
 * After a Redis restart the subscriber reconnects and subscribes again by itself.
 * What arrives is validated: malformed messages, or messages whose topic does not
 * match their channel, are ignored and counted, never delivered.
 *
 * @example
 * import { createRedisBus } from '@resumable/sse-publisher/redis';
 *
 * const bus = createRedisBus({ url: process.env.REDIS_URL });
 * await bus.subscribe(taskTopic('order-1'), (message) => channel.broadcast(toEvent(message)));
 * await bus.publish({ kind: 'update', taskId: 'order-1', update });
 */
export function createRedisBus(options: RedisBusOptions = {}): RedisBus {
  const prefix = options.prefix ?? 'resumable:';
  const maxPending = options.maxPending ?? 1000;
  const report = (error: unknown) => {
    if (options.onError) reportError(options.onError, error, { source: 'redis-bus' });
  };

  const base: RedisOptions = { ...options.redisOptions };
  const ownsPublisher = options.client === undefined;
  // Publishing never waits in ioredis's unbounded offline queue: while Redis is
  // down, messages wait in our bounded `pending` list instead.
  const publisher =
    options.client ?? new Redis(options.url ?? 'redis://127.0.0.1:6379', { ...base, enableOfflineQueue: false });
  // The subscriber keeps its offline queue, so subscribe() issued while Redis is
  // down completes (and resolves) once it is back; ioredis re-subscribes every
  // channel after a reconnect (`autoResubscribe`).
  const subscriber = options.client
    ? options.client.duplicate({ autoResubscribe: true, maxRetriesPerRequest: null })
    : new Redis(options.url ?? 'redis://127.0.0.1:6379', {
        ...base,
        autoResubscribe: true,
        maxRetriesPerRequest: null,
      });

  const handlers = new Map<string, Set<BusHandler>>();
  /** Per-channel chain of SUBSCRIBE/UNSUBSCRIBE calls, so they apply in order. */
  const changes = new Map<string, Promise<void>>();
  const pending: string[] = [];
  const stats = { published: 0, dropped: 0, received: 0, invalid: 0, reconnects: 0 };
  let closed = false;
  let wasReady = false;

  publisher.on('error', report);
  subscriber.on('error', report);
  publisher.on('ready', () => flushPending());
  subscriber.on('ready', () => {
    if (wasReady) stats.reconnects += 1;
    wasReady = true;
  });

  subscriber.on('message', (channel: string, text: string) => {
    const set = handlers.get(channel);
    if (set === undefined || set.size === 0) return;
    const topic = channel.slice(prefix.length);
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      message = undefined;
    }
    const problem = message === undefined ? 'not JSON' : busMessageProblem(message);
    if (problem !== null || topicOf(message as BusMessage) !== topic) {
      stats.invalid += 1;
      report(new ResumableError('BAD_REQUEST', `Ignored a bad message on ${channel}: ${problem ?? 'topic mismatch'}`));
      return;
    }
    stats.received += 1;
    for (const handler of [...set]) {
      try {
        handler(message as BusMessage);
      } catch (error) {
        report(error);
      }
    }
  });

  function drop(count: number, why: string): void {
    stats.dropped += count;
    report(new ResumableError('INTERNAL', `Dropped ${count} bus message(s): ${why}`));
  }

  function send(channelAndText: string): void {
    const split = channelAndText.indexOf('\n');
    const channel = channelAndText.slice(0, split);
    publisher.publish(channel, channelAndText.slice(split + 1)).then(
      () => {
        stats.published += 1;
      },
      (error: unknown) => drop(1, error instanceof Error ? error.message : String(error)),
    );
  }

  function flushPending(): void {
    while (pending.length > 0 && publisher.status === 'ready') send(pending.shift() as string);
  }

  function chain(channel: string, step: () => Promise<unknown>): Promise<void> {
    const next = (changes.get(channel) ?? Promise.resolve()).then(step).then(() => undefined);
    const settled = next.catch(() => undefined);
    changes.set(channel, settled);
    void settled.then(() => {
      if (changes.get(channel) === settled) changes.delete(channel);
    });
    return next;
  }

  function closedError(): ResumableError {
    return new ResumableError('SHUTTING_DOWN', 'The Redis bus is closed');
  }

  return {
    async publish(message: BusMessage) {
      if (closed) throw closedError();
      // Redis channel names may hold any bytes; the prefix keeps ours apart from other apps'.
      const channel = prefix + topicOf(message);
      const item = `${channel}\n${JSON.stringify(message)}`;
      if (publisher.status === 'ready' && pending.length === 0) {
        send(item);
        return;
      }
      pending.push(item);
      if (pending.length > maxPending) {
        pending.shift();
        drop(1, `Redis unreachable and more than ${maxPending} messages pending`);
      }
      flushPending();
    },

    async subscribe(topic: BusTopic, handler: BusHandler): Promise<Unsubscribe> {
      if (closed) throw closedError();
      const channel = prefix + topic;
      let set = handlers.get(channel);
      const first = set === undefined;
      if (set === undefined) handlers.set(channel, (set = new Set()));
      const entry: BusHandler = (message) => handler(message);
      set.add(entry);
      // Resolves when Redis confirmed the SUBSCRIBE: from then on nothing published is missed.
      try {
        if (first) await chain(channel, () => subscriber.subscribe(channel));
        else await changes.get(channel);
      } catch (error) {
        set.delete(entry);
        if (set.size === 0 && handlers.get(channel) === set) handlers.delete(channel);
        throw error;
      }
      let active = true;
      return async () => {
        if (!active) return;
        active = false;
        const current = handlers.get(channel);
        if (current === undefined) return;
        current.delete(entry);
        if (current.size > 0) return;
        handlers.delete(channel);
        if (!closed) await chain(channel, () => subscriber.unsubscribe(channel)).catch(report);
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      if (pending.length > 0) drop(pending.splice(0).length, 'the bus closed while Redis was unreachable');
      handlers.clear();
      const quit = async (client: Redis) => {
        if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
        else client.disconnect();
      };
      await Promise.all([quit(subscriber), ownsPublisher ? quit(publisher) : Promise.resolve()]);
    },

    async ready() {
      await Promise.all([whenReady(publisher), whenReady(subscriber)]);
    },

    stats: () => ({ ...stats, status: subscriber.status }),
  };
}
