import type { WorkflowUpdate } from '@resumable/protocol';

/**
 * Tolerant readers of the test cycle's update payloads. The log is read as it was
 * written by any version of the workflow, so every field is checked, not assumed; an
 * update that does not fit is skipped rather than failing the whole report.
 */

export interface PhaseUpdate {
  phase: number;
  name: string;
  state: string;
  startedAt: number;
  endedAt: number | null;
  durationMs: number | null;
  attempts: number | null;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export function readPhase(update: WorkflowUpdate): PhaseUpdate | null {
  if (update.type !== 'phase' || !isRecord(update.data)) return null;
  const { data } = update;
  const phase = num(data.phase);
  const state = str(data.state);
  if (phase === null || state === null) return null;
  const startedAt = num(data.startedAt) ?? update.timestamp;
  const endedAt = num(data.endedAt);
  return {
    phase,
    name: str(data.name) ?? `Phase ${phase}`,
    state,
    startedAt,
    endedAt,
    durationMs: num(data.durationMs) ?? (endedAt === null ? null : endedAt - startedAt),
    attempts: num(data.attempts),
  };
}

export interface CompensationUpdate {
  phase: number;
  name: string;
  strategy: string;
  text: string;
  outcome: string | null;
}

export function readCompensation(update: WorkflowUpdate): CompensationUpdate | null {
  if (update.type !== 'compensation' || !isRecord(update.data)) return null;
  const { data } = update;
  const phase = num(data.phase);
  if (phase === null) return null;
  return {
    phase,
    name: str(data.name) ?? `Phase ${phase}`,
    strategy: str(data.strategy) ?? 'unknown',
    text: str(data.text) ?? '',
    outcome: str(data.outcome),
  };
}

export function readVersion(update: WorkflowUpdate): number | null {
  return update.type === 'version' && isRecord(update.data) ? num(update.data.version) : null;
}

/** `activity.started` / `activity.retrying`: which activity, which attempt, and the retry's delay. */
export interface ActivityUpdate {
  activityId: string;
  attempt: number;
  scheduledAt: number | null;
  nextDelayMs: number | null;
}

export function readActivity(update: WorkflowUpdate): ActivityUpdate | null {
  if (!isRecord(update.data)) return null;
  const activityId = str(update.data.activityId);
  const attempt = num(update.data.attempt);
  if (activityId === null || attempt === null) return null;
  return {
    activityId,
    attempt,
    scheduledAt: num(update.data.scheduledAt),
    nextDelayMs: num(update.data.nextDelayMs),
  };
}
