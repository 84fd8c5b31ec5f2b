/**
 * The ops guide's CLI commands, run as written: every `<!-- ops: name -->` shell block of
 * docs/operations.md goes to bash, in order, with the real Temporal CLI on PATH, against
 * the run's Temporal server and a real worker of the example workflows. Each block must
 * exit 0, and after each one this file checks through a client that the command did
 * what the guide says it does. A block without a check here, or a check without a block,
 * fails the test: the two cannot drift apart.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import { QUERY_NAMES, SEARCH_ATTRIBUTES, type PausedWorkflow } from '@resumable/protocol';
import { findTemporalCli } from '@resumable/temporal-dev';
import {
  connectTestClient,
  createTestWorker,
  temporalTestServer,
  type TestWorker,
} from '@resumable/temporal-dev/vitest';
import { createResumableSinks } from '@resumable/workflow-state/worker';
import { Client } from '@temporalio/client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import * as orderActivities from '../src/activities/order';

const GUIDE = resolve(import.meta.dirname, '../../../docs/operations.md');

interface OpsBlock {
  name: string;
  script: string;
}

/** The guide's runnable blocks: a fenced shell block right after an `<!-- ops: name -->` line. */
export function opsBlocks(markdown: string): OpsBlock[] {
  const blocks: OpsBlock[] = [];
  const pattern = /^<!--\s*ops:\s*([\w-]+)\s*-->\s*\n```(?:sh|bash)\n([\s\S]*?)\n```/gm;
  for (const match of markdown.matchAll(pattern)) blocks.push({ name: match[1] as string, script: match[2] as string });
  return blocks;
}

const cli = inject('temporalCliPath') || findTemporalCli()?.path;
// A namespace of this run's own: the guide creates it, as a team would.
const namespace = `ops-guide-${randomUUID().slice(0, 8)}`;
let client: Client | undefined;
let worker: TestWorker | undefined;
let running: Promise<void> | undefined;
/** order-1001's run before the guide resets it. */
let firstRun: string | undefined;

/**
 * Runs one block as a bash script that stops at the first failing command. Not
 * `spawnSync`: the worker lives in this process and must answer the CLI's queries.
 */
async function run(block: OpsBlock): Promise<string> {
  const env = {
    ...process.env,
    PATH: `${dirname(cli as string)}:${process.env.PATH ?? ''}`,
    TEMPORAL_ADDRESS: temporalTestServer().address,
    TEMPORAL_NAMESPACE: namespace,
  };
  try {
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', block.script], {
      env,
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const { code, stdout, stderr } = error as { code?: number; stdout?: string; stderr?: string };
    throw new Error(`block "${block.name}" exited ${code}:\n${stdout}\n${stderr}`, { cause: error });
  }
}

const handle = (workflowId: string) => (client as Client).workflow.getHandle(workflowId);
const pausedAt = async (workflowId: string) =>
  (await handle(workflowId).query<PausedWorkflow | null>(QUERY_NAMES.pause))?.pausedAt;

/** What each block must have done, checked through the SDK rather than the CLI's own output. */
const checks: Record<string, (stdout: string) => Promise<void>> = {
  namespace: async (stdout) => {
    expect(stdout).toContain(namespace);
    // The namespace is usable: from here on a client and a worker live in it.
    client = await connectTestClient().then((c) => new Client({ connection: c.connection, namespace }));
    worker = await createTestWorker('worker', {
      namespace,
      taskQueue: 'resumable-examples',
      activities: orderActivities,
      sinks: createResumableSinks({ bus: { publish: async () => {} } }),
    });
    running = worker.worker.run();
  },
  'search-attributes': async (stdout) => {
    for (const attribute of Object.values(SEARCH_ATTRIBUTES)) expect(stdout).toContain(attribute.name);
  },
  start: async () => {
    await expect.poll(() => pausedAt('order-1001'), { timeout: 20_000 }).toBe('wait-approval');
  },
  find: async (stdout) => {
    // The paused list found it; describe, query and show answered (bash stopped otherwise).
    expect(stdout).toContain('order-1001');
    // The state query's log holds the pause.
    expect(stdout).toContain('workflow.paused');
    expect(stdout).toMatch(/WorkflowExecutionStarted/);
  },
  signal: async () => {
    expect(await handle('order-1001').result()).toBe('COMPLETED');
    firstRun = (await handle('order-1001').describe()).runId;
  },
  'start-more': async () => {
    for (const workflowId of ['order-1002', 'order-1003', 'order-1004']) {
      await expect.poll(() => pausedAt(workflowId), { timeout: 20_000 }).toBe('wait-approval');
    }
  },
  stop: async () => {
    expect(await handle('order-1002').result()).toBe('CANCELLED');
    await expect(handle('order-1003').result()).rejects.toThrow();
    await expect(handle('order-1004').result()).rejects.toThrow('duplicate order');
    expect((await handle('order-1003').describe()).status.name).toBe('CANCELLED');
    expect((await handle('order-1004').describe()).status.name).toBe('TERMINATED');
  },
  reset: async () => {
    // The reset's new run is now the latest: it starts again from the first workflow
    // task, without the old signals, so it waits for approval again.
    const latest = await handle('order-1001').describe();
    expect(latest.runId).not.toBe(firstRun);
    await expect.poll(() => pausedAt('order-1001'), { timeout: 20_000 }).toBe('wait-approval');
    const runs: string[] = [];
    for await (const run of (client as Client).workflow.list({ query: 'WorkflowId = "order-1001"' }))
      runs.push(run.runId);
    expect(runs.sort()).toEqual([firstRun, latest.runId].sort());
    await handle('order-1001').terminate('the guide is done with it');
  },
  'task-queue': async (stdout) => {
    // The worker's identity is listed as a poller.
    expect(stdout).toContain(worker?.worker.options.identity ?? '<no worker>');
  },
  'dynamic-config': async (stdout) => {
    // The block's own dev server, not the run's: nine signals took the history to 11
    // events, the tenth was refused, and the run ended terminated for the limit.
    expect(stdout.match(/Signal workflow succeeded/g)).toHaveLength(9);
    expect(stdout).toContain('"reason": "Workflow history count exceeds limit."');
    // The trap stopped that server: its port no longer answers.
    const refused = await new Promise<boolean>((done) => {
      const socket = connect({ host: '127.0.0.1', port: 7299 });
      socket.once('connect', () => {
        socket.destroy();
        done(false);
      });
      socket.once('error', () => done(true));
    });
    expect(refused, 'the throwaway dev server on 7299 still runs').toBe(true);
  },
};

afterAll(async () => {
  worker?.worker.shutdown();
  await running;
  await worker?.close();
});

describe('docs/operations.md: the Temporal CLI commands', () => {
  const blocks = opsBlocks(readFileSync(GUIDE, 'utf8'));

  it('has a check for every runnable block and a block for every check', () => {
    expect(blocks.map((block) => block.name)).toEqual(Object.keys(checks));
  });

  it('runs every block, in order, and each did what the guide says', async () => {
    expect(cli, 'no Temporal CLI found (TEMPORAL_CLI_PATH)').toBeTruthy();
    for (const block of blocks) {
      const stdout = await run(block);
      await (checks[block.name] as (stdout: string) => Promise<void>)(stdout);
    }
  }, 240_000);
});
