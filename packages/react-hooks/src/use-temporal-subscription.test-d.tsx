import { describe, expectTypeOf, it } from 'vitest';
import type { ConnectedEventData, EndEventData, UpdateMap, UpdateOf, WorkflowUpdate } from '@resumable/protocol';
import type { LogUpdate, LogUpdateMap, UpdateLog } from '@resumable/workflow-state';
import { getTaskSubscription, peekTaskSubscription, type TaskState } from './client/index';
import {
  useTemporalSubscription,
  type UseTemporalSubscriptionOptions,
  type UseTemporalSubscriptionResult,
} from './index';

// The same map and statuses a workflow gives `createUpdateLog<Status, Updates>`.
type Status = 'IN_PROGRESS' | 'DONE' | 'MERGED';
type Updates = {
  message: { text: string; percent: number };
  status: { status: Status };
};
type Update = UpdateOf<Updates>;

// Type tests only: the hooks are never called (no React renders here).
const options = { taskId: 'task-1' } satisfies UseTemporalSubscriptionOptions;
declare const log: UpdateLog<Status, Updates>;

describe('useTemporalSubscription<Map, Status>', () => {
  it('types updates as the discriminated union of the map', () => {
    const task = useTemporalSubscription<Updates, Status>(options);
    expectTypeOf(task.updates).toEqualTypeOf<UpdateOf<Updates>[]>();
    expectTypeOf(task.updates[0]!.type).toEqualTypeOf<'message' | 'status'>();
    expectTypeOf(task).toExtend<TaskState<Update, Status>>();
  });

  it('narrows data by type', () => {
    const { updates } = useTemporalSubscription<Updates, Status>(options);
    for (const update of updates) {
      if (update.type === 'message') {
        expectTypeOf(update).toEqualTypeOf<WorkflowUpdate<'message', { text: string; percent: number }>>();
        expectTypeOf(update.data.percent).toEqualTypeOf<number>();
        // @ts-expect-error a message has no status
        void update.data.status;
      } else {
        expectTypeOf(update.type).toEqualTypeOf<'status'>();
        expectTypeOf(update.data.status).toEqualTypeOf<Status>();
        // @ts-expect-error a status update has no text
        void update.data.text;
      }
      // @ts-expect-error before narrowing, data is either payload: text is not on both
      void update.data.text;
      // @ts-expect-error not an update type of the map
      if (update.type === 'mesage') void update;
    }
  });

  it('types latestUpdate and latestData by the map', () => {
    const { latestUpdate, latestData } = useTemporalSubscription<Updates, Status>(options);
    expectTypeOf(latestUpdate).toEqualTypeOf<Update | undefined>();
    expectTypeOf(latestData).toEqualTypeOf<Updates['message'] | Updates['status'] | undefined>();
    if (latestUpdate?.type === 'status') expectTypeOf(latestUpdate.data).toEqualTypeOf<{ status: Status }>();
  });

  it('types workflowStatus by the statuses', () => {
    const { workflowStatus } = useTemporalSubscription<Updates, Status>(options);
    expectTypeOf(workflowStatus).toEqualTypeOf<Status | undefined>();
    // @ts-expect-error not one of the statuses
    if (workflowStatus === 'FINISHED') void workflowStatus;
    // Statuses must be strings, like the update log's.
    // @ts-expect-error a status type must extend string
    useTemporalSubscription<Updates, 1 | 2>(options);
  });

  it('hands onUpdate the union, narrowed by type', () => {
    useTemporalSubscription<Updates, Status>({
      ...options,
      onUpdate: (update) => {
        expectTypeOf(update).toEqualTypeOf<Update>();
        if (update.type === 'status') expectTypeOf(update.data).toEqualTypeOf<{ status: Status }>();
      },
    });
    // A listener for plain updates accepts every update of the map.
    useTemporalSubscription<Updates, Status>({ ...options, onUpdate: (update: WorkflowUpdate) => void update.data });
    useTemporalSubscription<Updates, Status>({
      ...options,
      // @ts-expect-error a listener for messages only cannot take status updates
      onUpdate: (update: WorkflowUpdate<'message', { text: string; percent: number }>) => void update.data.text,
    });
    expectTypeOf<NonNullable<UseTemporalSubscriptionOptions<Updates>['onUpdate']>>()
      .parameter(0)
      .toEqualTypeOf<Update>();
  });

  it('takes a map, not an update type', () => {
    // @ts-expect-error an update type (the first type parameter before this version) is not a map
    useTemporalSubscription<WorkflowUpdate<'message', { text: string }>>(options);
    // As with createUpdateLog, a map is a `type`: an interface has no index signature.
    interface InterfaceMap {
      message: { text: string };
    }
    // @ts-expect-error declare the map with `type`
    useTemporalSubscription<InterfaceMap>(options);
  });

  it('gives the union of updates for a union of maps', () => {
    type Other = { attempt: { attempts: number }; status: { status: 'sent'; text: string } };
    const card = useTemporalSubscription<Updates | Other, Status | 'sent'>(options);
    expectTypeOf(card.updates).toEqualTypeOf<(UpdateOf<Updates> | UpdateOf<Other>)[]>();
    expectTypeOf(card.workflowStatus).toEqualTypeOf<Status | 'sent' | undefined>();
    const update = card.updates[0]!;
    if (update.type === 'attempt') expectTypeOf(update.data.attempts).toEqualTypeOf<number>();
    if (update.type === 'status') expectTypeOf(update.data.status).toEqualTypeOf<Status | 'sent'>();
  });

  it('keeps the result interface addressable by map and status', () => {
    expectTypeOf(useTemporalSubscription<Updates, Status>(options)).toEqualTypeOf<
      UseTemporalSubscriptionResult<Updates, Status>
    >();
    expectTypeOf<UseTemporalSubscriptionResult<Updates, Status>['recoverMissedUpdates']>().returns.toEqualTypeOf<
      Promise<number>
    >();
  });
});

