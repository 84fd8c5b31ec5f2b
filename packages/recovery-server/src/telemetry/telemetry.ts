import { SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import { ResumableError, type WorkflowUpdate } from '@resumable/protocol';
import { RECOVERY_ATTRIBUTES as A, makeInstruments, type Instruments, type RecoveryTelemetryOptions } from './metrics';

/** `page`: `GET recovery`; `replay`: `POST recovery`. */
export type RecoveryKind = 'page' | 'replay';
/** Where a bus failure happened. */
export type BusOperation = 'subscribe' | 'handler' | 'ingress';

/** @internal What the server reports; every method is cheap and never throws. */
export interface Telemetry {
  /** Counts a task stream as open until it closes, then why it closed. */
  streamOpened(connection: { onClose(listener: (reason: string) => void): unknown }): void;
  /** One feed's measures (catch-ups, gaps, live lag). */
  feed(taskId: string): FeedTelemetry;
  /** Runs a recovery request in a span, counting and timing its outcome. */
  recovery<T>(kind: RecoveryKind, taskId: string, run: () => Promise<T>): Promise<T>;
  busError(operation: BusOperation): void;
}

/** @internal What a `TaskFeed` reports. */
export interface FeedTelemetry {
  /** A client's catch-up begins; `end` it with how many updates it accounted for. */
  catchUp(): { end(updates: number, error?: unknown): void };
  /** The bus announced this sequence (above what the feed holds). */
  announced(sequence: number): void;
  /** A log read appended these: the ones the bus never announced are gaps it repaired. */
  confirmed(updates: readonly WorkflowUpdate[]): void;
  /** These confirmed updates were just broadcast to attached clients. */
  sent(updates: readonly WorkflowUpdate[]): void;
}

const NO_FEED: FeedTelemetry = {
  catchUp: () => ({ end() {} }),
  announced() {},
  confirmed() {},
  sent() {},
};

/** @internal Telemetry switched off (`telemetry: false`): nothing is made, nothing recorded. */
export const NO_TELEMETRY: Telemetry = {
  streamOpened() {},
  feed: () => NO_FEED,
  recovery: (_kind, _taskId, run) => run(),
  busError() {},
};

/** Announced sequences kept per feed at most: a bus announcing far ahead must not grow memory. */
const MAX_ANNOUNCED = 10_000;

/**
 * @internal The server's telemetry over `@opentelemetry/api`. The instruments are made
 * at first use, not here, so an SDK registered after `createRecoveryServer` (but before
 * the first request) is still the one used. Without an SDK every call lands in the
 * API's no-op meter and tracer.
 */
export function createTelemetry(options: RecoveryTelemetryOptions | false | undefined): Telemetry {
  if (options === false) return NO_TELEMETRY;
  let made: Instruments | undefined;
  const use = () => (made ??= makeInstruments(options ?? {}));

  return {
    streamOpened(connection) {
      const { streamsActive, streamsOpened, streamsClosed } = use();
      streamsActive.add(1);
      streamsOpened.add(1);
      connection.onClose((reason) => {
        streamsActive.add(-1);
        streamsClosed.add(1, { [A.closeReason]: reason });
      });
    },

    feed(taskId) {
      // Sequences the bus announced that no read has delivered yet.
      const announced = new Set<number>();
      return {
        catchUp() {
          const { tracer, catchUpUpdates, catchUpDuration } = use();
          const span = tracer.startSpan('resumable.catch_up', { attributes: { [A.taskId]: taskId } });
          const start = performance.now();
          return {
            end(updates, error) {
              const count = Math.max(0, updates);
              catchUpUpdates.record(count);
              catchUpDuration.record(performance.now() - start);
              span.setAttribute(A.updates, count);
              endSpan(span, error);
            },
          };
        },
        announced(sequence) {
          if (announced.size >= MAX_ANNOUNCED) announced.clear();
          announced.add(sequence);
        },
        confirmed(updates) {
          let gaps = 0;
          for (const { sequence } of updates) if (!announced.delete(sequence)) gaps++;
          const last = updates.at(-1)?.sequence ?? 0;
          // What lies at or below the last read sequence can no longer be announced usefully.
          for (const sequence of announced) if (sequence <= last) announced.delete(sequence);
          if (gaps > 0) use().gapsRepaired.add(gaps);
        },
        sent(updates) {
          const { liveLag } = use();
          const now = Date.now();
          // The update's timestamp is the workflow's clock at emit; a clock a little
          // ahead of ours must not record a negative lag (histograms drop those).
          for (const update of updates) liveLag.record(Math.max(0, now - update.timestamp));
        },
      };
    },

    async recovery(kind, taskId, run) {
      const { tracer, recoveries, recoveryDuration } = use();
      const start = performance.now();
      return tracer.startActiveSpan(
        'resumable.recovery',
        { attributes: { [A.taskId]: taskId, [A.recoveryKind]: kind } },
        async (span) => {
          let attributes: Attributes = { [A.recoveryKind]: kind, [A.outcome]: 'ok' };
          let failure: unknown;
          try {
            return await run();
          } catch (error) {
            failure = error;
            attributes = { ...attributes, [A.outcome]: 'error', [A.errorType]: ResumableError.from(error).code };
            throw error;
          } finally {
            recoveries.add(1, attributes);
            recoveryDuration.record(performance.now() - start, attributes);
            span.setAttributes(attributes);
            endSpan(span, failure);
          }
        },
      );
    },

    busError(operation) {
      use().busErrors.add(1, { [A.busOperation]: operation });
    },
  };
}

function endSpan(span: Span, error: unknown): void {
  if (error !== undefined) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof Error) span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  }
  span.end();
}
