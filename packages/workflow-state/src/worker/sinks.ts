import { ResumableError, reportError, type BusMessage, type ErrorHandler, type UpdateBus } from '@resumable/protocol';
import type { InjectedSinks } from '@temporalio/worker';
import type { ResumableSinks } from '../sinks';

/**
 * Options of {@link createResumableSinks}.
 *
 * @example
 * createResumableSinks({ bus, onError: (error, { taskId }) => metrics.dropped(taskId) });
 */
export interface ResumableSinkOptions {
  /** Where updates and pause events go (an `UpdateBus` from `@resumable/sse-publisher`, or your own). */
  bus: Pick<UpdateBus, 'publish'>;
  /**
   * Called when the bus refuses a message. The message is dropped: consumers fill the
   * gap from the workflow's log by sequence. The context carries the message and its
   * task. Default: a `console.warn`, at most one every 10 s, counting what was
   * dropped in between.
   */
  onError?: ErrorHandler;
}

/**
 * Sinks for `Worker.create({ sinks })` that forward every update a workflow's log
 * emits (and every pause event) to a bus, as it happens.
 *
 * The worker runs sink calls after each workflow activation and waits for them
 * before reporting the task done, so this hands the message to the bus and returns
 * at once: a slow or failing bus never delays or fails a workflow task. Calls are
 * skipped on replay (`callDuringReplay: false`) and may repeat when a task is
 * retried; consumers drop duplicates by sequence.
 *
 * @example
 * import { Worker } from '@temporalio/worker';
 * import { createResumableSinks } from '@resumable/workflow-state/worker';
 *
 * const worker = await Worker.create({
 *   taskQueue: 'orders',
 *   workflowsPath: require.resolve('./workflows'),
 *   sinks: createResumableSinks({ bus }),
 * });
 */
export function createResumableSinks(options: ResumableSinkOptions): InjectedSinks<ResumableSinks> {
  if (typeof options?.bus?.publish !== 'function') {
    throw new ResumableError('INVALID_PARAMETER', 'createResumableSinks needs { bus } with a publish(message) method');
  }
  const { bus } = options;
  const onError = options.onError ?? throttledWarning();
  // reportError catches a throwing handler: nothing may reach the worker.
  const fail = (error: unknown, message: BusMessage) =>
    reportError(onError, error, { source: 'sinks', taskId: message.taskId, message, dropped: 1 });
  return {
    resumable: {
      publish: {
        fn: (_info, message) => {
          try {
            bus.publish(message).catch((error: unknown) => fail(error, message));
          } catch (error) {
            fail(error, message);
          }
        },
        callDuringReplay: false,
      },
    },
  };
}

/** Where in its task a message stands, for a log line: `#12`, or `/import-1` for progress. */
function where(message: BusMessage): string {
  if (message.kind === 'update') return `#${message.update.sequence}`;
  return message.kind === 'pause' ? `#${message.sequence}` : `/${message.progress.activityId}`;
}

export function throttledWarning(intervalMs = 10_000): ErrorHandler {
  let lastWarned = Number.NEGATIVE_INFINITY;
  let dropped = 0;
  return (error, context) => {
    dropped++;
    const now = Date.now();
    if (now - lastWarned < intervalMs) return;
    const message = context.message as BusMessage;
    console.warn(
      `[resumable] bus publish failed; dropped ${dropped} message(s), latest ${message.kind} ${message.taskId}${where(message)} ` +
        `(consumers repair by sequence): ${error.message}`,
    );
    lastWarned = now;
    dropped = 0;
  };
}
