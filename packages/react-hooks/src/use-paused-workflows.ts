'use client';
import { useCallback, useMemo } from 'react';
import {
  cancelExecution,
  getPausedWorkflowsSubscription,
  INITIAL_PAUSED_STATE,
  peekPausedWorkflowsSubscription,
  resumeExecution,
  type PausedWorkflowsOptions,
  type PausedWorkflowsState,
  type PausedWorkflowsSubscription,
  type SharedRegistry,
} from './client/index';
import { useShared } from './use-shared';

// Only the client entry's public API (see use-temporal-subscription.ts).
const paused: SharedRegistry<PausedWorkflowsOptions, PausedWorkflowsSubscription> = {
  get: getPausedWorkflowsSubscription,
  peek: peekPausedWorkflowsSubscription,
};

/** Options of `usePausedWorkflows`. */
export interface UsePausedWorkflowsOptions extends PausedWorkflowsOptions {
  /** Connect only while true. Default true. */
  enabled?: boolean;
}

/** What `usePausedWorkflows` returns. */
export interface UsePausedWorkflowsResult extends PausedWorkflowsState {
  /** `POST {apiBaseUrl}/workflow/executions/:id/resume` with `{ payload }`. */
  resume(executionId: string, payload?: unknown): Promise<unknown>;
  /** `POST {apiBaseUrl}/workflow/executions/:id/cancel` with `{ reason }`. */
  cancel(executionId: string, reason?: string): Promise<unknown>;
}

/**
 * The live list of paused workflows (seed 001), with resume and cancel actions.
 * One connection per `apiBaseUrl`, shared by every component.
 *
 * @example
 * function Approvals() {
 *   const { pausedWorkflows, resume } = usePausedWorkflows({ refreshToken: getToken });
 *   return pausedWorkflows.map((w) => (
 *     <button key={w.executionId} onClick={() => resume(w.executionId, { approved: true })}>{w.pausedAt}</button>
 *   ));
 * }
 */
export function usePausedWorkflows(options: UsePausedWorkflowsOptions = {}): UsePausedWorkflowsResult {
  const [state, latest] = useShared(options, options.enabled ?? true, paused, INITIAL_PAUSED_STATE as PausedWorkflowsState, [
    options.apiBaseUrl,
  ]);
  // Actions read the newest options when called.
  const resume = useCallback((id: string, payload?: unknown) => resumeExecution(latest(), id, payload), [latest]);
  const cancel = useCallback((id: string, reason?: string) => cancelExecution(latest(), id, reason), [latest]);
  return useMemo(() => ({ ...state, resume, cancel }), [state, resume, cancel]);
}
