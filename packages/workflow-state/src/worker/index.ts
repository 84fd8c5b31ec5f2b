/**
 * `@resumable/workflow-state/worker`: the worker side of the update log. Imports
 * nothing from Temporal at runtime (types only).
 */
export { createResumableSinks, type ResumableSinkOptions } from './sinks';
export type { ResumableSinks } from '../sinks';
