/**
 * An app's own start-up recovery across a hard crash: a recovery server in a child
 * process (test/fixtures/app-recoverables-server.ts) with deadline reminders, a
 * webhook gateway registered by the event-routes component, a component that throws,
 * and `refuseUntilStarted`. The test SIGKILLs it and starts another, which must
 * rebuild everything from Temporal alone: the paused list, the event route of an
 * order paused mid-flow, and the reminders, armed for the same absolute deadlines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUERY_NAMES, type PausedWorkflow } from '@resumable/protocol';
import { pausedVisibilityQuery, type RecoveryReportJSON } from '@resumable/recovery-manager';
import { temporalTestServer } from '@resumable/temporal-dev/vitest';
import { SECRET, startHarness, type Harness } from './harness';
import { orderTask } from './workflows';

const ROOT = resolve(import.meta.dirname, '../../..');
const SCRIPT = resolve(import.meta.dirname, 'fixtures/app-recoverables-server.ts');
const PAYMENT_EVENT = 'payment-service.payments.trigger.completed';
/** The approval pauses wait this long; each reminder is due REMINDER_LEAD_MS before that. */
const PAUSE_TIMEOUT_MS = 60_000;
const REMINDER_LEAD_MS = 35_000;
/** How late a reminder may fire and still count as on time (a loaded 2-core machine, not a benchmark). */
const LATE_BOUND_MS = 5_000;

interface Reminder {
  executionId: string;
  firedAt: number;
  remindAt: number;
  timeoutAt: string;
}

interface ChildServer {
  child: ChildProcess;
  baseUrl: Promise<string>;
  started: Promise<RecoveryReportJSON>;
  routes: { name: string; targets: number }[];
  reminders: Reminder[];
  exited: Promise<NodeJS.Signals | number | null>;
  stderr(): string;
}

const children = new Set<ChildServer>();

