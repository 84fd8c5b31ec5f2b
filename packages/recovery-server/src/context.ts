import type { ErrorContext, UpdateBus } from '@resumable/protocol';
import type { PausedRegistry } from '@resumable/recovery-manager';
import type { SsePublisher } from '@resumable/sse-publisher';
import type { AuthGuard } from './auth/guard';
import type { CorsOptions } from './http/cors';
import type { PausedFeed } from './paused/paused-feed';
import type { ClosedLogs } from './stream/closed-logs';
import type { FeedRegistry } from './stream/feed-registry';
import type { TokenStreamLimiter } from './stream/token-streams';
import type { Telemetry } from './telemetry/telemetry';
import type { TemporalGateway } from './temporal/gateway';

/**
 * @internal Everything a route may use, built once by `createRecoveryServer`: the
 * parts, not the options they came from, so a route never re-derives a default.
 */
export interface ServerContext {
  readonly basePath: string;
  readonly cors: CorsOptions | undefined;
  readonly maxBodyBytes: number;
  readonly guard: AuthGuard;
  readonly gateway: TemporalGateway;
  readonly bus: UpdateBus;
  readonly publisher: SsePublisher;
  readonly registry: PausedRegistry;
  readonly feeds: FeedRegistry;
  /** Whether routes that allow it answer compressed (`Accept-Encoding`). */
  readonly compression: boolean;
  /** Logs of finished runs, read once and shared; undefined when switched off. */
  readonly closedLogs: ClosedLogs | undefined;
  readonly paused: PausedFeed;
  readonly tokenStreams: TokenStreamLimiter;
  /** Answers bus messages from workers in other processes (only with a `busSecret`). */
  readonly busReceiver: ((request: Request) => Promise<Response>) | undefined;
  /** Metrics and spans (OpenTelemetry; a no-op without an SDK). */
  readonly telemetry: Telemetry;
  /** Reports a failure that is not the client's fault to the user's `onError`. Never throws. */
  readonly onError: (error: unknown, context: ErrorContext) => void;
  /** True once `close()` began: new requests get 503 SHUTTING_DOWN. */
  readonly closing: boolean;
  /** True while `refuseUntilStarted` holds requests off: they get 503 STARTING_UP. */
  readonly startingUp: boolean;
}
