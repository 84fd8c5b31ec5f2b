import {
  PAUSE_EVENTS,
  type PauseMessage,
  type SseEvent,
  type WorkflowCancelledData,
  type WorkflowResumedData,
  type WorkflowTimedOutData,
} from '@resumable/protocol';
import type { PausedChange, PausedRegistry } from '@resumable/recovery-manager';

/**
 * Applies pause messages from the bus to the registry, once each: a message is
 * applied only when its sequence is above the last one seen for that task (the bus
 * may duplicate or reorder).
 */
export function applyPauseMessage(registry: PausedRegistry, seen: Map<string, number>, message: PauseMessage): void {
  const last = seen.get(message.taskId) ?? 0;
  if (message.sequence <= last) return;
  seen.set(message.taskId, message.sequence);
  switch (message.event) {
    case 'workflow.paused':
      registry.add(message.data);
      return;
    case 'workflow.resumed':
      registry.remove(message.data.executionId, 'resumed', message.data);
      return;
    case 'workflow.cancelled':
      registry.remove(message.data.executionId, 'cancelled', message.data);
      return;
    case 'workflow.timeout':
      registry.remove(message.data.executionId, 'timedOut', message.data);
      return;
  }
}

/**
 * The paused-stream event for a registry change, with the change's cursor as its id.
 * Executions found no longer paused by a rebuild (`gone`, `closed`) are announced as
 * `workflow.cancelled`, so every client drops them.
 */
export function changeEvent(change: PausedChange): SseEvent {
  const { pause } = change;
  if (change.kind === 'added' || change.kind === 'updated') {
    return { id: change.cursor, event: PAUSE_EVENTS.paused, data: JSON.stringify(pause) };
  }
  const base = { executionId: pause.executionId, workflowId: pause.workflowId };
  switch (change.cause) {
    case 'resumed': {
      const detail = change.detail as Partial<WorkflowResumedData> | undefined;
      const data: WorkflowResumedData = { ...base, resumedFrom: pause.pausedAt, ...pick(detail, ['resumedBy', 'payload']) };
      return { id: change.cursor, event: PAUSE_EVENTS.resumed, data: JSON.stringify(data) };
    }
    case 'timedOut': {
      const data: WorkflowTimedOutData = { ...base, pausedAt: pause.pausedAt, timeoutAt: pause.timeoutAt ?? '' };
      return { id: change.cursor, event: PAUSE_EVENTS.timedOut, data: JSON.stringify(data) };
    }
    default: {
      const detail = change.detail as Partial<WorkflowCancelledData> | undefined;
      const reason =
        typeof detail?.reason === 'string'
          ? detail.reason
          : change.cause === 'cancelled'
            ? 'Cancelled'
            : 'No longer paused';
      const data: WorkflowCancelledData = { ...base, pausedAt: pause.pausedAt, reason };
      return { id: change.cursor, event: PAUSE_EVENTS.cancelled, data: JSON.stringify(data) };
    }
  }
}

function pick<T extends object, K extends keyof T>(value: T | undefined, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  if (!value) return out;
  for (const key of keys) if (value[key] !== undefined) out[key] = value[key];
  return out;
}
