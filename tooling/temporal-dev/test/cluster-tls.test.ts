import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
// The recovery server's reading of TEMPORAL_*: what the printed variables are for.
import { resolveTemporalTarget } from '../../../packages/recovery-server/src/temporal/connection-options';
import { clusterStatus, stopCluster } from '../src/cluster/index';
import { TEST_SERVER_NAME } from '../src/tls/index';
import { approvalWorkflow, approveSignal } from './workflows';

/*
 * A two-node PostgreSQL cluster requiring client certificates (node to node too),
 * started as a user would: `pnpm temporal cluster start --tls <dir>`. Gated like
 * cluster.test.ts (RESUMABLE_CLUSTER=1, `pnpm test:cluster`); its own ports.
 */
const ENABLED = process.env.RESUMABLE_CLUSTER === '1';
const FRONTEND_PORT = 17433;
const POSTGRES_PORT = 15435;

const ROOT = resolve(import.meta.dirname, '../../..');
const CLI = resolve(import.meta.dirname, '../src/cli.ts');
const run = promisify(execFile);

/** Runs `resumable-temporal <args>` from source; its stdout, or the error with both streams. */
function cli(args: string[], env: NodeJS.ProcessEnv, timeout: number) {
  return run(process.execPath, ['--conditions=@resumable/source', '--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    env,
    timeout,
  });
}

/** One call with no retries (the real refusal surfaces, not a deadline); what it threw, if anything. */
async function systemInfoError(address: string, tls: TLSConfig | undefined): Promise<{ code?: number } | undefined> {
  const connection = Connection.lazy({ address, interceptors: [], ...(tls ? { tls } : {}) });
  try {
    await connection.withDeadline(Date.now() + 10_000, () => connection.workflowService.getSystemInfo({}));
    return undefined;
  } catch (error) {
    return error as { code?: number };
  } finally {
    await connection.close();
  }
}

describe.runIf(ENABLED)('cluster start --tls: a two-node cluster requiring client certificates', () => {
  let dir = '';
  let pkiDir = '';
  /** The KEY=value lines `cluster start` printed. */
  let printed: Record<string, string> = {};
  const addresses = [`127.0.0.1:${FRONTEND_PORT}`, `127.0.0.1:${FRONTEND_PORT + 10}`];
  const tlsOf = (env: Record<string, string>) => resolveTemporalTarget({}, env).connection.tls as TLSConfig;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'resumable-cluster-tls-test-'));
    pkiDir = join(dir, 'pki');
    const args = ['--dir', dir, '--port', String(FRONTEND_PORT), '--postgres-port', String(POSTGRES_PORT)];
    const { stdout } = await cli(['cluster', 'start', '--tls', pkiDir, ...args], process.env, 10 * 60_000);
    printed = Object.fromEntries(
      stdout.split('\n').flatMap((line) => {
        const match = /^(TEMPORAL_\w+)=(.*)$/.exec(line);
        return match ? [[match[1]!, match[2]!]] : [];
      }),
    );
  }, 15 * 60_000);

  afterAll(async () => {
    if (!dir) return;
    await stopCluster({ dir });
    const status = clusterStatus({ dir });
    rmSync(dir, { recursive: true, force: true });
    expect(status.nodes.map((node) => node.pid)).toEqual([undefined, undefined]);
    expect(status.postgres?.pid).toBeUndefined();
  }, 120_000);

  it('prints the variables a client needs, naming the test PKI it made', () => {
    expect(printed).toEqual({
      TEMPORAL_ADDRESS: addresses[0],
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TLS_CERT_PATH: join(pkiDir, 'client.pem'),
      TEMPORAL_TLS_KEY_PATH: join(pkiDir, 'client.key'),
      TEMPORAL_TLS_CA_PATH: join(pkiDir, 'ca.pem'),
      TEMPORAL_TLS_SERVER_NAME: TEST_SERVER_NAME,
    });
  });

  it.each([1, 2])('node %i refuses a plain client and a TLS client without a certificate', async (node) => {
    const address = addresses[node - 1]!;
    // UNAVAILABLE: the handshake fails, no call is made.
    expect(await systemInfoError(address, undefined)).toMatchObject({ code: 14 });
    const { clientCertPair: _, ...noCertificate } = tlsOf(printed);
    expect(await systemInfoError(address, noCertificate)).toMatchObject({
      code: 14,
      message: expect.stringMatching(/certificate required/),
    });
    expect(await systemInfoError(address, tlsOf(printed))).toBeUndefined();
  });

  it('runs a workflow started through node 1 with a worker and a signal through node 2', async () => {
    const node1 = await Connection.connect(resolveTemporalTarget({}, printed).connection);
    const node2 = await Connection.connect(resolveTemporalTarget({ address: addresses[1] }, printed).connection);
    const native = await NativeConnection.connect(resolveTemporalTarget({ address: addresses[1] }, printed).connection);
    try {
      const codePath = inject('workflowBundles')['temporal-dev'];
      if (!codePath) throw new Error('the global setup bundled no temporal-dev workflows');
      const taskQueue = `cluster-tls-${Date.now()}`;
      const worker = await Worker.create({
        connection: native,
        namespace: 'default',
        taskQueue,
        workflowBundle: { codePath },
      });
      const workflowId = `cluster-tls-${Date.now()}`;
      const result = await worker.runUntil(async () => {
        await new Client({ connection: node1 }).workflow.start(approvalWorkflow, {
          taskQueue,
          workflowId,
          args: ['invoice-7'],
        });
        const handle = new Client({ connection: node2 }).workflow.getHandle(workflowId);
        expect((await handle.describe()).status.name).toBe('RUNNING');
        await handle.signal(approveSignal, 'ada');
        return handle.result();
      });
      expect(result).toBe('invoice-7 approved by ada');
    } finally {
      await native.close();
      await node2.close();
      await node1.close();
    }
  });

  it('lets `namespace create|list` reach it with the printed variables, and not without them', async () => {
    const env = { ...process.env, ...printed, TEMPORAL_ADDRESS: addresses[1] };
    const created = await cli(['namespace', 'create', 'tenant-tls'], env, 120_000);
    expect(created.stdout).toMatch(/namespace tenant-tls is ready/);
    const listed = await cli(['namespace', 'list'], env, 60_000);
    expect(listed.stdout.split('\n')).toContain('tenant-tls\tREGISTERED\t1d');

    const plain = Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('TEMPORAL_TLS_')));
    await expect(cli(['namespace', 'list'], plain, 60_000)).rejects.toMatchObject({ code: 1 });
  });
});
