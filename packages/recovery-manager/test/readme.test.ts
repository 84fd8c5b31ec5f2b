/**
 * The README's examples, verbatim (the docs check holds them to the README), run
 * against the real dev server and worker: start-up recovery finds a real pause,
 * registers its event route and fires its deadline; the registry serves a snapshot
 * and its changes.
 */
import { Client, Connection } from '@temporalio/client';
import {
  RecoveryManager,
  PausedRegistry,
  pausedWorkflowsRecoverable,
  eventRoutesRecoverable,
  deadlineTimersRecoverable,
  pauseDeadlines,
  formatRecoveryReport,
} from '@resumable/recovery-manager';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestWorker, temporalTestServer, type TestWorker } from '@resumable/temporal-dev/vitest';
import { pause } from './pauses';
import { pausingWorkflow, pauseStateQuery } from './workflows';

/** The README's start-up example, as an app would run it; `webhooks` and `notifyOwner` are the app's. */
async function startUp(webhooks: { subscribe(event: string): void }, notifyOwner: (executionId: string) => void) {
  const client = new Client({
    connection: await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? 'localhost:7233' }),
  });
  const registry = new PausedRegistry();

  const manager = new RecoveryManager({
    // Response handlers: make each event reach its executions again (webhooks, queues…).
    handlers: { register: (route) => webhooks.subscribe(route.event) },
  })
    .register(pausedWorkflowsRecoverable({ client, registry })) // name: 'paused-workflows'
    .register(eventRoutesRecoverable({ registry })) // runs after it
    .register(
      deadlineTimersRecoverable({
        name: 'pause-deadlines',
        after: ['paused-workflows'],
        load: () => pauseDeadlines(registry),
        onFire: ({ data }) => notifyOwner(data.executionId),
      }),
    );

  const report = await manager.recoverAll();
  console.log(formatRecoveryReport(report));
  // recovery ok in 84 ms
  //   ok      paused-workflows  61 ms  listed=3 paused=3 added=3 …
  return { client, registry, report };
}

describe('the README example against a real Temporal dev server', () => {
  let worker: TestWorker;
  let running: Promise<void>;
  beforeAll(async () => {
    process.env.TEMPORAL_ADDRESS = temporalTestServer().address;
    worker = await createTestWorker('recovery-manager');
    running = worker.worker.run();
  });
  afterAll(async () => {
    worker?.worker.shutdown();
    await running;
    await worker?.close();
  });

  it('rebuilds a real pause: listed, its event routed to the app, its deadline fired', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const starter = await Connection.connect({ address: temporalTestServer().address });
    const executionId = `readme-order-${Date.now()}`;
    const event = `payment.completed.${executionId}`;
    const handle = await new Client({ connection: starter }).workflow.start(pausingWorkflow, {
      taskQueue: worker.taskQueue,
      workflowId: executionId,
      args: [{ pausedAt: 'wait-payment', waitingFor: [event], timeoutAt: new Date(Date.now() + 4_000).toISOString() }],
    });
    await expect.poll(() => handle.query(pauseStateQuery), { timeout: 10_000 }).not.toBeNull();

    const subscribed: string[] = [];
    const notified: string[] = [];
    // Visibility lists a new pause a moment after it happened: start up until it does.
    let found: Awaited<ReturnType<typeof startUp>> | undefined;
    await expect
      .poll(
        async () => {
          await found?.client.connection.close();
          found = await startUp({ subscribe: (name) => subscribed.push(name) }, (id) => notified.push(id));
          return found.registry.has(executionId);
        },
        { timeout: 20_000, interval: 250 },
      )
      .toBe(true);

    expect(found?.report.ok).toBe(true);
    expect(found?.report.components.map((component) => [component.name, component.status])).toEqual([
      ['paused-workflows', 'ok'],
      ['event-routes', 'ok'],
      ['pause-deadlines', 'ok'],
    ]);
    expect(subscribed).toContain(event);
    expect(log.mock.calls.at(-1)?.[0]).toMatch(/^recovery ok in \d+ ms/);
    await expect.poll(() => notified.includes(executionId), { timeout: 10_000 }).toBe(true);

    await handle.terminate('test done');
    await found?.client.connection.close();
    await starter.close();
    log.mockRestore();
  });
});

describe('the README registry example', () => {
  it('sends the snapshot with its cursor, then each change with a larger one; routes by event and correlation', () => {
    const sent: [number, unknown][] = [];
    const stream = { send: (cursor: number, payload: unknown) => void sent.push([cursor, payload]) };
    const registry = new PausedRegistry();
    registry.add(pause('checkout-order-7', { correlation: 'order-7' }));

    const { snapshot, unsubscribe } = registry.subscribeWithSnapshot((change) => stream.send(change.cursor, change));
    stream.send(snapshot.cursor, { pausedWorkflows: snapshot.pausedWorkflows });
    registry.routesFor('payment.completed', 'order-7'); // execution ids to signal

    expect(registry.routesFor('payment.completed', 'order-7')).toEqual(['checkout-order-7']);
    registry.add(pause('checkout-order-8', { correlation: 'order-8' }));
    unsubscribe();
    registry.remove('checkout-order-8', 'resumed');

    expect(sent.map(([cursor]) => cursor)).toEqual([snapshot.cursor, snapshot.cursor + 1]);
    expect(sent[0]?.[1]).toEqual({ pausedWorkflows: [expect.objectContaining({ executionId: 'checkout-order-7' })] });
    expect(sent[1]?.[1]).toMatchObject({ kind: 'added', pause: { executionId: 'checkout-order-8' } });
  });
});
