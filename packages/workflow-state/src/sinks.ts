import type { BusMessage } from '@resumable/protocol';
import { log, proxySinks, workflowInfo, type Sinks } from '@temporalio/workflow';

/**
 * The sink the update log calls: one function that takes a `BusMessage`. The worker
 * side (`createResumableSinks` from `@resumable/workflow-state/worker`) implements it.
 *
 * @example
 * const sinks: InjectedSinks<ResumableSinks> = createResumableSinks({ bus });
 */
export interface ResumableSinks extends Sinks {
  /** Resumable's sink. */
  resumable: {
    /** Hands a bus message out of the sandbox, to be published by the worker. */
    publish(message: BusMessage): void;
  };
}

/**
 * Hands a message to the worker. Sink calls add nothing to history and the worker
 * skips them on replay; they run once the activation completes.
 */
export function createPublisher(): (message: BusMessage) => void {
  const { resumable } = proxySinks<ResumableSinks>();
  return (message) => {
    // The worker drops sink calls made on replay anyway (callDuringReplay: false), but
    // only after carrying each one out of the sandbox: a query on a closed workflow
    // replays it whole, and for 10,000 updates that doubled the replay's time.
    if (workflowInfo().unsafe.isReplaying) return;
    try {
      resumable.publish(message);
    } catch (error) {
      // The durable log already holds the update; the live path is best-effort.
      log.warn('Resumable could not hand an update to the worker sink', { error: String(error) });
    }
  };
}
