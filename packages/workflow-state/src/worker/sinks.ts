import type { BusMessage, UpdateBus } from '@resumable/protocol';
import type { InjectedSinks } from '@temporalio/worker';
import type { ResumableSinks } from '../sinks';

/**
 * Options of {@link createResumableSinks}.
 *
 * @example
 * createResumableSinks({ bus, onError: (error, message) => metrics.dropped(message.taskId) });
 */
export interface ResumableSinkOptions {
  /** Where updates and pause events go (an `UpdateBus` from `@resumable/sse-publisher`, or your own). */
  bus: Pick<UpdateBus, 'publish'>;
  /**
   * Called when the bus refuses a message. The message is dropped: consumers fill the
   * gap from the workflow's log by sequence. Default: a `console.warn`, at most one
   * every 10 s, counting what was dropped in between.
   */
  onError?: (error: unknown, message: BusMessage) => void;
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
    throw new TypeError('createResumableSinks needs { bus } with a publish(message) method');
  }
  const { bus } = options;
  const onError = options.onError ?? throttledWarning();
  const fail = (error: unknown, message: BusMessage) => {
    try {
      onError(error, message);
    } catch {
      // A failing error handler must not reach the worker either.
    }
  };
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

function throttledWarning(intervalMs = 10_000): (error: unknown, message: BusMessage) => void {
  let lastWarned = Number.NEGATIVE_INFINITY;
  let dropped = 0;
  return (error, message) => {
    dropped++;
    const now = Date.now();
    if (now - lastWarned < intervalMs) return;
    const sequence = message.kind === 'update' ? message.update.sequence : message.sequence;
    console.warn(
      `[resumable] bus publish failed; dropped ${dropped} message(s), latest ${message.kind} ${message.taskId}#${sequence} ` +
        `(consumers repair by sequence): ${error instanceof Error ? error.message : String(error)}`,
    );
    lastWarned = now;
    dropped = 0;
  };
}
