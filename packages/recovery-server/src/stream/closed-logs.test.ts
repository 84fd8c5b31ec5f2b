import { describe, expect, it } from 'vitest';
import { ResumableError, type WorkflowUpdate } from '@resumable/protocol';
import type { ClosedLogContent } from '../temporal/gateway';
import { ClosedLogs, closedPage, closedPageAfterTime, closedPageJson, type ClosedLogSource } from './closed-logs';

const update = (sequence: number, timestamp = 1000 + 10 * sequence): WorkflowUpdate => ({
  id: `t:${sequence}`,
  timestamp,
  sequence,
  type: 'tick',
  data: { n: sequence, pad: 'x'.repeat(40) },
});

function content(runId: string, count: number, first = 1, taskId = 't'): ClosedLogContent {
  const updates = Array.from({ length: count }, (_, i) => update(first + i));
  return { taskId, runId, status: 'DONE', lastSequence: first + count - 1, firstSequence: first, updates };
}

/** A source that counts its reads and can be made to fail or wait. */
class Source implements ClosedLogSource {
  reads = 0;
  fail = false;
  release: (() => void) | undefined;
  gate: Promise<void> | undefined;
  running = false;
  describes = 0;
  async describe() {
    this.describes++;
    return { running: this.running, executionStatus: this.running ? 'RUNNING' : 'COMPLETED', runId: 'run-9' };
  }
  async readClosedLog(taskId: string, runId: string): Promise<ClosedLogContent> {
    this.reads++;
    if (this.gate) await this.gate;
    if (this.fail) throw new ResumableError('TEMPORAL_UNAVAILABLE', 'down');
    return content(runId, 100, 1, taskId);
  }
}

describe('ClosedLogs', () => {
  it('reads a run once: concurrent and later readers share it, with frames encoded once', async () => {
    const source = new Source();
    const logs = new ClosedLogs(source, { maxBytes: 10 * 1024 * 1024 });
    source.gate = new Promise((resolve) => (source.release = resolve));
    const both = Promise.all([logs.get('t', 'run-1'), logs.get('t', 'run-1')]);
    source.release?.();
    const [a, b] = await both;
    expect(a).toBe(b);
    expect(await logs.get('t', 'run-1')).toBe(a);
    expect(source.reads).toBe(1);
    expect(a.frames).toHaveLength(100);
    expect(a.frames[4]!.events[0]).toEqual({ id: 5, event: 'update', data: JSON.stringify(a.updates[4]) });
  });

  it('keeps runs apart: another run of the same id is another log', async () => {
    const source = new Source();
    const logs = new ClosedLogs(source, { maxBytes: 10 * 1024 * 1024 });
    await logs.get('t', 'run-1');
    await logs.get('t', 'run-2');
    expect(source.reads).toBe(2);
  });

  it('does not keep a failed read', async () => {
    const source = new Source();
    const logs = new ClosedLogs(source, { maxBytes: 10 * 1024 * 1024 });
    source.fail = true;
    await expect(logs.get('t', 'run-1')).rejects.toMatchObject({ code: 'TEMPORAL_UNAVAILABLE' });
    source.fail = false;
    expect((await logs.get('t', 'run-1')).updates).toHaveLength(100);
    expect(source.reads).toBe(2);
  });

  it('stays within maxBytes, dropping the least recently used run', async () => {
    const source = new Source();
    const one = (await new ClosedLogs(new Source(), { maxBytes: 10 * 1024 * 1024 }).get('t', 'x')).bytes;
    const logs = new ClosedLogs(source, { maxBytes: Math.floor(one * 2.5) });
    await logs.get('t', 'a');
    await logs.get('t', 'b');
    await logs.get('t', 'a'); // a is now the most recent
    await logs.get('t', 'c'); // over budget: b goes
    expect(logs.stats.logs).toBe(2);
    expect(logs.stats.bytes).toBeLessThanOrEqual(one * 2.5);
    expect(source.reads).toBe(3);
    await logs.get('t', 'a');
    expect(source.reads).toBe(3);
    await logs.get('t', 'b');
    expect(source.reads).toBe(4);
  });

  it('serves a log bigger than the whole budget without keeping it', async () => {
    const source = new Source();
    const logs = new ClosedLogs(source, { maxBytes: 10 });
    expect((await logs.get('t', 'a')).updates).toHaveLength(100);
    expect(logs.stats).toEqual({ logs: 0, bytes: 0 });
  });
});

describe('ClosedLogs.closedRun', () => {
  it('trusts a describe for describeTtlMs, then asks again', async () => {
    const source = new Source();
    const logs = new ClosedLogs(source, { maxBytes: 1 << 20, describeTtlMs: 50 });
    source.running = true;
    expect(await logs.closedRun('t')).toBeUndefined();
    source.running = false;
    expect(await logs.closedRun('t')).toBeUndefined(); // still trusted: read by queries a moment longer
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await logs.closedRun('t')).toBe('run-9');
    expect(await logs.closedRun('t')).toBe('run-9');
    expect(source.describes).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 60));
    source.running = true; // a new run on the same id
    expect(await logs.closedRun('t')).toBeUndefined();
    expect(source.describes).toBe(3);
  });

  it('does not remember a failed describe', async () => {
    const source = new Source();
    const logs = new ClosedLogs(source, { maxBytes: 1 << 20 });
    const describe = source.describe.bind(source);
    source.describe = () => Promise.reject(new ResumableError('TEMPORAL_UNAVAILABLE', 'down'));
    await expect(logs.closedRun('t')).rejects.toMatchObject({ code: 'TEMPORAL_UNAVAILABLE' });
    source.describe = describe;
    expect(await logs.closedRun('t')).toBe('run-9');
  });
});

describe('closed page JSON', () => {
  it('is exactly JSON.stringify of the page, from the frames made once', async () => {
    const source = new Source();
    const log = await new ClosedLogs(source, { maxBytes: 1 << 24 }).get('t "quoted"', 'r');
    for (const page of [
      closedPage(log, 0, 5),
      closedPage(log, 97, 10),
      closedPage(log, 100, 10),
      closedPageAfterTime(log, 1500, 3),
    ]) {
      expect(closedPageJson(log, page)).toBe(JSON.stringify(page));
    }
  });
});

describe('closed pages', () => {
  const log = { ...content('r', 20, 6), frames: [], bytes: 0 }; // sequences 6..25 (compacted below 6)

  it('answer as getUpdatesSince does', () => {
    expect(closedPage(log, 0, 3).updates.map((u) => u.sequence)).toEqual([6, 7, 8]);
    expect(closedPage(log, 10, 3)).toMatchObject({ lastSequence: 25, hasMore: true, status: 'DONE' });
    expect(closedPage(log, 22, 10)).toMatchObject({ hasMore: false });
    expect(closedPage(log, 22, 10).updates.map((u) => u.sequence)).toEqual([23, 24, 25]);
    expect(closedPage(log, 25, 10)).toMatchObject({ updates: [], hasMore: false });
    expect(closedPage(log, 99, 10)).toMatchObject({ updates: [], hasMore: false });
  });

  it('by time: the first updates strictly newer than a timestamp', () => {
    expect(closedPageAfterTime(log, 1100, 2).updates.map((u) => u.sequence)).toEqual([11, 12]);
    expect(closedPageAfterTime(log, 0, 2).updates.map((u) => u.sequence)).toEqual([6, 7]);
    expect(closedPageAfterTime(log, 1235, 1)).toMatchObject({ hasMore: true });
    expect(closedPageAfterTime(log, 1250, 5)).toMatchObject({ updates: [], hasMore: false });
  });
});
