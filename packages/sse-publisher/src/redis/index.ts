/**
 * `@resumable/sse-publisher/redis`: an `UpdateBus` over Redis pub/sub, for several
 * servers and workers.
 *
 * @module @resumable/sse-publisher/redis
 */
export { createRedisBus, type RedisBus, type RedisBusOptions, type RedisBusStats } from './redis-bus';
