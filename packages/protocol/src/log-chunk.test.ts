import { describe, expect, it } from 'vitest';
import { ResumableError } from './errors';
import { toChunkEntry, updatesOfChunk, type LogChunk } from './log-chunk';
import type { WorkflowUpdate } from './types';

const update = (sequence: number, timestamp: number, data: unknown, type = 'tick'): WorkflowUpdate => ({
  id: `task-é:${sequence}`,
  timestamp,
  sequence,
  type,
  data,
});

describe('log chunks', () => {
  it('round-trips updates exactly, ids and sequences rebuilt from position', () => {
    const updates = [
      update(7, 1_700_000_000_000, { n: 7 }),
      update(8, 1_700_000_000_000, 'same millisecond'),
      update(9, 1_700_000_000_250, { nested: { list: [1, null, 'ü'] } }, 'message'),
      update(10, 1_700_000_009_000, null),
    ];
    let previous: number | undefined;
    const entries = updates.map((item) => {
      const entry = toChunkEntry(item, previous);
      previous = item.timestamp;
      return entry;
    });
    expect(entries[1]).toEqual(['tick', 0, 'same millisecond']);
    const chunk: LogChunk = {
      taskId: 'task-é',
      status: 'DONE',
      lastSequence: 10,
      firstSequence: 7,
      entries,
      hasMore: false,
    };
    // Through JSON, as a query answer travels.
    const decoded = updatesOfChunk(JSON.parse(JSON.stringify(chunk)) as LogChunk);
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(updates));
  });

  it('is smaller than the same updates as a page', () => {
    const updates = Array.from({ length: 100 }, (_, i) => update(i + 1, 1_700_000_000_000 + i, { n: i + 1 }));
    const entries = updates.map((item, i) => toChunkEntry(item, updates[i - 1]?.timestamp));
    expect(JSON.stringify(entries).length * 2).toBeLessThan(JSON.stringify(updates).length);
  });

  it('refuses an answer that is not a chunk', () => {
    expect(() => updatesOfChunk({ taskId: 't' } as LogChunk)).toThrow(ResumableError);
    const bad = { taskId: 't', status: 'X', lastSequence: 1, firstSequence: 1, entries: [[1, 2, 3]], hasMore: false };
    expect(() => updatesOfChunk(bad as unknown as LogChunk)).toThrow(/malformed entry at sequence 1/);
  });
});
