import { PAUSE_EVENTS, ResumableError, type BusMessage } from '@resumable/protocol';

const PAUSE_DELTAS = new Set<string>([
  PAUSE_EVENTS.paused,
  PAUSE_EVENTS.resumed,
  PAUSE_EVENTS.cancelled,
  PAUSE_EVENTS.timedOut,
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSequence(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/**
 * Why `value` is not a `BusMessage`, or `null` when it is one. Messages arrive from
 * other processes (HTTP, Redis): nothing is trusted because TypeScript said so.
 */
export function busMessageProblem(value: unknown): string | null {
  if (!isObject(value)) return 'a message must be a JSON object';
  if (value.kind === 'update') {
    if (!isNonEmptyString(value.taskId)) return 'taskId must be a non-empty string';
    if (value.status !== undefined && typeof value.status !== 'string') return 'status must be a string when present';
    const update = value.update;
    if (!isObject(update)) return 'update must be an object';
    if (typeof update.id !== 'string') return 'update.id must be a string';
    if (typeof update.type !== 'string') return 'update.type must be a string';
    if (typeof update.timestamp !== 'number' || !Number.isFinite(update.timestamp))
      return 'update.timestamp must be a finite number';
    if (!isSequence(update.sequence) || update.sequence < 1) return 'update.sequence must be a positive integer';
    return null;
  }
  if (value.kind === 'pause') {
    if (typeof value.event !== 'string' || !PAUSE_DELTAS.has(value.event)) {
      return `event must be one of ${[...PAUSE_DELTAS].join(', ')}`;
    }
    if (!isNonEmptyString(value.taskId)) return 'taskId must be a non-empty string';
    if (!isSequence(value.sequence)) return 'sequence must be a non-negative integer';
    if (value.timestamp !== undefined && (typeof value.timestamp !== 'number' || !Number.isFinite(value.timestamp))) {
      return 'timestamp must be a finite number when present';
    }
    if (!isObject(value.data)) return 'data must be an object';
    return null;
  }
  if (value.kind === 'progress') {
    if (!isNonEmptyString(value.taskId)) return 'taskId must be a non-empty string';
    const progress = value.progress;
    if (!isObject(progress)) return 'progress must be an object';
    if (!isNonEmptyString(progress.activityId)) return 'progress.activityId must be a non-empty string';
    if (typeof progress.activityType !== 'string') return 'progress.activityType must be a string';
    if (!isSequence(progress.attempt) || progress.attempt < 1) return 'progress.attempt must be a positive integer';
    if (!isSequence(progress.counter) || progress.counter < 1) return 'progress.counter must be a positive integer';
    if (typeof progress.timestamp !== 'number' || !Number.isFinite(progress.timestamp))
      return 'progress.timestamp must be a finite number';
    return null;
  }
  return 'kind must be "update", "pause" or "progress"';
}

/**
 * Checks that `value` has the shape of a `BusMessage`, throwing `ResumableError`
 * (`BAD_REQUEST`) with the reason when it does not.
 *
 * @example
 * const message = parseBusMessage(JSON.parse(text));
 * await bus.publish(message);
 */
export function parseBusMessage(value: unknown): BusMessage {
  const problem = busMessageProblem(value);
  if (problem !== null) throw new ResumableError('BAD_REQUEST', `Invalid bus message: ${problem}`);
  return value as BusMessage;
}

/**
 * True when `value` has the shape of a `BusMessage`.
 *
 * @example
 * if (isBusMessage(value)) handle(value);
 */
export function isBusMessage(value: unknown): value is BusMessage {
  return busMessageProblem(value) === null;
}
