'use client';
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import {
  cancelExecution,
  getPausedWorkflowsSubscription,
  INITIAL_PAUSED_STATE,
  peekPausedWorkflowsSubscription,
  resumeExecution,
  type PausedWorkflowsOptions,
  type PausedWorkflowsState,
} from './client/paused-subscription';

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
  const { apiBaseUrl, enabled = true } = options;
  const [observer] = useState(() => ({ options }));
  useEffect(() => {
    observer.options = options;
  });
  const latest = (): PausedWorkflowsOptions => ({
    ...observer.options,
    refreshToken: observer.options.refreshToken && (() => (observer.options.refreshToken as () => never)()),
  });

  const subscribe = useCallback(
    (listener: () => void) => (enabled ? getPausedWorkflowsSubscription(latest()).subscribe(listener) : () => {}),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `latest` reads the observer
    [observer, enabled, apiBaseUrl],
  );
  const state = useSyncExternalStore(
    subscribe,
    () => (enabled && peekPausedWorkflowsSubscription({ apiBaseUrl })?.getState()) || INITIAL_PAUSED_STATE,
    () => INITIAL_PAUSED_STATE,
  );
  // eslint-disable-next-line react-hooks/exhaustive-deps -- actions read the newest options when called
  const resume = useCallback((id: string, payload?: unknown) => resumeExecution(latest(), id, payload), [observer]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const cancel = useCallback((id: string, reason?: string) => cancelExecution(latest(), id, reason), [observer]);
  return useMemo(() => ({ ...state, resume, cancel }), [state, resume, cancel]);
}