describe('the status type without React', () => {
  it('types the shared subscription by update and status, as the hook is', () => {
    const task = getTaskSubscription<Update, Status>(options);
    expectTypeOf(task.getState()).toEqualTypeOf<TaskState<Update, Status>>();
    expectTypeOf(task.getState().workflowStatus).toEqualTypeOf<Status | undefined>();
    expectTypeOf(peekTaskSubscription<Update, Status>(options)?.getState().workflowStatus).toEqualTypeOf<
      Status | undefined
    >();
    // @ts-expect-error a status type must extend string
    getTaskSubscription<Update, 1>(options);
    expectTypeOf(getTaskSubscription(options).getState().workflowStatus).toEqualTypeOf<string | undefined>();
  });

  it('reads the status the stream says with the same type', () => {
    expectTypeOf<ConnectedEventData<Status>['status']>().toEqualTypeOf<Status | undefined>();
    expectTypeOf<EndEventData<Status>['status']>().toEqualTypeOf<Status>();
    expectTypeOf<ConnectedEventData['status']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<NonNullable<ConnectedEventData<Status>['status']>>().toEqualTypeOf<
      NonNullable<UseTemporalSubscriptionResult<Updates, Status>['workflowStatus']>
    >();
  });
});

describe('without type arguments', () => {
  it('takes any update type and status', () => {
    const task = useTemporalSubscription(options);
    expectTypeOf(task).toEqualTypeOf<UseTemporalSubscriptionResult<UpdateMap, string>>();
    expectTypeOf(task.updates).toEqualTypeOf<WorkflowUpdate<string, unknown>[]>();
    expectTypeOf(task.updates).toEqualTypeOf<WorkflowUpdate[]>();
    expectTypeOf(task.latestData).toEqualTypeOf<unknown>();
    expectTypeOf(task.workflowStatus).toEqualTypeOf<string | undefined>();
    useTemporalSubscription({ ...options, onUpdate: (update) => expectTypeOf(update).toEqualTypeOf<WorkflowUpdate>() });
    // The types an app names its map and updates with come from this package too.
    expectTypeOf<import('./index').UpdateOf<Updates>>().toEqualTypeOf<Update>();
    expectTypeOf<import('./index').UpdateMap>().toEqualTypeOf<UpdateMap>();
    // The status alone may be given.
    expectTypeOf(useTemporalSubscription<UpdateMap, Status>(options).workflowStatus).toEqualTypeOf<
      Status | undefined
    >();
  });

  it('still takes the same options', () => {
    useTemporalSubscription({ taskId: null, enabled: false });
    useTemporalSubscription({
      taskId: undefined,
      apiBaseUrl: '/api',
      refreshToken: () => 'token',
      recoveryIntervalMs: 0,
    });
    // @ts-expect-error taskId is required (it may be null)
    useTemporalSubscription({ enabled: false });
  });
});

describe('with the update log of @resumable/workflow-state', () => {
  it('receives what the log emits', () => {
    const { updates } = useTemporalSubscription<Updates, Status>(options);
    const emitted = log.emit('message', { text: 'hi', percent: 10 });
    expectTypeOf(emitted).toExtend<(typeof updates)[number]>();
    updates.push(emitted, log.emit('status', { status: 'DONE' }));
    expectTypeOf(log.status).toEqualTypeOf<
      NonNullable<UseTemporalSubscriptionResult<Updates, Status>['workflowStatus']>
    >();
  });

  it('with LogUpdateMap, receives the log as stored, pause events included', () => {
    const { updates, workflowStatus } = useTemporalSubscription<LogUpdateMap<Updates>, Status>(options);
    expectTypeOf(updates).toEqualTypeOf<LogUpdate<Updates>[]>();
    const state = log.getState();
    expectTypeOf(state.updates).toEqualTypeOf<typeof updates>();
    if (workflowStatus) expectTypeOf(state.status).toEqualTypeOf<typeof workflowStatus>();
    const update = updates[0]!;
    if (update.type === 'workflow.paused') expectTypeOf(update.data.waitingFor).toEqualTypeOf<string[]>();
    if (update.type === 'message') expectTypeOf(update.data.text).toEqualTypeOf<string>();
  });

  it('does not take pause events without LogUpdateMap', () => {
    const { updates } = useTemporalSubscription<Updates, Status>(options);
    // @ts-expect-error the log's pause events are not in the app's own map
    updates.push(...log.getState().updates);
  });
});
