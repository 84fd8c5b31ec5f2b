import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { BusMessage, UpdateBus } from '@resumable/protocol';
import { connectTestClient } from '@resumable/temporal-dev/vitest';
import { workflowStateQuery } from '../src/index';
import { createResumableSinks } from '../src/worker/index';
import { startWorker } from './harness';
import { RecordingBus } from './recording-bus';
import { emitMany } from './workflows';

describe('the worker sink on a real worker', () => {
  let client: Client;
  beforeAll(async () => {
    client = await connectTestClient();
  });
  afterAll(async () => {
    await client?.connection.close();
  });

  it('delivers every emitted update to the bus, with the status after it', async () => {
    const bus = new RecordingBus();
    const worker = await startWorker({ sinks: createResumableSinks({ bus }) });
    try {
      const workflowId = `sink-all-${Date.now()}`;
      const handle = await client.workflow.start(emitMany, {
        taskQueue: worker.taskQueue,
        workflowId,
        args: [{ count: 1000, batch: 200 }],
      });
      await handle.result();
      const state = await handle.query(workflowStateQuery);
      await expect.poll(() => new Set(bus.sequencesOf(workflowId)).size, { timeout: 10_000 }).toBe(1000);

      // None missing; any duplicate is identical to the logged update.
      const logged = new Map(state.updates.map((update) => [update.sequence, update]));
      for (const { message } of bus.messages) {
        if (message.kind !== 'update' || message.taskId !== workflowId) continue;
        expect(message.update).toEqual(logged.get(message.update.sequence));
        expect(message.status).toBe('IN_PROGRESS');
      }
      // Sinks run once per activation in emit order, so the live path arrives in order here.
      const sequences = bus.sequencesOf(workflowId);
      expect([...new Set(sequences)]).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    } finally {
      await worker.stop();
    }
  });

  it('never fails a workflow task when the bus fails: the log stays whole', async () => {
    const errors: { error: unknown; message: BusMessage }[] = [];
    let calls = 0;
    const failing: Pick<UpdateBus, 'publish'> = {
      publish: (message) => {
        calls++;
        // Half reject, half throw before returning a promise.
        if (message.kind === 'update' && message.update.sequence % 2 === 0) throw new Error('bus down (sync)');
        return Promise.reject(new Error('bus down'));
      },
    };
    const worker = await startWorker({
      sinks: createResumableSinks({
        bus: failing,
        onError: (error, { message }) => errors.push({ error, message: message as BusMessage }),
      }),
    });
    try {
      const workflowId = `sink-failing-${Date.now()}`;
      const handle = await client.workflow.start(emitMany, {
        taskQueue: worker.taskQueue,
        workflowId,
        args: [{ count: 20, batch: 10 }],
      });
      await expect(handle.result()).resolves.toEqual({ lastSequence: 20 });
      const state = await handle.query(workflowStateQuery);
      expect(state.updates.map((update) => update.sequence)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      await expect.poll(() => errors.length, { timeout: 10_000 }).toBe(calls);
      expect(calls).toBeGreaterThanOrEqual(20);
      expect(errors.map(({ error }) => (error as Error).message)).toContain('bus down (sync)');
      expect(errors.map(({ error }) => (error as Error).message)).toContain('bus down');
      // No workflow task failed.
      const history = await handle.fetchHistory();
      expect(history.events?.some((event) => event.workflowTaskFailedEventAttributes)).toBe(false);
    } finally {
      await worker.stop();
    }
  });
});
