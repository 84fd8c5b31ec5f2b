export { createRedisBus, type RedisBus, type RedisBusOptions, type RedisBusStats } from './redis-bus';
