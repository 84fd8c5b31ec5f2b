import { describe, expect, it, vi } from 'vitest';
import type { BusMessage, UpdateBus } from '@resumable/protocol';
import type { WorkflowInfo } from '@temporalio/workflow';
import { createResumableSinks } from './sinks';

const info = {} as WorkflowInfo;
const message: BusMessage = {
  kind: 'update',
  taskId: 'task-1',
  status: 'IN_PROGRESS',
  update: { id: 'task-1:1', timestamp: 1, sequence: 1, type: 'step', data: { index: 1 } },
};

describe('createResumableSinks', () => {
  it('is skipped on replay and hands messages to the bus unchanged', async () => {
    const published: BusMessage[] = [];
    const sinks = createResumableSinks({ bus: { publish: async (m) => void published.push(m) } });
    expect(sinks.resumable.publish.callDuringReplay).toBe(false);
    sinks.resumable.publish.fn(info, message);
    expect(published).toEqual([message]);
  });

  it('returns before the bus finishes, so a slow bus never holds a workflow task', () => {
    let resolve!: () => void;
    const bus: Pick<UpdateBus, 'publish'> = { publish: () => new Promise<void>((r) => (resolve = r)) };
    const result = createResumableSinks({ bus }).resumable.publish.fn(info, message);
    expect(result).toBeUndefined();
    resolve();
  });

  it('reports sync throws and rejections to onError and never throws', async () => {
    const onError = vi.fn();
    const throwing = createResumableSinks({
      bus: {
        publish: () => {
          throw new Error('sync');
        },
      },
      onError,
    });
    expect(() => throwing.resumable.publish.fn(info, message)).not.toThrow();
    const rejecting = createResumableSinks({ bus: { publish: () => Promise.reject(new Error('async')) }, onError });
    rejecting.resumable.publish.fn(info, message);
    await vi.waitFor(() => expect(onError).toHaveBeenCalledTimes(2));
    expect(onError.mock.calls.map(([error]) => (error as Error).message)).toEqual(['sync', 'async']);
    expect(onError.mock.calls[0]![1]).toEqual({ source: 'sinks', taskId: 'task-1', message, dropped: 1 });
  });

  it('survives an onError that throws', async () => {
    const sinks = createResumableSinks({
      bus: { publish: () => Promise.reject(new Error('down')) },
      onError: () => {
        throw new Error('handler broke');
      },
    });
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      sinks.resumable.publish.fn(info, message);
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('warns at most once per interval by default, counting drops', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const sinks = createResumableSinks({ bus: { publish: () => Promise.reject(new Error('down')) } });
      for (let i = 0; i < 5; i++) sinks.resumable.publish.fn(info, message);
      await vi.waitFor(() => expect(warn).toHaveBeenCalledTimes(1));
      await new Promise((r) => setTimeout(r, 20));
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(/dropped 1 message\(s\), latest update task-1#1.*down/);
    } finally {
      warn.mockRestore();
    }
  });

  it('refuses a missing bus clearly', () => {
    expect(() => createResumableSinks({} as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER', message: expect.stringMatching(/needs \{ bus \}/) }),
    );
  });
});
