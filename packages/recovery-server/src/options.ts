import type { ErrorHandler, UpdateBus } from '@resumable/protocol';
import type { PausedRegistry, Recoverable, ResponseHandlers, TimerScheduler } from '@resumable/recovery-manager';
import type { SsePublisher } from '@resumable/sse-publisher';
import type { AuthOptions } from './auth/guard';
import type { CorsOptions } from './http/cors';
import type { RecoveryTelemetryOptions } from './telemetry/metrics';
import type { TemporalOptions } from './temporal/gateway';

/**
 * Options of `createRecoveryServer`: only `auth` is required.
 *
 * @example
 * const options: RecoveryServerOptions = { auth: { secret: process.env.RESUMABLE_SECRET! }, basePath: '/api' };
 * const server = createRecoveryServer(options);
 */
export interface RecoveryServerOptions {
  /** How to reach Temporal; defaults to `TEMPORAL_ADDRESS` / `TEMPORAL_NAMESPACE`. */
  temporal?: TemporalOptions;
  /**
   * Token checks: `{ secret }` (at least 32 characters) or, explicitly,
   * `{ disabled: true }`. There is no default.
   */
  auth: AuthOptions;
  /** The live bus; defaults to an in-memory bus (one process: worker and server together). */
  bus?: UpdateBus;
  /**
   * With `temporal.namespaces` (instead of `bus`): each namespace's own live bus
   * (default: an in-memory bus each). Task ids repeat across namespaces, so their
   * topics must not share a bus.
   */
  busOf?: (namespace: string) => UpdateBus;
  /**
   * Accept bus messages from workers in other processes at `POST {basePath}/resumable/bus`,
   * authenticated with this server secret (never a browser token). With
   * `temporal.namespaces`, a worker posts to `…/resumable/bus?namespace=<its namespace>`.
   */
  busSecret?: string;
  /** The SSE publisher; defaults to one with the package defaults. */
  publisher?: SsePublisher;
  /** Where the routes live; default `/api`. */
  basePath?: string;
  /** Cross-origin access for browsers on other origins; none by default (same origin only). */
  cors?: CorsOptions;
  /** The paused list; defaults to a new registry. */
  pausedRegistry?: PausedRegistry;
  /** Rebuild the paused list from Temporal visibility in `start()` (default true). */
  recoverPausedOnStart?: boolean;
  /**
   * The app's own start-up recovery: components `start()` runs together with the
   * paused-list rebuild (named `paused-workflows`; name it in `after` to run once the
   * list is rebuilt), e.g. `deadlineTimersRecoverable(...)` and
   * `eventRoutesRecoverable({ registry })` from `@resumable/recovery-manager`. A
   * component that throws or times out fails alone; the report shows it.
   */
  recoverables?: readonly Recoverable[];
  /**
   * Where components re-arm timers (`ctx.timers`); also `server.timers`, for the app's
   * timers after start-up. Default: an in-process `createTimerScheduler()` whose
   * callback errors go to `onError`, cleared by `close()`.
   */
  timers?: TimerScheduler;
  /**
   * What re-registers handlers for external events (`ctx.handlers`), e.g. for
   * `eventRoutesRecoverable`. Without it, a component that registers one fails with a
   * clear error.
   */
  responseHandlers?: ResponseHandlers;
  /**
   * Answer every request (but a worker's bus POST and CORS preflights) with
   * `503 STARTING_UP` and `Retry-After` until `start()` has finished its start-up
   * recovery, so no client is served from a paused list, timers or event routes still
   * being rebuilt. Default false (requests are served at once). Call `start()` at boot.
   */
  refuseUntilStarted?: boolean;
  /**
   * After start, reconcile the paused list with Temporal visibility this often, ms
   * (default 30000; 0 turns it off). Repairs pause changes a lossy bus dropped.
   */
  pausedResyncMs?: number;
  /** Request and stream limits. */
  limits?: {
    /** Largest JSON body accepted, bytes (default 64 KiB). */
    maxBodyBytes?: number;
    /**
     * Open streams (task and paused together) per token (default 16). A new stream
     * past the limit is accepted and the token's oldest stream is closed (close
     * reason `evicted`), so streams of clients that vanished without closing their
     * socket can never lock a user out; an evicted client that is still there
     * reconnects and resumes by Last-Event-ID. More live tabs than this on one token
     * keep evicting each other, one reconnect per `retry:` delay each.
     */
    maxStreamsPerToken?: number;
  };
  /** How task streams cache and follow a workflow's log. */
  stream?: {
    /** Recent updates kept per task (default 1000). */
    cacheSize?: number;
    /** Quiet time before the log's tail is checked, ms (default 1000). */
    tailCheckMs?: number;
    /** Longest wait between tail checks of a quiet running workflow, ms (default 15000). */
    maxTailCheckMs?: number;
    /** How long a task's state stays cached after its last client left, ms (default 30000). */
    idleMs?: number;
    /**
     * @internal For the benchmark's before/after comparison only: forward live
     * updates before the log confirms them, which breaks the content guarantee.
     */
    forwardUnconfirmed?: boolean;
  };
  /**
   * Logs of finished workflows, kept in memory. A closed run's log never changes, so
   * it is read from Temporal once, in one pass (each query on a closed workflow
   * makes a worker replay it), and every stream and recovery page of the task is
   * served from memory after that, pre-encoded. `maxBytes` bounds the memory (default
   * 64 MiB; the least recently used log goes first). `false` reads closed logs page by
   * page on every request, as streams of running workflows are.
   */
  closedLogs?:
    | {
        /** Memory for closed logs, bytes (default 64 MiB). */
        maxBytes?: number;
      }
    | false;
  /**
   * Compress recovery pages and `/latest` (JSON answers of 1 KiB or more) in the coding
   * the request's `Accept-Encoding` prefers: `br`, else `gzip`. Default `true`. Turn it off
   * when a proxy in front compresses already. Streams are never compressed (see the README).
   */
  compression?: boolean;
  /**
   * OpenTelemetry metrics and spans (the README's "Metrics" lists them). Default: the
   * global providers of `@opentelemetry/api`, a no-op until the app registers an SDK
   * (before the server's first request: instruments are made then). Pass
   * `{ meterProvider, tracerProvider }` to use others, or `false` for none at all.
   */
  telemetry?: RecoveryTelemetryOptions | false;
  /**
   * Called with errors that are not the client's fault (Temporal down, bugs), with
   * where they happened: `source` (`'server'`, `'task-feed'`, `'paused-feed'`,
   * `'triggers'`, `'start-up'`, `'timers'`), `operation`, `taskId`. Default: `console.error`.
   */
  onError?: ErrorHandler;
}

export const DEFAULTS = {
  basePath: '/api',
  maxBodyBytes: 64 * 1024,
  maxStreamsPerToken: 16,
  cacheSize: 1000,
  tailCheckMs: 1000,
  maxTailCheckMs: 15_000,
  idleMs: 30_000,
  closedLogBytes: 64 * 1024 * 1024,
  describeTtlMs: 250,
  pausedResyncMs: 30_000,
} as const;
