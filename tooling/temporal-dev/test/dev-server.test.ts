import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { connectTestClient, createTestWorker, type TestWorker } from '../src/vitest';
import { approvalWorkflow, approveSignal, progressQuery } from './workflows';

describe('the shared Temporal dev server', () => {
  let client: Client;
  let worker: TestWorker;

  beforeAll(async () => {
    client = await connectTestClient();
    worker = await createTestWorker('temporal-dev');
  });
  afterAll(async () => {
    await worker?.close();
    await client?.connection.close();
  });

  it('runs a workflow on a real worker, answers a query, takes a signal', async () => {
    await worker.runUntil(async () => {
      const handle = await client.workflow.start(approvalWorkflow, {
        taskQueue: worker.taskQueue,
        workflowId: `approval-${Date.now()}`,
        args: ['invoice-7'],
      });
      await expect
        .poll(() => handle.query(progressQuery), { timeout: 10_000 })
        .toEqual({ step: 'waiting', approvedBy: null });
      await handle.signal(approveSignal, 'ada');
      await expect(handle.result()).resolves.toBe('invoice-7 approved by ada');
      expect(await handle.query(progressQuery)).toEqual({ step: 'approved', approvedBy: 'ada' });
    });
  });

  it("registered Resumable's search attributes", async () => {
    const { customAttributes } = await client.connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(Object.keys(customAttributes ?? {})).toEqual(
      expect.arrayContaining(['ResumablePaused', 'ResumablePausedAt', 'ResumableWaitingFor', 'ResumableTimeoutAt']),
    );
  });
});
