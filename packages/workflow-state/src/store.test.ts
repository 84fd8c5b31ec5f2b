import { describe, expect, it } from 'vitest';
import { MAX_UPDATES_PAGE, updatesOfChunk, type WorkflowUpdate } from '@resumable/protocol';
import { UpdateStore } from './store';

function filled(
  count: number,
  options: { limits?: ConstructorParameters<typeof UpdateStore>[0]['limits']; text?: string } = {},
) {
  const store = new UpdateStore({ taskId: 'task', status: 'IN_PROGRESS', startTime: 1_000, limits: options.limits });
  for (let i = 1; i <= count; i++) store.append('step', { i, text: options.text }, 1_000 + i);
  return store;
}

const sequences = (updates: readonly WorkflowUpdate[]) => updates.map((update) => update.sequence);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('UpdateStore.append', () => {
  it('numbers 1, 2, 3 with ids taskId:sequence', () => {
    const store = filled(3);
    expect(store.updates).toEqual([
      { id: 'task:1', timestamp: 1_001, sequence: 1, type: 'step', data: { i: 1 } },
      { id: 'task:2', timestamp: 1_002, sequence: 2, type: 'step', data: { i: 2 } },
      { id: 'task:3', timestamp: 1_003, sequence: 3, type: 'step', data: { i: 3 } },
    ]);
    expect(store.lastSequence).toBe(3);
    expect(store.firstSequence).toBe(1);
  });

  it('never lets timestamps go backwards', () => {
    const store = new UpdateStore({ taskId: 't', status: 's', startTime: 0 });
    store.append('a', 1, 500);
    store.append('a', 2, 400);
    expect(store.updates.map((update) => update.timestamp)).toEqual([500, 500]);
  });

  it('refuses empty types, data JSON cannot hold, and oversized updates, and loses nothing', () => {
    const store = new UpdateStore({ taskId: 't', status: 's', startTime: 0, limits: { updateBytes: 200 } });
    store.append('ok', 1, 1);
    expect(() => store.append('', 1, 1)).toThrowError(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
    expect(() => store.append('big', 1n, 1)).toThrowError(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
    expect(() => store.append('big', 'é'.repeat(100), 1)).toThrowError(
      expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE' }),
    );
    store.append('ok', 2, 1);
    expect(sequences(store.updates)).toEqual([1, 2]);
  });
});

describe('UpdateStore.page', () => {
  it('pages in order with hasMore until the end', () => {
    const store = filled(10);
    expect(sequences(store.page(0, 4).updates)).toEqual([1, 2, 3, 4]);
    expect(store.page(0, 4).hasMore).toBe(true);
    expect(sequences(store.page(8, 4).updates)).toEqual([9, 10]);
    expect(store.page(8, 4).hasMore).toBe(false);
    expect(store.page(10)).toEqual({
      taskId: 'task',
      status: 'IN_PROGRESS',
      lastSequence: 10,
      updates: [],
      hasMore: false,
    });
    expect(store.page(25).updates).toEqual([]);
  });

  it('caps the limit at MAX_UPDATES_PAGE', () => {
    const store = filled(MAX_UPDATES_PAGE + 20);
    expect(store.page(0, 10_000).updates).toHaveLength(MAX_UPDATES_PAGE);
    expect(store.page(0).updates).toHaveLength(MAX_UPDATES_PAGE);
    expect(store.page(0, null).updates).toHaveLength(MAX_UPDATES_PAGE);
  });

  it('keeps a page within pageBytes but always returns at least one update', () => {
    const store = filled(10, { limits: { pageBytes: 250 }, text: 'x'.repeat(60) });
    const page = store.page(0, 10);
    expect(page.updates.length).toBeGreaterThan(0);
    expect(page.updates.length).toBeLessThan(10);
    expect(page.hasMore).toBe(true);
    const tiny = filled(2, { limits: { pageBytes: 1 }, text: 'x' });
    expect(sequences(tiny.page(0).updates)).toEqual([1]);
    expect(sequences(tiny.page(1).updates)).toEqual([2]);
  });

  it.each([[-1], [1.5], ['3'], [Number.NaN], [null]])('refuses sinceSequence %j', (since) => {
    expect(() => filled(1).page(since)).toThrowError(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
  });

  it.each([[0], [-3], [2.5], ['10']])('refuses limit %j', (limit) => {
    expect(() => filled(1).page(0, limit)).toThrowError(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
  });
});

describe('UpdateStore.chunk', () => {
  /** Every update after `since`, read chunk by chunk as a server reads a closed log. */
  function readAll(store: UpdateStore, since: number, maxBytes?: number) {
    const updates: WorkflowUpdate[] = [];
    let chunks = 0;
    for (let cursor = since; ; chunks++) {
      const chunk = store.chunk(cursor, maxBytes);
      updates.push(...updatesOfChunk(chunk));
      if (!chunk.hasMore) return { updates, chunks: chunks + 1 };
      cursor = chunk.firstSequence + chunk.entries.length - 1;
    }
  }

  it('holds exactly what getUpdatesSince pages hold, in far fewer answers', () => {
    const store = filled(3000, { text: 'ünïcode' });
    const paged: WorkflowUpdate[] = [];
    for (let cursor = 0; ;) {
      const page = store.page(cursor);
      paged.push(...page.updates);
      if (!page.hasMore) break;
      cursor = page.updates.at(-1)!.sequence;
    }
    const { updates, chunks } = readAll(store, 0);
    expect(JSON.stringify(updates)).toBe(JSON.stringify(paged));
    expect(chunks).toBe(1);
    expect(JSON.stringify(readAll(store, 2990).updates)).toBe(JSON.stringify(paged.slice(2990)));
  });

  it('keeps an answer within maxBytes and limits.pageBytes, at least one entry each', () => {
    const store = filled(50, { limits: { pageBytes: 600 }, text: 'x'.repeat(40) });
    const first = store.chunk(0);
    expect(JSON.stringify(first.entries).length).toBeLessThanOrEqual(600);
    expect(first.hasMore).toBe(true);
    expect(store.chunk(0, 100_000).entries).toHaveLength(first.entries.length);
    const { updates } = readAll(store, 0, 1);
    expect(sequences(updates)).toEqual(range(1, 50));
  });

  it('starts at the first held update after compaction, and is empty past the end', () => {
    const store = filled(20);
    store.compact(5);
    const chunk = store.chunk(0);
    expect(chunk.firstSequence).toBe(16);
    expect(sequences(updatesOfChunk(chunk))).toEqual(range(16, 20));
    expect(store.chunk(20)).toMatchObject({ entries: [], hasMore: false, lastSequence: 20 });
  });

  it.each([[0], [-3], [2.5], ['10']])('refuses maxBytes %j', (maxBytes) => {
    expect(() => filled(1).chunk(0, maxBytes)).toThrowError(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
  });
});

describe('UpdateStore.state', () => {
  it('returns everything when small, firstSequence 1', () => {
    const state = filled(5).state();
    expect(state).toMatchObject({
      taskId: 'task',
      status: 'IN_PROGRESS',
      lastSequence: 5,
      startTime: 1_000,
      firstSequence: 1,
    });
    expect(sequences(state.updates)).toEqual(range(1, 5));
    expect('snapshot' in state).toBe(false);
  });

  it('returns the newest updates within stateUpdates and stateBytes', () => {
    const byCount = filled(50, { limits: { stateUpdates: 20 } }).state();
    expect(sequences(byCount.updates)).toEqual(range(31, 50));
    // Left out for size, not compacted: the answer says where the log starts.
    expect(byCount).toMatchObject({ firstSequence: 31, heldFrom: 1 });
    expect('heldFrom' in filled(5).state()).toBe(false);
    const byBytes = filled(50, { limits: { stateBytes: 1_000 }, text: 'x'.repeat(50) }).state();
    expect(byBytes.updates.at(-1)!.sequence).toBe(50);
    expect(byBytes.firstSequence).toBe(byBytes.updates[0]!.sequence);
    expect(JSON.stringify(byBytes.updates).length).toBeLessThanOrEqual(1_000 + byBytes.updates.length);
  });
});

describe('UpdateStore compaction and carry', () => {
  it('folds old updates into the snapshot and keeps numbering', () => {
    const store = filled(10);
    const moved = store.compact(4, (snapshot, updates) => ((snapshot as number | undefined) ?? 0) + updates.length);
    expect(moved).toBe(6);
    expect(store.firstSequence).toBe(7);
    expect(store.snapshot).toBe(6);
    store.append('step', {}, 2_000);
    expect(sequences(store.updates)).toEqual([7, 8, 9, 10, 11]);
    expect(store.state()).toMatchObject({ firstSequence: 7, snapshot: 6 });
    expect('heldFrom' in store.state()).toBe(false);
    const bounded = filled(10, { limits: { stateUpdates: 3 } });
    bounded.compact(6);
    expect(bounded.state()).toMatchObject({ firstSequence: 8, heldFrom: 5 });
    expect(sequences(store.page(0, 2).updates)).toEqual([7, 8]);
  });

  it('carries into a new store that continues the numbering and the clock', () => {
    const first = filled(5);
    first.status = 'HALF';
    const second = new UpdateStore({ taskId: 'task', status: 'IGNORED', startTime: 9_999, carried: first.carry() });
    expect(second.status).toBe('HALF');
    expect(second.startTime).toBe(1_000);
    const next = second.append('step', {}, 0);
    expect(next).toMatchObject({ sequence: 6, id: 'task:6', timestamp: 1_005 });
    expect(sequences(second.updates)).toEqual(range(1, 6));
  });

  it('compacts to a byte budget for carrying, newest kept', () => {
    const store = filled(20, { text: 'x'.repeat(40) });
    const lastFive = store.updates
      .slice(-5)
      .reduce((sum, update) => sum + Buffer.byteLength(JSON.stringify(update)), 0);
    store.compactToBytes(lastFive);
    expect(sequences(store.updates)).toEqual(range(16, 20));
    const carried = store.carry();
    expect(carried).toMatchObject({ firstSequence: 16, lastSequence: 20 });
    expect(new UpdateStore({ taskId: 'task', status: 's', startTime: 0, carried }).firstSequence).toBe(16);
  });

  it('refuses a carried log whose numbering is broken', () => {
    const carried = filled(3).carry();
    carried.updates.splice(1, 1);
    expect(() => new UpdateStore({ taskId: 'task', status: 's', startTime: 0, carried })).toThrowError(
      expect.objectContaining({ code: 'INVALID_PARAMETER' }),
    );
  });

  it('refuses bad limits', () => {
    expect(() => new UpdateStore({ taskId: 't', status: 's', startTime: 0, limits: { pageBytes: 0 } })).toThrowError(
      expect.objectContaining({ code: 'INVALID_PARAMETER' }),
    );
  });
});
