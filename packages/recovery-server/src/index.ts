/**
 * `@resumable/recovery-server`: the Resumable HTTP API, fetch-native (streams,
 * recovery pages, the paused list, resume, cancel, triggers, the workers' bus), with
 * its token auth. Mount it with `server.fetch`, or an adapter from `/node` or `/next`.
 *
 * @module @resumable/recovery-server
 */
export { createRecoveryServer, type RecoveryServer } from './server';
export type { Readiness } from './start-up/start-up';
// The parts of start-up recovery an app registers through `recoverables`, so it needs no second import.
export {
  deadlineTimersRecoverable,
  eventRoutesRecoverable,
  pauseDeadlines,
  formatRecoveryReport,
  reportToJSON,
  PAUSED_WORKFLOWS,
  PausedRegistry,
  type Recoverable,
  type RecoveryContext,
  type RecoveryReport,
  type RecoveryReportJSON,
  type ResponseHandlers,
  type TimerScheduler,
  type ScheduledTimer,
  type AppTimer,
  type EventRoute,
} from '@resumable/recovery-manager';
export type { RecoveryServerOptions } from './options';
export { RECOVERY_METRICS, RECOVERY_ATTRIBUTES, type RecoveryTelemetryOptions } from './telemetry/metrics';
export type { AuthOptions, Caller } from './auth/guard';
export {
  mintToken,
  verifyToken,
  authorize,
  mayAccessTask,
  ALL_ACTIONS,
  type TokenAction,
  type TokenClaims,
  type MintTokenOptions,
} from './auth/tokens';
export type { CorsOptions } from './http/cors';
export { isStreamPlan, type Outcome, type StreamPlan } from './http/router';
export { TemporalGateway, type TemporalOptions, type ExecutionInfo } from './temporal/gateway';
export {
  resolveTemporalTarget,
  type TemporalTarget,
  type TemporalConnectionOptions,
} from './temporal/connection-options';
export {
  fromTemporalError,
  checkSearchAttributes,
  registerSearchAttributes,
  type SearchAttributeConnection,
  type SearchAttributeCheckOptions,
  type SearchAttributeName,
} from '@resumable/protocol';