function startChild(env: { prefix: string; hold?: boolean }): ChildServer {
  const { address, namespace } = temporalTestServer();
  const child = spawn(process.execPath, ['--conditions=@resumable/source', '--import', 'tsx', SCRIPT], {
    cwd: ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
      SECRET,
      ID_PREFIX: env.prefix,
      REMINDER_LEAD_MS: String(REMINDER_LEAD_MS),
      HOLD: env.hold ? '1' : '',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => void (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise<NodeJS.Signals | number | null>((done) =>
    child.once('exit', (code, signal) => done(signal ?? code)),
  );
  const died = exited.then((how) => {
    throw new Error(`the server process exited (${String(how)}): ${stderr}`);
  });
  died.catch(() => undefined);
  let listening!: (url: string) => void;
  let started!: (report: RecoveryReportJSON) => void;
  const server: ChildServer = {
    child,
    baseUrl: Promise.race([new Promise<string>((done) => (listening = done)), died]),
    started: Promise.race([new Promise<RecoveryReportJSON>((done) => (started = done)), died]),
    routes: [],
    reminders: [],
    exited,
    stderr: () => stderr,
  };
  server.baseUrl.catch(() => undefined);
  server.started.catch(() => undefined);
  let rest = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const message = JSON.parse(line) as Record<string, unknown>;
      if (message.event === 'listening') listening(`http://127.0.0.1:${message.port as number}`);
      else if (message.event === 'started') started(message.report as RecoveryReportJSON);
      else if (message.event === 'route')
        server.routes.push({ name: message.name as string, targets: message.targets as number });
      else if (message.event === 'reminder') server.reminders.push(message as unknown as Reminder);
    }
  });
  children.add(server);
  void exited.then(() => children.delete(server));
  return server;
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

describe('app recoverables across a SIGKILL', () => {
  let harness: Harness;
  let token: string;
  const prefix = `app-rec-${Date.now()}-`;
  const ids = { first: `${prefix}remind-1`, second: `${prefix}remind-2`, paying: `${prefix}paying` };

  beforeAll(async () => {
    harness = await startHarness();
    token = await harness.token('*', ['read', 'resume', 'trigger']);
  }, 60_000);

  afterAll(async () => {
    for (const server of children) server.child.kill('SIGKILL');
    for (const id of Object.values(ids)) {
      await harness?.client.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => undefined);
    }
    await harness?.close();
  }, 60_000);

  const pausedList = async (baseUrl: string) => {
    const response = await fetch(`${baseUrl}/api/workflow/paused`, { headers: { Authorization: `Bearer ${token}` } });
    return response;
  };
  const ours = (list: PausedWorkflow[]) =>
    list
      .filter((pause) => pause.executionId.startsWith(prefix))
      .map((pause) => `${pause.executionId}@${pause.pausedAt}@${pause.pausedTime}`)
      .sort();

  it('rebuilds the paused list, event routes and reminders in a new process, refusing requests until it has', async () => {
    // Two orders wait for approval with a deadline; a third is paid for mid-flow.
    for (const id of [ids.first, ids.second]) {
      await harness.client.workflow.start(orderTask, {
        taskQueue: harness.taskQueue,
        workflowId: id,
        args: [{ orderId: id, timeoutMs: PAUSE_TIMEOUT_MS }],
      });
    }
    const paying = await harness.client.workflow.start(orderTask, {
      taskQueue: harness.taskQueue,
      workflowId: ids.paying,
      args: [{ orderId: ids.paying }],
    });
    const listedPaused = async () => {
      const found = new Set<string>();
      for await (const execution of harness.client.workflow.list({ query: pausedVisibilityQuery() })) {
        if (execution.workflowId.startsWith(prefix)) found.add(execution.workflowId);
      }
      return found.size === 3 ? found : undefined;
    };
    await waitFor('Temporal visibility to list the three pauses', listedPaused);

    // The first server: recovers them, and its resume route moves the third order on.
    const first = startChild({ prefix });
    const firstReport = await first.started;
    expect(firstReport.components.find((c) => c.name === 'paused-workflows')?.status).toBe('ok');
    const firstUrl = await first.baseUrl;
    const resumed = await fetch(`${firstUrl}/api/workflow/executions/${ids.paying}/resume`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ payload: 'approved' }),
    });
    expect(resumed.status).toBe(202);
    const paymentPause = await waitFor('the third order to wait for its payment', async () => {
      const pause = await paying.query<PausedWorkflow | null>(QUERY_NAMES.pause);
      return pause?.pausedAt === 'wait-payment' ? pause : undefined;
    });
    expect(paymentPause.waitingFor).toEqual([PAYMENT_EVENT]);
    const before = await waitFor('the first server to list the approval pauses', async () => {
      const list = ((await (await pausedList(firstUrl)).json()) as { pausedWorkflows: PausedWorkflow[] })
        .pausedWorkflows;
      return ours(list).length >= 2 ? list : undefined;
    });
    const approvals = before.filter((pause) => pause.executionId !== ids.paying);
    expect(ours(approvals)).toHaveLength(2);

    // A hard crash: no shutdown hook runs, every timer and route in memory is gone.
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    // The second server holds its start-up recovery open until we let it finish.
    const second = startChild({ prefix, hold: true });
    const secondUrl = await second.baseUrl;
    const refused = await pausedList(secondUrl);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toEqual({
      error: { code: 'STARTING_UP', message: expect.stringMatching(/start-up recovery/) },
    });
    second.child.stdin?.write('release\n');
    const report = await second.started;

    // One component threw; the others ran and the report shows all of them.
    expect(report.ok).toBe(false);
    expect(Object.fromEntries(report.components.map((c) => [c.name, [c.status, c.error?.code ?? null]]))).toEqual({
      'paused-workflows': ['ok', null],
      'pause-reminders': ['ok', null],
      'event-routes': ['ok', null],
      broken: ['failed', 'INTERNAL'],
      held: ['ok', null],
    });
    expect(report.components.find((c) => c.name === 'broken')?.error?.message).toBe(
      'this component is broken on purpose',
    );
    // Three of our pauses have a deadline: the two approvals and the payment (1 hour).
    expect(report.components.find((c) => c.name === 'pause-reminders')?.counts).toMatchObject({ armed: 3 });

    // The paused list is intact: the same executions at the same pauses.
    const after = await pausedList(secondUrl);
    expect(after.status).toBe(200);
    const list = ((await after.json()) as { pausedWorkflows: PausedWorkflow[] }).pausedWorkflows;
    expect(ours(list)).toEqual(ours([...approvals, paymentPause]));

    // The payment event's route was registered again, and delivers.
    expect(second.routes).toContainEqual({ name: PAYMENT_EVENT, targets: expect.any(Number) });
    const nobody = await fetch(`${secondUrl}/webhooks/nobody.waits.for.this`, { method: 'POST' });
    expect(nobody.status).toBe(404);
    const delivered = await fetch(`${secondUrl}/webhooks/${PAYMENT_EVENT}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ correlation: ids.paying }),
    });
    expect(delivered.status).toBe(202);
    expect(await delivered.json()).toMatchObject({ event: PAYMENT_EVENT, delivered: [ids.paying], failed: [] });
    await expect(paying.result()).resolves.toEqual(['resumed', 'resumed']);

    // The reminders fire at their deadlines: not early, not much late, before the pause times out.
    const reminders = await waitFor(
      'both reminders',
      () => (second.reminders.length >= 2 ? second.reminders : undefined),
      PAUSE_TIMEOUT_MS,
    );
    expect(reminders.map((r) => r.executionId).sort()).toEqual([ids.first, ids.second]);
    for (const reminder of reminders) {
      const pause = approvals.find((p) => p.executionId === reminder.executionId) as PausedWorkflow;
      expect(reminder.timeoutAt).toBe(pause.timeoutAt);
      expect(reminder.remindAt).toBe(Date.parse(pause.timeoutAt as string) - REMINDER_LEAD_MS);
      expect(reminder.firedAt).toBeGreaterThanOrEqual(reminder.remindAt);
      expect(reminder.firedAt).toBeLessThan(reminder.remindAt + LATE_BOUND_MS);
      expect(reminder.firedAt).toBeLessThan(Date.parse(pause.timeoutAt as string));
    }
    expect(first.reminders).toEqual([]);
  }, 120_000);
});
