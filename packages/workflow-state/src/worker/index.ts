/**
 * `@resumable/workflow-state/worker`: the worker side of the update log. Imports
 * nothing from Temporal at runtime (types only).
 *
 * @module @resumable/workflow-state/worker
 */
export { createResumableSinks, type ResumableSinkOptions } from './sinks';
export {
  createActivityProgress,
  reportProgress,
  type ActivityProgressOptions,
  type ActivityProgressReporter,
} from './progress';
export type { ResumableSinks } from '../sinks';
// One home, @resumable/protocol: re-exported where the worker's start-up looks for them.
export {
  checkSearchAttributes,
  registerSearchAttributes,
  type SearchAttributeConnection,
  type SearchAttributeCheckOptions,
  type SearchAttributeName,
} from '@resumable/protocol';
