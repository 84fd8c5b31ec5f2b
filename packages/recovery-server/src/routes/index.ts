import type { RouteDefinition } from '../http/route';
import { measuredBusIngress, measuredRecovery } from '../telemetry/routes';
import { busIngress } from './bus';
import { cancelExecution, pausedList, pausedStream, resumeExecution } from './paused';
import { latestState, recoveryPage, recoveryReplay } from './recovery';
import { taskStream } from './task-stream';
import { stateAtSequence } from './time-travel';
import { trigger } from './triggers';

/** @internal The whole HTTP API, in matching order. A test walks it: every route needs a token and answers with CORS. */
export const ROUTES: readonly RouteDefinition[] = [
  taskStream,
  measuredRecovery('page', recoveryPage),
  measuredRecovery('replay', recoveryReplay),
  latestState,
  stateAtSequence,
  pausedStream,
  pausedList,
  resumeExecution,
  cancelExecution,
  trigger,
  measuredBusIngress(busIngress),
];
