// The test cycle's analytics: pure functions from update logs to figures.
export * from './types';
export { cycleMetrics, markCriticalPath, outcomeOf, retryTime, waitingTime } from './cycle-metrics';
export {
  bottleneckOf,
  compensationLog,
  fleetSummary,
  phaseStats,
  versionCounts,
  type FleetSummary,
  type PhaseShare,
  type PhaseStats,
  type VersionCount,
} from './fleet-metrics';
export { trends, isoWeek, periodOf, type TrendPeriod, type TrendPoint } from './trends';
export { AlertEvaluator, alertsFor, DEFAULT_RULES, type Alert, type AlertRule } from './alerts';
export { percentile, median, rate } from './percentile';
export { AlertWatcher, type AlertWatcherOptions } from './alert-watcher';
