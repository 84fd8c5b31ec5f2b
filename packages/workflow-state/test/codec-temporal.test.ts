import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type WorkflowHandle } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import {
  connectTestClient,
  createTestWorker,
  temporalTestServer,
  type TestWorker,
} from '@resumable/temporal-dev/vitest';
import { ResumableError, taskTopic, type BusMessage, type UpdateBus } from '@resumable/protocol';
import { createResumableSinks } from '../src/worker/index';
import { RecordingBus } from './recording-bus';
import { pauseStateQuery, resumeSignal, workflowStateQuery } from '../src/index';
import { createEncryptionCodec, createKeyRing, encryptedBus, type PayloadKey } from '../src/codec/index';
import { emitMany, pausing } from './workflows';

const SECRET = `card-4111-1111-1111-1111-${Math.random().toString(36).slice(2, 10)}`;
const k1: PayloadKey = { id: 'k1', key: crypto.getRandomValues(new Uint8Array(32)) };
const k2: PayloadKey = { id: 'k2', key: crypto.getRandomValues(new Uint8Array(32)) };

function converterFor(...keys: PayloadKey[]): DataConverter {
  return { payloadCodecs: [createEncryptionCodec({ keyRing: createKeyRing(keys) })] };
}

/**
 * Every place `secret` shows in a raw history: in any bytes field (payload data,
 * metadata, nested failures), in any string, and in the history's JSON form with
 * each base64 run decoded (how the web UI and `temporal workflow show` see bytes).
 */
function whereSecretIs(history: unknown, secret: string): string[] {
  const needle = Buffer.from(secret);
  const found: string[] = [];
  const seen = new Set<unknown>();
  const walk = (value: unknown, path: string): void => {
    if (value instanceof Uint8Array) {
      if (Buffer.from(value).includes(needle)) found.push(`bytes at ${path}`);
      return;
    }
    if (typeof value === 'string') {
      if (value.includes(secret)) found.push(`string at ${path}`);
      return;
    }
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    for (const [key, child] of Object.entries(value)) walk(child, `${path}.${key}`);
  };
  walk(history, 'history');
  const json = JSON.stringify(history);
  if (json.includes(secret)) found.push('JSON text');
  for (const run of json.match(/[A-Za-z0-9+/]{16,}={0,2}/g) ?? []) {
    if (Buffer.from(run, 'base64').includes(needle)) found.push(`base64 in JSON: ${run.slice(0, 16)}…`);
  }
  return found;
}

async function pausedNow(handle: WorkflowHandle<typeof pausing>) {
  await expect.poll(() => handle.query(pauseStateQuery), { timeout: 20_000 }).not.toBeNull();
  return (await handle.query(pauseStateQuery))!;
}

