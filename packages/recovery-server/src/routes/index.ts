import type { RouteDefinition } from '../http/route';
import { busIngress } from './bus';
import { cancelExecution, pausedList, pausedStream, resumeExecution } from './paused';
import { latestState, recoveryPage, recoveryReplay } from './recovery';
import { taskStream } from './task-stream';
import { trigger } from './triggers';

/** @internal The whole HTTP API, in matching order. A test walks it: every route needs a token and answers with CORS. */
export const ROUTES: readonly RouteDefinition[] = [
  taskStream,
  recoveryPage,
  recoveryReplay,
  latestState,
  pausedStream,
  pausedList,
  resumeExecution,
  cancelExecution,
  trigger,
  busIngress,
];
