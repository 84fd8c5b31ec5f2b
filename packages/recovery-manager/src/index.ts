export { RecoveryManager, type RecoveryManagerOptions, type RecoverAllOptions } from './recovery-manager';
export type {
  Recoverable,
  RecoveryContext,
  ResponseHandlers,
  RecoveryIssue,
  ComponentStatus,
  ComponentReport,
  RecoveryReport,
} from './recoverable';
export { reportToJSON, formatRecoveryReport, type RecoveryReportJSON } from './report';
export {
  PausedRegistry,
  type PausedRegistryOptions,
  type PausedChange,
  type PausedSnapshot,
  type PausedListener,
  type PauseRemovalCause,
  type EventRoute,
  type PausedRebuild,
  type RebuildResult,
} from './paused-registry';
export { parsePausedWorkflow, samePause } from './paused-workflow';
export {
  createTimerScheduler,
  toEpochMs,
  type Deadline,
  type ScheduledTimer,
  type TimerScheduler,
  type TimerSchedulerOptions,
  type InProcessTimerScheduler,
} from './timer-scheduler';
export {
  pausedWorkflowsRecoverable,
  PAUSED_WORKFLOWS,
  type PausedWorkflowsRecoverableOptions,
  type PauseSource,
  type ListedPause,
  type PauseLookup,
} from './recoverables/paused-workflows';
export {
  temporalPauseSource,
  pausedVisibilityQuery,
  type TemporalPauseSourceOptions,
} from './recoverables/temporal-source';
export { eventRoutesRecoverable, type EventRoutesRecoverableOptions } from './recoverables/event-routes';
export {
  deadlineTimersRecoverable,
  pauseDeadlines,
  type AppTimer,
  type DeadlineTimersRecoverableOptions,
} from './recoverables/deadline-timers';
