import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterStatus, startCluster, type Cluster } from '../src/cluster/index';

/*
 * The Temporal web UI in front of a two-node cluster. Gated like cluster.test.ts
 * (RESUMABLE_CLUSTER=1, `pnpm test:cluster`); its own ports, clear of that file's.
 * The first run builds the UI server with Go (a few minutes).
 */
const ENABLED = process.env.RESUMABLE_CLUSTER === '1';
const FRONTEND_PORT = 17333;
const POSTGRES_PORT = 15434;
const UI_PORT = 17390;

/** The executions the UI's API lists for a visibility query. */
interface ListedWorkflows {
  executions?: { execution?: { workflowId?: string }; status?: string }[];
}

describe.runIf(ENABLED)('a cluster started with the web UI', () => {
  let dir = '';
  let cluster: Cluster;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'resumable-cluster-ui-test-'));
    cluster = await startCluster({ dir, port: FRONTEND_PORT, postgresPort: POSTGRES_PORT, ui: true, uiPort: UI_PORT });
  }, 20 * 60_000);

  afterAll(async () => {
    await cluster?.stop();
    if (!dir) return;
    const status = clusterStatus({ dir });
    rmSync(dir, { recursive: true, force: true });
    // The UI is stopped with the nodes.
    expect(status.ui?.pid).toBeUndefined();
    expect(status.nodes.map((node) => node.pid)).toEqual([undefined, undefined]);
  }, 120_000);

  it('serves its index page on loopback, and status reports it', async () => {
    expect(cluster.uiError).toBeUndefined();
    expect(cluster.uiUrl).toBe(`http://127.0.0.1:${UI_PORT}`);
    const response = await fetch(`${cluster.uiUrl}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    // The built Svelte app, not a placeholder page.
    expect(await response.text()).toMatch(/_app\/immutable\//);
    expect(clusterStatus({ dir }).ui).toEqual({ url: cluster.uiUrl, pid: expect.any(Number) });
  });

  it('lists, through its API, a workflow started on node 1', async () => {
    const connection = await Connection.connect({ address: cluster.addresses[0]! });
    const client = new Client({ connection, namespace: cluster.namespace });
    const workflowId = `cluster-ui-${Date.now()}`;
    // No worker: the run stays open, which is all the listing needs.
    const handle = await client.workflow.start('uiListedWorkflow', { taskQueue: 'cluster-ui-test', workflowId });
    try {
      const query = encodeURIComponent(`WorkflowId = '${workflowId}'`);
      const url = `${cluster.uiUrl}/api/v1/namespaces/${cluster.namespace}/workflows?query=${query}`;
      // Visibility is written after the start returns: poll.
      await expect
        .poll(
          async () => {
            const response = await fetch(url);
            if (response.status !== 200) return `HTTP ${response.status}: ${await response.text()}`;
            const body = (await response.json()) as ListedWorkflows;
            // Temporal's JSON spells enums in full (WORKFLOW_EXECUTION_STATUS_RUNNING) or short.
            return body.executions?.map(
              (entry) =>
                `${entry.execution?.workflowId} ${/RUNNING$/i.test(entry.status ?? '') ? 'running' : entry.status}`,
            );
          },
          { timeout: 30_000, interval: 500 },
        )
        .toEqual([`${workflowId} running`]);
    } finally {
      await handle.terminate('cluster-ui test done');
      await connection.close();
    }
  });
});
