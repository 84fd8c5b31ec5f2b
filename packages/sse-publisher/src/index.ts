/**
 * `@resumable/sse-publisher`: SSE connections on Node and fetch runtimes, named
 * channels with replay by `Last-Event-ID`, heartbeats and back-pressure, and the
 * in-memory and HTTP buses.
 *
 * @module @resumable/sse-publisher
 */
export {
  createSsePublisher,
  type SsePublisher,
  type SsePublisherOptions,
  type OpenOptions,
  type PublisherStats,
  type ShutdownOptions,
} from './publisher';
export type { SseConnection, CloseReason } from './connection';
export type { SseChannel } from './channel';
export type { ReplayLimits } from './replay-buffer';
export { SSE_HEADERS } from './headers';
export { prepareEvent, joinEvents, type PreparedEvent } from './frame';
export { createInMemoryBus, type InMemoryBusOptions } from './buses/in-memory';
export {
  createHttpBusSender,
  type HttpBusSender,
  type HttpBusSenderOptions,
  type HttpBusSenderStats,
} from './buses/http-sender';
export { createHttpBusReceiver, type HttpBusReceiverOptions, type HttpBusBatch } from './buses/http-receiver';
export { parseBusMessage, isBusMessage } from './buses/validate';
export type { SseEvent, UpdateBus, BusMessage, BusTopic } from '@resumable/protocol';
