/**
 * The @resumable/workflow-state README's example, end to end: its workflow and its
 * worker (test/fixtures/readme-worker/, verbatim twins the docs check holds to the
 * README) run in their own process exactly as written, pushing live updates over the
 * HTTP bus to a recovery server; a browser-like client follows the task through its
 * pause and resume to the end.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskTopic, type BusMessage } from '@resumable/protocol';
import { createInMemoryBus } from '@resumable/sse-publisher';
import { temporalTestServer } from '@resumable/temporal-dev/vitest';
import { mintToken } from '../src/auth/tokens';
import { countingClient, SECRET, startServer, type ServerInstance } from './harness';
import { StreamFollower } from './sse-client';

const WORKER = resolve(import.meta.dirname, 'fixtures/readme-worker/worker.ts');
const BUS_SECRET = 'readme-bus-secret-of-at-least-32-characters';

describe('the workflow-state README worker, run as written', () => {
  let instance: ServerInstance;
  let close: () => Promise<void>;
  let stopWorker: () => Promise<void>;
  const bus = createInMemoryBus();

  beforeAll(async () => {
    const { client } = await countingClient();
    instance = await startServer(client, { bus, busSecret: BUS_SECRET });
    close = async () => {
      await instance.close();
      await client.connection.close();
    };
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
      cwd: resolve(import.meta.dirname, '..'),
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: temporalTestServer().address,
        RESUMABLE_BUS_URL: `${instance.baseUrl}/resumable/bus`,
        RESUMABLE_BUS_SECRET: BUS_SECRET,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    const exited = new Promise((done) => child.once('exit', done));
    // The worker shuts down on SIGTERM (Temporal's default shutdown signals) and exits.
    stopWorker = async () => {
      child.kill('SIGTERM');
      await exited;
    };
    void exited.then((code) => {
      if (code !== 0 && code !== null) console.error(`README worker exited with ${String(code)}: ${stderr}`);
    });
  });
  afterAll(async () => {
    await stopWorker?.();
    await close?.();
  });

  it('emits, pauses, resumes through the server and ends DONE; every update also came live over the bus', async () => {
    const { client } = await countingClient();
    const id = `readme-invoice-${Date.now()}`;
    const live: number[] = [];
    await bus.subscribe(taskTopic(id), (message: BusMessage) => {
      if (message.kind === 'update') live.push(message.update.sequence);
    });
    const handle = await client.workflow.start('invoiceTask', { taskQueue: 'invoices', workflowId: id, args: [{}] });
    const token = await mintToken(SECRET, { subject: 't', tasks: [id], actions: ['read', 'resume'], ttlSeconds: 120 });
    const seen: string[] = [];
    const follower = new StreamFollower(`${instance.baseUrl}/temporal/stream/${id}`, token, (update) =>
      seen.push(update.type),
    );
    // Bundling the README's workflows.ts takes the worker a few seconds before its first task.
    await expect.poll(() => seen.includes('workflow.paused'), { timeout: 60_000 }).toBe(true);

    const resumed = await fetch(`${instance.baseUrl}/workflow/executions/${id}/resume`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ payload: { approvedBy: 'ana' } }),
    });
    expect(resumed.status).toBe(202);

    const record = await follower.done;
    await expect(handle.result()).resolves.toBe('DONE');
    expect(seen).toEqual(['message', 'workflow.paused', 'workflow.resumed', 'progress']);
    expect(record.sequences).toEqual([1, 2, 3, 4]);
    expect(record.end).toEqual({ status: 'DONE', lastSequence: 4, execution: 'COMPLETED' });
    await expect.poll(() => [...new Set(live)].sort(), { timeout: 5_000 }).toEqual([1, 2, 3, 4]);
    await client.connection.close();
  }, 120_000);
});
