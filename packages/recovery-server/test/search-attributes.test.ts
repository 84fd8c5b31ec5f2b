/**
 * Issue 16: pauses on a Temporal namespace without Resumable's search attributes. A
 * fresh namespace on the dev server (the dev server registers them only for its own
 * namespace) lacks them: the check says so with the command, a pausing workflow's
 * task fails and every route that meets it answers SEARCH_ATTRIBUTES_MISSING; after
 * the documented command (the built `resumable-server` bin) pauses work, are listed and resume.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { ResumableError, SEARCH_ATTRIBUTES, type ErrorBody, type PausedWorkflow } from '@resumable/protocol';
import type { RecoveryReport } from '@resumable/recovery-manager';
import { createInMemoryBus } from '@resumable/sse-publisher';
import { findTemporalCli } from '@resumable/temporal-dev';
import { createTestWorker, queryPatiently, temporalTestServer, type TestWorker } from '@resumable/temporal-dev/vitest';
import { checkSearchAttributes, registerSearchAttributes } from '@resumable/workflow-state/worker';
import { createResumableSinks } from '@resumable/workflow-state/worker';
import { mintToken } from '../src/auth/tokens';
import { SECRET, startServer, type ServerInstance } from './harness';
import { orderTask, unindexedOrderTask } from './workflows';

const exec = promisify(execFile);
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const NAMES: string[] = Object.values(SEARCH_ATTRIBUTES).map((attribute) => attribute.name);
type Retention = NonNullable<
  Parameters<Connection['workflowService']['registerNamespace']>[0]['workflowExecutionRetentionPeriod']
>;

/** The built `resumable-server` bin, as a user runs it; resolves with its exit code and output. */
async function resumableCli(args: string[], env: Record<string, string> = {}) {
  const child = exec(process.execPath, [CLI, ...args], {
    env: { ...process.env, TEMPORAL_ADDRESS: '', TEMPORAL_NAMESPACE: '', ...env },
    timeout: 60_000,
  });
  return child.then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number; stdout: string; stderr: string }) => ({
      code: error.code ?? -1,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}

/** A new namespace on the dev server, once usable, without Resumable's search attributes. */
async function freshNamespace(connection: Connection, prefix: string): Promise<string> {
  const namespace = `${prefix}-${randomUUID().slice(0, 8)}`;
  await connection.workflowService.registerNamespace({
    namespace,
    // One day, the shortest Temporal accepts; protobufjs takes a number where the type says Long.
    workflowExecutionRetentionPeriod: { seconds: 24 * 60 * 60 } as unknown as Retention,
  });
  // Registered is not yet usable: wait until the frontend knows it.
  await until(() =>
    connection.workflowService.describeNamespace({ namespace }).then(
      () => true,
      () => false,
    ),
  );
  // The dev server registers them for its own namespace; a new one must start without.
  const existing = Object.keys(
    (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {},
  ).filter((name) => NAMES.includes(name));
  if (existing.length > 0) {
    await connection.operatorService.removeSearchAttributes({ namespace, searchAttributes: existing });
  }
  return namespace;
}

/** Resolves once `ready` does (outside a test, where `expect.poll` is not allowed). */
async function until(ready: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What `checkSearchAttributes` and the routes say about a namespace lacking `missing`. */
function expectedMessage(namespace: string, address: string, missing: string[]): string {
  return (
    `Temporal namespace "${namespace}" lacks Resumable's search attributes ${missing.join(', ')}: ` +
    "a pausing workflow's task fails (BadSearchAttributes) and paused workflows cannot be listed. " +
    `Register them once with \`npx -p @resumable/recovery-server resumable-server search-attributes --address ${address} --namespace ${namespace}\`, ` +
    `or with \`temporal operator search-attribute create --address ${address} --namespace ${namespace} --name <name> --type <type>\` ` +
    'for each missing one of ResumablePaused Bool, ResumablePausedAt Keyword, ResumableWaitingFor KeywordList, ' +
    'ResumablePausedTime Datetime, ResumableTimeoutAt Datetime; or pause without them: ' +
    'createUpdateLog({ searchAttributes: false }).'
  );
}

describe('a namespace without the search attributes', () => {
  const { address } = temporalTestServer();
  let namespace: string;
  const stamp = Date.now();
  let connection: Connection;
  let client: Client;
  let worker: TestWorker;
  let running: Promise<void>;
  let instance: ServerInstance;
  let token: string;
  const reported: { code: string; source: string }[] = [];

  const post = (path: string, body?: unknown) =>
    fetch(`${instance.baseUrl}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const get = (path: string) => fetch(`${instance.baseUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  const pausedIds = async () =>
    ((await (await get('/workflow/paused')).json()) as { pausedWorkflows: PausedWorkflow[] }).pausedWorkflows.map(
      (pause) => pause.executionId,
    );
  const pauseOf = (handle: WorkflowHandle) => queryPatiently<PausedWorkflow | null>(handle, 'getPauseState');

  beforeAll(async () => {
    connection = await Connection.connect({ address });
    namespace = await freshNamespace(connection, 'no-search-attributes');
    client = new Client({ connection, namespace });
    const bus = createInMemoryBus();
    worker = await createTestWorker('recovery-server', {
      namespace,
      sinks: createResumableSinks({ bus, onError: () => undefined }),
    });
    running = worker.worker.run();
    instance = await startServer(client, {
      bus,
      onError: (error, context) => reported.push({ code: ResumableError.from(error).code, source: context.source }),
    });
    token = await mintToken(SECRET, {
      subject: 'tester',
      tasks: '*',
      actions: ['read', 'resume', 'cancel', 'trigger'],
      ttlSeconds: 600,
    });
  });

  afterAll(async () => {
    await instance?.close();
    worker?.worker.shutdown();
    await running;
    await worker?.close();
    await connection?.close();
  });

  it('has none of them (verified, not assumed)', async () => {
    const listed = await connection.operatorService.listSearchAttributes({ namespace });
    expect(Object.keys(listed.customAttributes ?? {}).filter((name) => NAMES.includes(name))).toEqual([]);
  });

  it('checkSearchAttributes throws SEARCH_ATTRIBUTES_MISSING with the documented message, and so does the CLI --check', async () => {
    const error = await checkSearchAttributes(connection, namespace).catch((thrown: unknown) => thrown);
    expect(ResumableError.is(error) && [error.code, error.status]).toEqual(['SEARCH_ATTRIBUTES_MISSING', 503]);
    expect((error as Error).message).toBe(expectedMessage(namespace, address, NAMES));

    // The environment variables stand for --address and --namespace.
    const cli = await resumableCli(['search-attributes', '--check'], {
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
    });
    expect(cli.code).toBe(1);
    expect(cli.stderr.trim()).toBe(expectedMessage(namespace, address, NAMES));
  });

  it('start-up recovery reports SEARCH_ATTRIBUTES_MISSING, not INVALID_PARAMETER', async () => {
    const report = (await instance.server.start()) as RecoveryReport;
    expect(report.ok).toBe(false);
    const failed = report.components.find((component) => component.status === 'failed');
    expect(failed?.error?.code).toBe('SEARCH_ATTRIBUTES_MISSING');
    expect(failed?.error?.message).toMatch(
      new RegExp(
        `^Listing paused executions .*: Temporal namespace "${namespace}" lacks Resumable's search attribute ResumablePaused: `,
      ),
    );
    expect(failed?.error?.message).toContain(
      `resumable-server search-attributes --address ${address} --namespace ${namespace}\``,
    );
    expect(reported).toContainEqual({ code: 'SEARCH_ATTRIBUTES_MISSING', source: 'paused-feed' });
  });

  it('a pausing workflow does not pause, and the routes answer SEARCH_ATTRIBUTES_MISSING with the command', async () => {
    const stuck = await client.workflow.start(orderTask, {
      taskQueue: worker.taskQueue,
      workflowId: `stuck-${stamp}`,
      args: [{ orderId: `stuck-${stamp}` }],
    });
    // Temporal refuses the task that upserts the attributes and retries it (attempt 2, 3, …).
    await expect
      .poll(async () => ((await stuck.describe()).raw.pendingWorkflowTask?.attempt ?? 0) > 1, { timeout: 20_000 })
      .toBe(true);

    for (const action of ['resume', 'cancel']) {
      const response = await post(`/workflow/executions/${stuck.workflowId}/${action}`, {});
      const body = (await response.json()) as ErrorBody;
      expect([action, response.status, body.error.code]).toEqual([action, 503, 'SEARCH_ATTRIBUTES_MISSING']);
      expect(response.headers.get('Retry-After')).toBe('2');
      expect(body.error.message).toMatch(
        new RegExp(
          `^Workflow "${stuck.workflowId}"'s workflow task keeps failing: Temporal namespace "${namespace}" lacks `,
        ),
      );
      expect(body.error.message).toContain(
        `\`npx -p @resumable/recovery-server resumable-server search-attributes --address ${address} --namespace ${namespace}\``,
      );
    }

    // A trigger nobody is known to wait for asks visibility, which refuses the attribute.
    const trigger = await post('/workflow/triggers', { event: 'nobody.waits.for.this' });
    expect([trigger.status, ((await trigger.json()) as ErrorBody).error.code]).toEqual([
      503,
      'SEARCH_ATTRIBUTES_MISSING',
    ]);

    // Reading its log keeps WORKFLOW_TASK_FAILING (streams wait that out) and says why.
    const recovery = await get(`/temporal/recovery/${stuck.workflowId}/latest`);
    const failing = (await recovery.json()) as ErrorBody;
    expect([recovery.status, failing.error.code]).toEqual([503, 'WORKFLOW_TASK_FAILING']);
    expect(failing.error.message).toContain(`Temporal namespace "${namespace}" lacks Resumable's search attribute`);
    expect(failing.error.details).toMatchObject({ reason: 'SEARCH_ATTRIBUTES_MISSING', namespace });

    await stuck.terminate('test over');
  });

  it('a workflow with searchAttributes: false pauses and resumes by id without the command', async () => {
    const handle = await client.workflow.start(unindexedOrderTask, {
      taskQueue: worker.taskQueue,
      workflowId: `unindexed-${stamp}`,
      args: [{ orderId: `unindexed-${stamp}` }],
    });
    await expect.poll(async () => (await pauseOf(handle))?.pausedAt, { timeout: 20_000 }).toBe('wait-approval');
    await expect.poll(pausedIds, { timeout: 10_000 }).toContain(handle.workflowId);

    const resumed = await post(`/workflow/executions/${handle.workflowId}/resume`, { payload: { approvedBy: 'ada' } });
    expect(resumed.status).toBe(202);
    expect(await handle.result()).toBe('resumed');
    await expect.poll(pausedIds, { timeout: 10_000 }).not.toContain(handle.workflowId);
  });

  it('after the documented command, a pausing workflow pauses, is listed and resumes through the server', async () => {
    expect(existsSync(CLI), `${CLI} is missing: run \`pnpm build\` first`).toBe(true);
    const first = await resumableCli(['search-attributes', '--address', address, '--namespace', namespace]);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout.trim()).toBe(
      'Registered ResumablePaused (Bool), ResumablePausedAt (Keyword), ResumableWaitingFor (KeywordList), ' +
        `ResumablePausedTime (Datetime), ResumableTimeoutAt (Datetime) in the namespace "${namespace}" on ${address}.`,
    );
    // Again: nothing left to add.
    const again = await resumableCli(['search-attributes', '--address', address, '--namespace', namespace]);
    expect(again.stdout.trim()).toBe(
      `The namespace "${namespace}" on ${address} already has all of Resumable's search attributes; nothing to add.`,
    );
    expect(
      (await resumableCli(['search-attributes', '--check', '--address', address, '--namespace', namespace])).code,
    ).toBe(0);

    // A worker's start-up, on its own NativeConnection (the README's example): the check
    // passes and registering adds nothing.
    const workerConnection = await NativeConnection.connect({ address });
    // At worker start-up: fail fast, with the command to run, when the namespace lacks them.
    await checkSearchAttributes(workerConnection, namespace);
    // Or register the missing ones (needs operator rights; returns the names it added).
    const added = await registerSearchAttributes(workerConnection, namespace);
    onTestFinished(() => workerConnection.close());
    expect(added).toEqual([]);

    const order = await client.workflow.start(orderTask, {
      taskQueue: worker.taskQueue,
      workflowId: `indexed-${stamp}`,
      args: [{ orderId: `indexed-${stamp}` }],
    });
    await expect.poll(async () => (await pauseOf(order))?.pausedAt, { timeout: 30_000 }).toBe('wait-approval');
    // Listed by the server, and by visibility through the search attributes.
    await expect.poll(pausedIds, { timeout: 10_000 }).toContain(order.workflowId);
    const listVisible = async () => {
      const ids: string[] = [];
      for await (const info of client.workflow.list({
        query: `ResumablePaused = true AND WorkflowId = '${order.workflowId}'`,
      })) {
        ids.push(info.workflowId);
      }
      return ids;
    };
    await expect.poll(listVisible, { timeout: 10_000 }).toEqual([order.workflowId]);

    const resumed = await post(`/workflow/executions/${order.workflowId}/resume`, { payload: { approvedBy: 'ada' } });
    expect(resumed.status).toBe(202);
    await expect.poll(async () => (await pauseOf(order))?.pausedAt, { timeout: 10_000 }).toBe('wait-payment');
    expect((await post(`/workflow/executions/${order.workflowId}/cancel`, { reason: 'test over' })).status).toBe(202);
    expect(await order.result()).toEqual(['resumed', 'cancelled']);
  });
});

// The Temporal CLI equivalent the READMEs give, one line per attribute (run with the
// server's --address and the namespace's --namespace).
const TEMPORAL_CLI_COMMANDS = [
  'temporal operator search-attribute create --namespace default --name ResumablePaused --type Bool',
  'temporal operator search-attribute create --namespace default --name ResumablePausedAt --type Keyword',
  'temporal operator search-attribute create --namespace default --name ResumableWaitingFor --type KeywordList',
  'temporal operator search-attribute create --namespace default --name ResumablePausedTime --type Datetime',
  'temporal operator search-attribute create --namespace default --name ResumableTimeoutAt --type Datetime',
];

describe.skipIf(!findTemporalCli())('the Temporal CLI equivalent', () => {
  it('registers what checkSearchAttributes asks for', async () => {
    const { address } = temporalTestServer();
    const connection = await Connection.connect({ address });
    try {
      const namespace = await freshNamespace(connection, 'temporal-cli');
      for (const command of TEMPORAL_CLI_COMMANDS) {
        const [, ...args] = command.replace('--namespace default', `--namespace ${namespace}`).split(' ');
        await exec(findTemporalCli()!.path, [...args, '--address', address], { timeout: 30_000 });
      }
      await expect(checkSearchAttributes(connection, namespace)).resolves.toBeUndefined();
    } finally {
      await connection.close();
    }
  });
});
