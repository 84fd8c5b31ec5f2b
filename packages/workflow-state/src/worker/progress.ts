import { AsyncLocalStorage } from 'node:async_hooks';
import {
  ResumableError,
  reportError,
  type ActivityProgress,
  type ActivityProgressMessage,
  type ErrorHandler,
  type UpdateBus,
} from '@resumable/protocol';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { throttledWarning } from './sinks';

/** What a running activity reports through: its task, ids, attempt and counter. */
interface Reporting {
  publish(message: ActivityProgressMessage): void;
  taskId: string;
  activityId: string;
  activityType: string;
  attempt: number;
  counter: number;
}

const current = new AsyncLocalStorage<Reporting>();

/**
 * Options of {@link createActivityProgress}.
 *
 * @example
 * createActivityProgress({ bus, onError: (error) => metrics.progressDropped() });
 */
export interface ActivityProgressOptions {
  /** The bus the task's servers listen on (the one the sinks publish to). */
  bus: Pick<UpdateBus, 'publish'>;
  /** Called when the bus refuses a report (it is dropped: progress is live only). Default: a throttled `console.warn`. */
  onError?: ErrorHandler;
}

/**
 * What {@link createActivityProgress} returns.
 *
 * @example
 * const { interceptor }: ActivityProgressReporter = createActivityProgress({ bus });
 */
export interface ActivityProgressReporter {
  /** For `Worker.create({ interceptors: { activity: [interceptor] } })`: runs each activity where `reportProgress` finds it. */
  interceptor: ActivityInterceptorsFactory;
}

/**
 * Lets activities of this worker report live progress with {@link reportProgress}:
 * install its `interceptor` with `Worker.create({ interceptors: { activity: [...] } })`.
 * Reports go straight to the bus, never into history (no event, no heartbeat).
 *
 * An activity run by `log.activity()` reports under that call's stable id and its own
 * attempt count; any other activity under Temporal's activity id and attempt.
 *
 * @example
 * const progress = createActivityProgress({ bus });
 * const worker = await Worker.create({
 *   taskQueue: 'imports',
 *   workflowsPath: require.resolve('./workflows'),
 *   activities,
 *   sinks: createResumableSinks({ bus }),
 *   interceptors: { activity: [progress.interceptor] },
 * });
 */
export function createActivityProgress(options: ActivityProgressOptions): ActivityProgressReporter {
  if (typeof options?.bus?.publish !== 'function') {
    throw new ResumableError(
      'INVALID_PARAMETER',
      'createActivityProgress needs { bus } with a publish(message) method',
    );
  }
  const { bus } = options;
  const onError = options.onError ?? throttledWarning();
  const publish = (message: ActivityProgressMessage) => {
    const fail = (error: unknown) =>
      reportError(onError, error, { source: 'sinks', taskId: message.taskId, message, dropped: 1 });
    try {
      bus.publish(message).catch(fail);
    } catch (error) {
      fail(error);
    }
  };
  return {
    interceptor: (ctx) => ({
      inbound: {
        execute: (input, next) => {
          const { info } = ctx;
          const taskId = info.workflowExecution?.workflowId;
          // Not started by a workflow (a standalone activity): nothing to report to.
          if (!taskId) return next(input);
          const { activityId, attempt } = logicalAttempt(info.activityId, info.attempt);
          const reporting: Reporting = {
            publish,
            taskId,
            activityId,
            activityType: info.activityType,
            attempt,
            counter: 0,
          };
          return current.run(reporting, () => next(input));
        },
      },
    }),
  };
}

/**
 * Reports progress of the activity it is called in: live, through the bus, to every
 * client of the task (the `progress` event; the hook's `activities`). Costs no history
 * event. Best-effort like every live message: a report the bus loses is not repeated,
 * the next one replaces it. Returns at once.
 *
 * @throws ResumableError `CONFLICT` outside an activity of a worker with the
 * interceptor of {@link createActivityProgress}.
 *
 * @example
 * export async function importFile(input: { rows: number }): Promise<number> {
 *   for (let row = 1; row <= input.rows; row++) {
 *     await importRow(row);
 *     reportProgress({ percent: Math.round((100 * row) / input.rows) });
 *   }
 *   return input.rows;
 * }
 */
export function reportProgress(data: unknown): void {
  const reporting = current.getStore();
  if (!reporting) {
    throw new ResumableError(
      'CONFLICT',
      'reportProgress() runs inside an activity of a worker created with createActivityProgress(...).interceptor',
    );
  }
  reporting.counter += 1;
  const { publish, taskId, activityId, activityType, attempt, counter } = reporting;
  const progress: ActivityProgress = { activityId, activityType, attempt, counter, timestamp: Date.now(), data };
  publish({ kind: 'progress', taskId, progress });
}

/**
 * `log.activity()` schedules each attempt as its own activity, `<id>#<attempt>`: the
 * stable id and the attempt it counts. Other activities keep Temporal's.
 */
export function logicalAttempt(temporalId: string, temporalAttempt: number): { activityId: string; attempt: number } {
  const match = /^(.+)#(\d+)$/.exec(temporalId);
  if (!match) return { activityId: temporalId, attempt: temporalAttempt };
  return { activityId: match[1] as string, attempt: Number(match[2]) };
}
