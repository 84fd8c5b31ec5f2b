import { describe, expectTypeOf, it } from 'vitest';
import type { PausedWorkflow } from '@resumable/protocol';
import type { UpdateLog } from '@resumable/workflow-state';
import type { PausedWorkflowsState } from './client/index';
import { usePausedWorkflows, type UsePausedWorkflowsResult } from './index';

// What a workflow passes as `log.pause({ variables })`.
type OrderVariables = { orderId: string; customer: string; amount: number };
declare const log: UpdateLog;

// Type tests only: the hook is never called (no React renders here).
describe('usePausedWorkflows<TVariables>', () => {
  it('types every pause by its variables', () => {
    const { pausedWorkflows } = usePausedWorkflows<OrderVariables>({ refreshToken: () => 'token' });
    expectTypeOf(pausedWorkflows).toEqualTypeOf<PausedWorkflow<OrderVariables>[]>();
    const pause = pausedWorkflows[0]!;
    expectTypeOf(pause.variables.amount).toEqualTypeOf<number>();
    expectTypeOf(pause.executionId).toEqualTypeOf<string>();
    // @ts-expect-error not one of the variables
    void pause.variables.total;
    expectTypeOf(usePausedWorkflows<OrderVariables>()).toEqualTypeOf<UsePausedWorkflowsResult<OrderVariables>>();
    expectTypeOf(usePausedWorkflows<OrderVariables>()).toExtend<PausedWorkflowsState<OrderVariables>>();
  });

  it('matches what the update log writes for a pause', () => {
    const { pausedWorkflows } = usePausedWorkflows();
    // `currentPause` is the pause the paused stream lists.
    if (log.currentPause) pausedWorkflows.push(log.currentPause);
    expectTypeOf(log.currentPause).toEqualTypeOf<(typeof pausedWorkflows)[number] | null>();
  });

  it('keeps the actions and state fields', () => {
    const result = usePausedWorkflows<OrderVariables>({ enabled: false, apiBaseUrl: '/api' });
    expectTypeOf(result.resume).parameters.toEqualTypeOf<[executionId: string, payload?: unknown]>();
    expectTypeOf(result.cancel).parameters.toEqualTypeOf<[executionId: string, reason?: string]>();
    expectTypeOf(result.isLoaded).toEqualTypeOf<boolean>();
    // @ts-expect-error an execution id is required
    void result.resume();
    // @ts-expect-error a reason is a string
    void result.cancel('order-1', 42);
  });
});

describe('without type arguments', () => {
  it('types variables as a plain record', () => {
    const result = usePausedWorkflows();
    expectTypeOf(result).toEqualTypeOf<UsePausedWorkflowsResult>();
    expectTypeOf(result.pausedWorkflows).toEqualTypeOf<PausedWorkflow[]>();
    expectTypeOf(result.pausedWorkflows[0]!.variables).toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf(result.pausedWorkflows[0]!.variables.amount).toEqualTypeOf<unknown>();
    // @ts-expect-error unknown until narrowed
    void result.pausedWorkflows[0]!.variables.amount.toFixed(2);
    // @ts-expect-error options are an object
    usePausedWorkflows('/api');
  });
});
