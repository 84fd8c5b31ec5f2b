'use client';
import { useCallback, useMemo } from './react';
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

/**
 * Options of `usePausedWorkflows`.
 *
 * @example
 * const options: UsePausedWorkflowsOptions = { refreshToken, enabled: isSignedIn };
 * const { pausedWorkflows } = usePausedWorkflows(options);
 */
export interface UsePausedWorkflowsOptions extends PausedWorkflowsOptions {
  /** Connect only while true. Default true. */
  enabled?: boolean;
}

/**
 * What `usePausedWorkflows` returns; `TVariables` types each pause's `variables`.
 *
 * @example
 * const { pausedWorkflows, resume }: UsePausedWorkflowsResult<{ total: number }> = usePausedWorkflows({ refreshToken });
 * await resume(pausedWorkflows[0]!.executionId, { approved: true });
 */
export interface UsePausedWorkflowsResult<
  TVariables = Record<string, unknown>,
> extends PausedWorkflowsState<TVariables> {
  /** `POST {apiBaseUrl}/workflow/executions/:id/resume` with `{ payload }`. */
  resume(executionId: string, payload?: unknown): Promise<unknown>;
  /** `POST {apiBaseUrl}/workflow/executions/:id/cancel` with `{ reason }`. */
  cancel(executionId: string, reason?: string): Promise<unknown>;
}

/**
 * The live list of paused workflows, from the paused stream, with resume and cancel actions.
 * One connection per `apiBaseUrl`, shared by every component. `TVariables` types the
 * `variables` of every listed pause (what the workflows pass to `log.pause({ variables })`);
 * it is not checked at run time, and the list holds every paused workflow the token may see.
 *
 * @example
 * function Approvals() {
 *   const { pausedWorkflows, resume } = usePausedWorkflows<{ amount: number }>({ refreshToken: getToken });
 *   return pausedWorkflows.map((w) => (
 *     <button key={w.executionId} onClick={() => resume(w.executionId, { approved: true })}>
 *       {w.pausedAt}: {w.variables.amount.toFixed(2)}
 *     </button>
 *   ));
 * }
 */
export function usePausedWorkflows<TVariables = Record<string, unknown>>(
  options: UsePausedWorkflowsOptions = {},
): UsePausedWorkflowsResult<TVariables> {
  const [state, current] = useShared(
    options,
    options.enabled ?? true,
    paused,
    INITIAL_PAUSED_STATE as PausedWorkflowsState,
    [options.apiBaseUrl],
  );
  // Actions read the newest options when called.
  const resume = useCallback((id: string, payload?: unknown) => resumeExecution(current(), id, payload), [current]);
  const cancel = useCallback((id: string, reason?: string) => cancelExecution(current(), id, reason), [current]);
  return useMemo(() => ({ ...(state as PausedWorkflowsState<TVariables>), resume, cancel }), [state, resume, cancel]);
}
