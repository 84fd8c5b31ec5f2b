import type { WorkflowUpdate } from '@resumable/protocol';

/**
 * What the analytics read of one test cycle: its durable update log and what Temporal
 * visibility says of its execution. Plain data, so every figure is testable from a
 * fixed log.
 */
export interface CycleInput {
  /** The workflow id. */
  cycleId: string;
  runId?: string;
  execution: CycleExecution;
  /** The cycle's update log, in sequence order. Unknown update types are ignored. */
  updates: readonly WorkflowUpdate[];
}

/** Temporal's view of the execution. */
export interface CycleExecution {
  /** Temporal's status name: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT, … */
  status: string;
  /** ms since the epoch. */
  startTime: number;
  /** ms since the epoch; null while it runs. */
  closeTime: number | null;
}

/** Where a cycle ended up: Temporal's status folded into three. */
export type CycleOutcome = 'running' | 'completed' | 'failed';

/** One phase of one cycle, as its newest `phase` update and the compensations describe it. */
export interface PhaseRun {
  phase: number;
  name: string;
  /** running, completed, failed, skipped, … (as the workflow wrote it). */
  state: string;
  startedAt: number;
  endedAt: number | null;
  /** Set once the phase ended (completed or failed); null while running or when skipped. */
  durationMs: number | null;
  attempts: number;
  /** The compensation strategy applied to it, if it was compensated. */
  compensation: string | null;
  /** True when this phase's time is on the cycle's critical path (see `criticalPath`). */
  critical: boolean;
}

/** Everything the analytics derive from one cycle. */
export interface CycleMetrics {
  cycleId: string;
  runId: string | null;
  outcome: CycleOutcome;
  /** Temporal's status name. */
  status: string;
  startTime: number;
  closeTime: number | null;
  /** Close − start for a closed cycle; null while it runs. */
  durationMs: number | null;
  /** The workflow version its `version` update named, or null (none written). */
  version: number | null;
  phases: PhaseRun[];
  /** Sum of the critical phases' durations. */
  criticalPathMs: number;
  /** Attempts beyond the first, over all phases. */
  retries: number;
  /** Time between a failed attempt and the start of the next one (see `retryTime`). */
  retryMs: number;
  /** Time spent paused, waiting for a person (see `waitingTime`). */
  waitingMs: number;
  /** True when any compensation ran. */
  compensated: boolean;
  compensations: CompensationEntry[];
  /** The phase with the largest duration on the critical path, or null before any ended. */
  bottleneck: { phase: number; name: string; durationMs: number } | null;
}

/** One entry of the compensation log. */
export interface CompensationEntry {
  cycleId: string;
  phase: number;
  name: string;
  strategy: string;
  text: string;
  /** What it did (version 3 of the workflow), when written. */
  outcome: string | null;
  /** When it was written, ms since the epoch (the workflow's clock). */
  timestamp: number;
  sequence: number;
}
