import type { PAUSE_EVENTS, TASK_EVENTS } from '@resumable/protocol';

// The SSE event names of `@resumable/protocol`, as literals checked against it at
// compile time: renaming one there fails this file, and the browser bundle carries
// plain strings instead of the lookup objects.
type Task = typeof TASK_EVENTS;
type Pause = typeof PAUSE_EVENTS;

export const CONNECTED: Task['connected'] = 'connected';
export const UPDATE: Task['update'] = 'update';
export const END: Task['end'] = 'end';
/** The workflow's status changed (data: `{ status, lastSequence }`, shaped like `end`'s). */
export const STATUS: Task['status'] = 'status';
/** Sequences a type-filtered stream left out (data: `{ from, to }`). */
export const SKIPPED: Task['skipped'] = 'skipped';
/** The log began again or was compacted past the client (data: `{ epoch?, base, reason }`). */
export const RESET: Task['reset'] = 'reset';
/** Live progress of a running activity (data: `ActivityProgress`, no id). */
export const PROGRESS: Task['progress'] = 'progress';
export const PAUSED_INITIAL: Pause['initial'] = 'paused.initial';
export const WORKFLOW_PAUSED: Pause['paused'] = 'workflow.paused';

/** The paused-stream changes after the snapshot: paused adds (or replaces), the others remove. */
export const isPauseDelta = (event: string): event is Exclude<Pause[keyof Pause], Pause['initial']> =>
  event === WORKFLOW_PAUSED ||
  event === ('workflow.resumed' satisfies Pause['resumed']) ||
  event === ('workflow.cancelled' satisfies Pause['cancelled']) ||
  event === ('workflow.timeout' satisfies Pause['timedOut']);
