import { ResumableError, type PausedWorkflow } from '@resumable/protocol';

/**
 * Checks that `value` is a well-formed `PausedWorkflow` and returns a clean copy
 * (known fields only). Anything a workflow's `getPauseState` query answers passes
 * through here before it reaches the registry, so a bad answer from one execution
 * is reported instead of corrupting the paused list. A pause from an older worker,
 * which sends the workflow type only as `workflowId`, gets `workflowType` from it.
 *
 * @throws ResumableError `INVALID_PARAMETER`, naming the field that is wrong.
 * @example
 * const pause = parsePausedWorkflow(await handle.query('getPauseState'));
 * registry.add(pause);
 */
export function parsePausedWorkflow<TVariables = Record<string, unknown>>(value: unknown): PausedWorkflow<TVariables> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('a paused workflow must be an object', value);
  }
  const record = value as Record<string, unknown>;
  const executionId = requireText(record, 'executionId');
  const workflowType = requireWorkflowType(record);
  const pausedAt = requireText(record, 'pausedAt');
  const pausedTime = requireTime(record, 'pausedTime');
  const timeoutAt =
    record.timeoutAt === null || record.timeoutAt === undefined ? null : requireTime(record, 'timeoutAt');

  const waitingFor = record.waitingFor;
  if (!Array.isArray(waitingFor) || !waitingFor.every((name) => typeof name === 'string' && name.length > 0)) {
    throw invalid(`waitingFor of ${executionId} must be an array of non-empty strings`, waitingFor);
  }

  const variables = record.variables === undefined ? {} : record.variables;
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
    throw invalid(`variables of ${executionId} must be an object`, variables);
  }

  const pause: PausedWorkflow<TVariables> = {
    executionId,
    workflowType,
    workflowId: workflowType,
    pausedAt,
    pausedTime,
    // Duplicates would make one event count twice for one execution.
    waitingFor: [...new Set(waitingFor as string[])],
    timeoutAt,
    variables: variables as TVariables,
  };
  if (record.workflowName !== undefined) pause.workflowName = requireText(record, 'workflowName');
  if (record.correlation !== undefined && record.correlation !== null) {
    pause.correlation = requireText(record, 'correlation');
  }
  return pause;
}

/**
 * True when two pauses describe the same thing, so re-adding an unchanged pause
 * produces no change (and no SSE delta).
 *
 * @example
 * samePause(registry.get('order-7')!, fresh); // true when nothing moved
 */
export function samePause(a: PausedWorkflow<unknown>, b: PausedWorkflow<unknown>): boolean {
  return (
    a.executionId === b.executionId &&
    a.workflowType === b.workflowType &&
    a.workflowId === b.workflowId &&
    a.workflowName === b.workflowName &&
    a.pausedAt === b.pausedAt &&
    a.pausedTime === b.pausedTime &&
    a.timeoutAt === b.timeoutAt &&
    a.correlation === b.correlation &&
    a.waitingFor.length === b.waitingFor.length &&
    a.waitingFor.every((name, index) => name === b.waitingFor[index]) &&
    sameJson(a.variables, b.variables)
  );
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every(
    (key) =>
      Object.hasOwn(b, key) && sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}

/**
 * The workflow type, from `workflowType` or, for a pause from an older worker, from
 * `workflowId` (the deprecated name of the same value). When both are sent they must agree.
 */
function requireWorkflowType(record: Record<string, unknown>): string {
  if (record.workflowType === undefined && record.workflowId !== undefined) return requireText(record, 'workflowId');
  const workflowType = requireText(record, 'workflowType');
  if (record.workflowId !== undefined && requireText(record, 'workflowId') !== workflowType) {
    throw invalid('workflowId must equal workflowType (both name the workflow type)', record.workflowId);
  }
  return workflowType;
}

function requireText(record: Record<string, unknown>, field: string): string {
  const value = record[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw invalid(`${field} must be a non-empty string`, value);
  }
  return value;
}

function requireTime(record: Record<string, unknown>, field: string): string {
  const value = requireText(record, field);
  if (Number.isNaN(Date.parse(value))) throw invalid(`${field} must be an ISO-8601 time`, value);
  return value;
}

function invalid(message: string, received: unknown): ResumableError {
  return new ResumableError('INVALID_PARAMETER', `Invalid paused workflow: ${message}`, {
    details: { received: describe(received) },
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : typeof value;
}
