import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTestCycleStore } from './test-cycle-store';

const dir = mkdtempSync(join(tmpdir(), 'store-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const fresh = () => openTestCycleStore(join(dir, `db-${counter++}.sqlite`));

describe('the test cycle store', () => {
  it('replaces an earlier attempt’s rows: a retried phase never has more rows than items', async () => {
    const store = fresh();
    await store.writePhase({ cycleId: 'c', phase: 3, attempt: 1, complete: 3 });
    await store.writePhase({ cycleId: 'c', phase: 3, attempt: 2, complete: 6 });
    const rows = await store.records('c');
    expect(rows.map((row) => `${row.item}:${row.status}:${row.attempt}`)).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => `sample-${n}:complete:2`),
    );
  });

  it('compensates once: a repeated compensation returns the first ledger entry and deletes nothing more', async () => {
    const store = fresh();
    await store.writePhase({ cycleId: 'c', phase: 6, attempt: 3, complete: 3 });
    const request = {
      cycleId: 'c',
      phase: 6,
      name: 'Test Execution',
      strategy: 'partial-rollback',
      phaseState: 'failed',
    } as const;
    const first = await store.compensate(request);
    expect(first).toMatchObject({
      undone: ['result-4', 'result-5', 'result-6'],
      kept: ['result-1', 'result-2', 'result-3'],
    });
    expect(await store.compensate(request)).toEqual(first);
    expect(await store.ledger('c')).toEqual([first]);
    expect((await store.records('c')).map((row) => row.item)).toEqual(['result-1', 'result-2', 'result-3']);
  });

  it('leaves a failed phase that wrote nothing alone: no ledger row', async () => {
    const store = fresh();
    expect(
      await store.compensate({
        cycleId: 'c',
        phase: 8,
        name: 'Finalize Test Report',
        strategy: 'rollback',
        phaseState: 'failed',
      }),
    ).toBeNull();
    expect(await store.ledger('c')).toEqual([]);
  });

  it('saves through the file: another handle on it (another process) reads the writes, and no temp file is left', async () => {
    const writer = fresh();
    await Promise.all(
      [1, 2, 3, 4].map((phase) =>
        writer.writePhase({ cycleId: 'c', phase: phase as 1 | 2 | 3 | 4, attempt: 1, complete: 9 }),
      ),
    );
    const reader = openTestCycleStore(writer.path);
    // The writes were queued, not interleaved: every phase's rows are there.
    expect(new Set((await reader.records('c')).map((row) => row.phase))).toEqual(new Set([1, 2, 3, 4]));
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('closes a compensated phase: a late write (an interrupted attempt of a cancelled cycle) is dropped', async () => {
    const store = fresh();
    await store.writePhase({ cycleId: 'c', phase: 4, attempt: 1, complete: 1 });
    const request = {
      cycleId: 'c',
      name: 'Data Owner Identification',
      strategy: 'rollback',
      phaseState: 'failed',
    } as const;
    expect(await store.compensate({ ...request, phase: 4 })).toMatchObject({
      undone: ['owner-1', 'owner-2', 'owner-3'],
    });
    expect(await store.writePhase({ cycleId: 'c', phase: 4, attempt: 2, complete: 3 })).toBe(false);
    // Closed even when it had written nothing yet (no ledger row then).
    expect(await store.compensate({ ...request, phase: 1 })).toBeNull();
    expect(await store.writePhase({ cycleId: 'c', phase: 1, attempt: 1, complete: 4 })).toBe(false);
    expect(await store.records('c')).toEqual([]);
    // Other cycles and phases are not affected.
    expect(await store.writePhase({ cycleId: 'd', phase: 4, attempt: 1, complete: 3 })).toBe(true);
    expect(await store.records('d')).toHaveLength(3);
  });
});