describe('encrypted payloads on a real dev server and worker', () => {
  let plainClient: Client;
  const workers: TestWorker[] = [];
  const running: Promise<void>[] = [];

  function clientWith(dataConverter: DataConverter): Client {
    const client = new Client({
      connection: plainClient.connection,
      namespace: temporalTestServer().namespace,
      dataConverter,
    });
    return client;
  }

  /** A real worker whose resumable sinks publish to `bus`. */
  async function startWorker(
    bus: UpdateBus,
    options: { dataConverter?: DataConverter; taskQueue?: string } = {},
  ): Promise<TestWorker> {
    const worker = await createTestWorker('workflow-state', { ...options, sinks: createResumableSinks({ bus }) });
    workers.push(worker);
    running.push(worker.worker.run());
    return worker;
  }

  async function closeWorker(worker: TestWorker): Promise<void> {
    workers.splice(workers.indexOf(worker), 1);
    await worker.close();
  }

  beforeAll(async () => {
    plainClient = await connectTestClient();
  });
  afterAll(async () => {
    for (const worker of workers) await worker.close();
    await Promise.allSettled(running);
    await plainClient?.connection.close();
  });

  it('without a codec the secret is in the history (the check below can see it)', async () => {
    const wire = new RecordingBus();
    const worker = await startWorker(wire);
    const handle = await plainClient.workflow.start(pausing, {
      taskQueue: worker.taskQueue,
      workflowId: `codec-plain-${Date.now()}`,
      args: [{ name: 'approve', variables: { card: SECRET } }],
    });
    await pausedNow(handle);
    await handle.signal(resumeSignal, { payload: { note: SECRET }, resumedBy: 'ada' });
    await handle.result();
    const found = whereSecretIs(await handle.fetchHistory(), SECRET);
    expect(found.some((place) => place.startsWith('bytes at'))).toBe(true);
    expect(found.some((place) => place.startsWith('base64 in JSON'))).toBe(true);
    // And the worker's sinks put it on the bus as it is.
    await expect.poll(() => whereSecretIs(wire.messages, SECRET).length, { timeout: 20_000 }).toBeGreaterThan(0);
  });

  it('writes no byte of the secret to history, reads it back through the codec, and rotates keys', async () => {
    // The worker's sinks publish through an encrypted bus; `wire` records what crosses it.
    const wire = new RecordingBus();
    const worker = await startWorker(encryptedBus(wire, createKeyRing([k1])), { dataConverter: converterFor(k1) });
    const clientK1 = clientWith(converterFor(k1));
    const workflowId = `codec-k1-${Date.now()}`;
    // A server's subscription through the same wrapper gets the messages opened.
    const live: BusMessage[] = [];
    const stop = await encryptedBus(wire, createKeyRing([k1])).subscribe(taskTopic(workflowId), (message) =>
      live.push(message),
    );
    const handle = await clientK1.workflow.start(pausing, {
      taskQueue: worker.taskQueue,
      workflowId,
      args: [{ name: 'approve', variables: { card: SECRET } }],
    });

    // The app (client with the codec) sees plaintext in the state query.
    const pause = await pausedNow(handle);
    expect(pause.variables).toEqual({ card: SECRET });
    const state = await handle.query(workflowStateQuery);
    expect(state.updates.find((update) => update.type === 'workflow.paused')?.data).toMatchObject({
      variables: { card: SECRET },
    });
    // A client without the codec cannot read the query's answer.
    await expect(plainClient.workflow.getHandle(workflowId).query(workflowStateQuery)).rejects.toThrow(
      /binary\/encrypted/,
    );

    await handle.signal(resumeSignal, { payload: { note: SECRET }, resumedBy: 'ada' });
    await expect(handle.result()).resolves.toEqual({ type: 'resumed', payload: { note: SECRET }, resumedBy: 'ada' });

    // At rest: input, signal, update log, search for the secret finds nothing.
    const history = await plainClient.workflow.getHandle(workflowId).fetchHistory();
    expect(whereSecretIs(history, SECRET)).toEqual([]);
    // On the bus: sealed on the wire, opened for the subscriber, in order.
    await expect
      .poll(() => live.filter((message) => message.kind === 'update').length, { timeout: 20_000 })
      .toBe(state.lastSequence + 2);
    await stop();
    expect(wire.messages.length).toBeGreaterThan(0);
    expect(whereSecretIs(wire.messages, SECRET)).toEqual([]);
    const paused = live.find((message) => message.kind === 'update' && message.update.type === 'workflow.paused');
    expect(paused?.kind === 'update' && paused.update.data).toMatchObject({ variables: { card: SECRET } });
    expect(
      live
        .filter((message) => message.kind === 'update')
        .map((message) => message.kind === 'update' && message.update.sequence),
    ).toEqual([1, 2, 3, 4]);

    const keyIds = new Set(
      JSON.stringify(history)
        .match(/"encryption-key-id":"([^"]+)"/g)
        ?.map((match) => Buffer.from(match.split('":"')[1]!.slice(0, -1), 'base64').toString()),
    );
    expect(keyIds).toEqual(new Set(['k1']));

    // Rotation: workers and clients move to [k2, k1]; the history written under k1 still reads.
    await closeWorker(worker);
    const rotated = await startWorker(new RecordingBus(), {
      dataConverter: converterFor(k2, k1),
      taskQueue: worker.taskQueue,
    });
    const clientRotated = clientWith(converterFor(k2, k1));
    const after = clientRotated.workflow.getHandle(workflowId);
    await expect(after.result()).resolves.toEqual({ type: 'resumed', payload: { note: SECRET }, resumedBy: 'ada' });
    const replayed = await after.query(workflowStateQuery);
    expect(replayed.updates.map((update) => update.type)).toEqual([
      'step',
      'workflow.paused',
      'workflow.resumed',
      'step',
    ]);
    expect(replayed.updates.find((update) => update.type === 'workflow.paused')?.data).toMatchObject({
      variables: { card: SECRET },
    });

    // New writes are sealed with k2.
    const fresh = await clientRotated.workflow.start(emitMany, {
      taskQueue: rotated.taskQueue,
      workflowId: `codec-k2-${Date.now()}`,
      args: [{ count: 2, batch: 2 }],
    });
    await fresh.result();
    const freshIds = JSON.stringify(await fresh.fetchHistory())
      .match(/"encryption-key-id":"([^"]+)"/g)
      ?.map((match) => Buffer.from(match.split('":"')[1]!.slice(0, -1), 'base64').toString());
    expect(new Set(freshIds)).toEqual(new Set(['k2']));

    // k1 retired too early: a client with only k2 cannot read what k1 sealed, and says why.
    const clientK2 = clientWith(converterFor(k2));
    const error = await clientK2.workflow
      .getHandle(workflowId)
      .result()
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(ResumableError.is(error), String(error)).toBe(true);
    expect(error).toMatchObject({ code: 'DECRYPTION_FAILED', details: { keyId: 'k1', reason: 'unknown-key' } });
    expect((error as Error).message).toContain('not in this key ring (k2)');
  });
});
