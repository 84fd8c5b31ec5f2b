export type {
  UpdateMap,
  WorkflowUpdate,
  UpdateOf,
  WorkflowState,
  WorkflowStateOf,
  UpdatesPage,
  UpdatesPageOf,
  RecoveryRequest,
  RecoveryResult,
  ConnectedEventData,
  EndEventData,
  StatusEventData,
  SkippedEventData,
  ResetEventData,
  PausedWorkflow,
  PausedInitialData,
  WorkflowResumedData,
  WorkflowCancelledData,
  WorkflowTimedOutData,
} from './types';
export {
  TASK_EVENTS,
  PAUSE_EVENTS,
  SEARCH_ATTRIBUTES,
  type TaskEventName,
  type PauseEventName,
  type PauseDeltaName,
  type SearchAttributeType,
} from './events';
export {
  ResumableError,
  ERROR_STATUS,
  isErrorBody,
  logError,
  describeErrorContext,
  reportError,
  type ErrorCode,
  type ErrorBody,
  type ErrorContext,
  type ErrorHandler,
  type ResumableErrorOptions,
} from './errors';
export { fromTemporalError, taskFailingError, isTemporalError, type TemporalErrorContext } from './temporal-errors';
export {
  registerSearchAttributes,
  checkSearchAttributes,
  searchAttributesMissingError,
  type SearchAttributeConnection,
  type SearchAttributeCheckOptions,
  type SearchAttributeName,
  type SearchAttributesMissingDetails,
} from './search-attributes';
export { MIN_SECRET_LENGTH, checkSecret, secretsEqual, bearerToken } from './secrets';
export { readBoundedBody, parseJsonBody } from './http/body';
export { backoffDelay, type BackoffOptions } from './backoff';
export {
  topicOf,
  taskTopic,
  isPauseMessage,
  type BusMessage,
  type BusTopic,
  type BusHandler,
  type TaskUpdateMessage,
  type PauseMessage,
  type Unsubscribe,
  type UpdateBus,
} from './bus';
export { encodeSseEvent, encodeJsonEvent, encodeSseComment, encodeSseRetry, type SseEvent } from './sse/encode';
export { createSseParser, type SseMessage, type SseParser, type SseParserHandlers } from './sse/parse';
export {
  createSseDecoder,
  readSseEvents,
  parseJsonData,
  type DecodedSseEvent,
  type SseDecoder,
  type SseDecoderHandlers,
} from './sse/decode';
export { sequenceFromEventId } from './sequence';
export { toChunkEntry, updatesOfChunk, type LogChunk, type LogChunkEntry } from './log-chunk';
export {
  QUERY_NAMES,
  SIGNAL_NAMES,
  MAX_UPDATES_PAGE,
  type ResumeSignalArgs,
  type CancelSignalArgs,
  type TriggerSignalArgs,
  type PublishSignalArgs,
  type PublishedUpdate,
} from './temporal-names';
export type { TimeTravelState, TimeTravelStateOf } from './time-travel';
export {
  ACTION_KEY_HEADER,
  MAX_ACTION_KEY_LENGTH,
  ACTION_APPLIED_QUERY,
  isActionKey,
  type ActionKey,
  type ActionKind,
  type ActionAccepted,
} from './actions';
export {
  ACTIVITY_EVENTS,
  type ActivityEventName,
  type ActivityAttempt,
  type ActivityStartedData,
  type ActivityRetryingData,
  type ActivityEndedData,
  type ActivityProgress,
  type ActivityProgressMessage,
  type ActivityState,
} from './activities';
