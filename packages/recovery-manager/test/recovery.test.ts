import { freePort } from '@resumable/kit/net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { connectTestClient, createTestWorker, type TestWorker } from '@resumable/temporal-dev/vitest';
import {
  createTimerScheduler,
  deadlineTimersRecoverable,
  eventRoutesRecoverable,
  PausedRegistry,
  pauseDeadlines,
  pausedWorkflowsRecoverable,
  RecoveryManager,
  temporalPauseSource,
  type EventRoute,
  type RecoveryReport,
} from '../src/index';
import { finishSignal, pausingWorkflow, pauseStateQuery, resumeSignal, type PauseInput } from './workflows';

const FUTURE = new Date(Date.now() + 3 * 3600_000);
FUTURE.setMilliseconds(0); // Temporal's Datetime search attributes keep milliseconds, but keep the test plain

describe('start-up recovery against a real Temporal dev server and worker', () => {
  let client: Client;
  let worker: TestWorker;
  let running: Promise<void>;

  beforeAll(async () => {
    client = await connectTestClient();
    worker = await createTestWorker('recovery-manager');
    running = worker.worker.run();
  });
  afterAll(async () => {
    worker?.worker.shutdown();
    await running;
    await worker?.close();
    await client?.connection.close();
  });

  async function startPaused(id: string, input: PauseInput, taskQueue = worker.taskQueue) {
    const handle = await client.workflow.start(pausingWorkflow, { taskQueue, workflowId: id, args: [input] });
    // The pause (and its search attributes) exists once the first workflow task ran.
    await expect.poll(() => handle.query(pauseStateQuery), { timeout: 10_000 }).not.toBeNull();
    return handle;
  }

  /**
   * Visibility is eventually consistent: recover until visibility lists exactly
   * `expected` and the registry holds exactly those.
   */
  async function recoverUntil(
    manager: RecoveryManager,
    registry: PausedRegistry,
    expected: string[],
  ): Promise<RecoveryReport> {
    let report: RecoveryReport | undefined;
    await expect
      .poll(
        async () => {
          report = await manager.recoverAll();
          return {
            listed: report.components[0]?.counts.listed ?? 0,
            registry: registry
              .list()
              .map((pause) => pause.executionId)
              .sort(),
          };
        },
        { timeout: 20_000, interval: 250 },
      )
      .toEqual({ listed: expected.length, registry: [...expected].sort() });
    return report as RecoveryReport;
  }

  it('rebuilds exactly the paused set, its routes and its deadlines; closed and resumed executions are left out', async () => {
    const run = `rm-${Date.now()}`;
    const id = (name: string) => `${run}-${name}`;

    const first = await startPaused(id('order-1'), {
      pausedAt: 'wait-payment',
      waitingFor: ['payment.completed', 'order.cancelled'],
      timeoutAt: FUTURE.toISOString(),
      variables: { orderId: 'order-1', amount: 42 },
      correlation: 'order-1',
    });
    await startPaused(id('order-2'), {
      pausedAt: 'wait-payment',
      waitingFor: ['payment.completed'],
      variables: { orderId: 'order-2' },
      correlation: 'order-2',
    });
    await startPaused(id('review'), { pausedAt: 'wait-approval', waitingFor: ['approval.granted'] });

    // Resumed, still open, no longer paused.
    const resumedOpen = await startPaused(id('resumed-open'), {
      pausedAt: 'wait-approval',
      waitingFor: ['approval.granted'],
      afterResume: 'stay-open',
    });
    await resumedOpen.signal(resumeSignal);
    // Resumed and completed.
    const completed = await startPaused(id('completed'), {
      pausedAt: 'wait-approval',
      waitingFor: ['approval.granted'],
    });
    await completed.signal(resumeSignal);
    await completed.result();
    // Terminated while paused: its search attributes still say "paused".
    const terminated = await startPaused(id('terminated'), {
      pausedAt: 'wait-approval',
      waitingFor: ['approval.granted'],
    });
    await terminated.terminate('test');

    const registry = new PausedRegistry();
    const routes: EventRoute[] = [];
    const timers = createTimerScheduler();
    const fired: string[] = [];
    const manager = new RecoveryManager({
      timers,
      handlers: { register: (route) => void routes.push(route) },
    }).register(
      pausedWorkflowsRecoverable({ client, registry, filter: `TaskQueue = '${worker.taskQueue}'` }),
      eventRoutesRecoverable({ registry }),
      deadlineTimersRecoverable({
        name: 'pause-deadlines',
        after: ['paused-workflows'],
        load: () => pauseDeadlines(registry),
        onFire: (timer) => void fired.push(timer.key),
      }),
    );

    const report = await recoverUntil(manager, registry, [id('order-1'), id('order-2'), id('review')]);
    expect(report.ok).toBe(true);
    const [paused, eventRoutes, deadlines] = report.components;
    // The completed, the terminated and the resumed execution are not even listed.
    expect(paused?.counts).toMatchObject({ listed: 3, paused: 3 });
    expect(paused?.issues).toEqual([]);

    // The exact pause each workflow answers, variables and correlation included.
    expect(registry.get(id('order-1'))).toEqual(await first.query(pauseStateQuery));
    expect(registry.get(id('order-1'))).toMatchObject({
      workflowType: 'pausingWorkflow',
      workflowId: 'pausingWorkflow',
      variables: { orderId: 'order-1', amount: 42 },
      timeoutAt: FUTURE.toISOString(),
      correlation: 'order-1',
    });

    expect(registry.routesFor('payment.completed').sort()).toEqual([id('order-1'), id('order-2')]);
    expect(registry.routesFor('payment.completed', 'order-2')).toEqual([id('order-2')]);
    expect(registry.routesFor('approval.granted')).toEqual([id('review')]);
    expect(registry.routesFor('order.cancelled')).toEqual([id('order-1')]);

    // Response handlers were re-registered from the last run's registry.
    expect(eventRoutes?.counts).toMatchObject({ events: 3, targets: 4, correlated: 3 });
    const lastRoutes = routes.slice(-3);
    expect(lastRoutes.map((route) => route.event).sort()).toEqual([
      'approval.granted',
      'order.cancelled',
      'payment.completed',
    ]);

    // The pause deadline is armed at its exact instant.
    expect(deadlines?.counts).toMatchObject({ armed: 1 });
    expect(timers.deadlineOf(`pause-timeout:${id('order-1')}`)).toBe(FUTURE.getTime());
    expect(fired).toEqual([]);
    timers.clear();

    // Cleanup: the open executions close.
    await resumedOpen.signal(finishSignal);
    for (const name of ['order-1', 'order-2', 'review']) await client.workflow.getHandle(id(name)).signal(resumeSignal);
  });

  it('a recovery after a resume removes that execution from the registry (and tells subscribers)', async () => {
    const run = `rm2-${Date.now()}`;
    const a = await startPaused(`${run}-a`, { pausedAt: 'p', waitingFor: ['go'] });
    await startPaused(`${run}-b`, { pausedAt: 'p', waitingFor: ['go'] });
    const registry = new PausedRegistry();
    const manager = new RecoveryManager().register(
      pausedWorkflowsRecoverable({
        client,
        registry,
        filter: `TaskQueue = '${worker.taskQueue}' AND WorkflowId STARTS_WITH '${run}'`,
      }),
    );
    await recoverUntil(manager, registry, [`${run}-a`, `${run}-b`]);

    const removed: string[] = [];
    registry.subscribe((change) => {
      if (change.kind === 'removed') removed.push(`${change.pause.executionId}:${change.cause}`);
    });
    await a.signal(resumeSignal);
    await a.result();
    await recoverUntil(manager, registry, [`${run}-b`]);
    expect(removed).toEqual([`${run}-a:gone`]);
    await client.workflow.getHandle(`${run}-b`).signal(resumeSignal);
  });

  it('reads an execution that closed after it was listed as closed, not from its final state', async () => {
    const handle = await startPaused(`rm-closed-${Date.now()}`, { pausedAt: 'p', waitingFor: ['go'] });
    await handle.terminate('closed between list and query');
    // A plain query replays the closed workflow and still answers the old pause…
    expect(await handle.query(pauseStateQuery)).not.toBeNull();
    // …the lookup rejects closed executions instead.
    const source = temporalPauseSource(client);
    await expect(source.lookup(handle.workflowId, AbortSignal.timeout(10_000))).resolves.toEqual({ status: 'closed' });
    await expect(source.lookup('no-such-workflow-ever', AbortSignal.timeout(10_000))).resolves.toEqual({
      status: 'closed',
    });
  });

  it('keeps a paused execution from its search attributes when no worker answers the query', async () => {
    const lonely = await createTestWorker('recovery-manager');
    const lonelyRun = lonely.worker.run();
    const id = `rm-noworker-${Date.now()}`;
    await startPaused(
      id,
      { pausedAt: 'wait-payment', waitingFor: ['payment.completed'], variables: { secret: 1 } },
      lonely.taskQueue,
    );
    lonely.worker.shutdown();
    await lonelyRun;
    await lonely.close();

    const registry = new PausedRegistry();
    const manager = new RecoveryManager().register(
      pausedWorkflowsRecoverable({
        client,
        registry,
        filter: `TaskQueue = '${lonely.taskQueue}'`,
        lookupTimeoutMs: 1_000,
      }),
    );
    const report = await recoverUntil(manager, registry, [id]);
    const [component] = report.components;
    expect(component?.status).toBe('ok');
    expect(component?.counts).toMatchObject({ listed: 1, fromVisibility: 1 });
    expect(component?.issues).toEqual([expect.objectContaining({ code: 'TIMEOUT', subject: id })]);
    // Routing still works; variables are not in visibility.
    expect(registry.get(id)).toMatchObject({
      workflowType: 'pausingWorkflow',
      workflowId: 'pausingWorkflow',
      pausedAt: 'wait-payment',
      waitingFor: ['payment.completed'],
      variables: {},
    });
    expect(registry.routesFor('payment.completed')).toEqual([id]);
    await client.workflow.getHandle(id).terminate('cleanup');
  });

  it('reports TEMPORAL_UNAVAILABLE when Temporal cannot be reached, and the other components still run', async () => {
    const port = await freePort();
    // No retry interceptor: the test wants the first refusal, not minutes of back-off.
    const connection = Connection.lazy({ address: `127.0.0.1:${port}`, interceptors: [] });
    const unreachable = new Client({ connection });
    const registry = new PausedRegistry();
    const timers = createTimerScheduler();
    const manager = new RecoveryManager({ timers }).register(
      pausedWorkflowsRecoverable({ client: unreachable, registry }),
      deadlineTimersRecoverable({
        load: () => [{ key: 'reminder', at: Date.now() + 60_000, data: null }],
        onFire: () => undefined,
      }),
    );
    const report = await manager.recoverAll();
    const [paused, deadlines] = report.components;
    expect(paused?.status).toBe('failed');
    expect(paused?.error?.code, paused?.error?.message).toBe('TEMPORAL_UNAVAILABLE');
    expect(deadlines).toMatchObject({ status: 'ok', counts: { armed: 1 } });
    timers.clear();
    await connection.close();
  });
});
