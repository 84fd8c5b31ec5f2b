import { describe, expect, it } from 'vitest';
import { expectedData, SOAK_TYPE } from './content';
import { Ledger } from './ledger';

const TASK = 'soak-test-1';
const update = (sequence: number, data: unknown = expectedData(TASK, sequence, false), type = SOAK_TYPE) =>
  JSON.stringify({ id: `${TASK}:${sequence}`, sequence, timestamp: 0, type, data });

function feed(ledger: Ledger, sequences: number[]): Ledger {
  for (const sequence of sequences) ledger.event('update', update(sequence), String(sequence));
  return ledger;
}

describe('Ledger: the soak tells a wrong delivery from a right one', () => {
  it('passes an exact delivery, complete once the end arrives', () => {
    const ledger = feed(new Ledger(TASK, 3), [1, 2, 3]);
    expect(ledger.complete).toBe(false);
    ledger.event('end', '{}', undefined);
    expect([ledger.complete, ledger.result()]).toEqual([
      true,
      { lost: 0, duplicated: 0, reordered: 0, forged: 0, wrong: 0 },
    ]);
  });

  it('counts lost, duplicated and reordered updates', () => {
    expect(feed(new Ledger(TASK, 4), [1, 2, 4]).result()).toMatchObject({ lost: 1, duplicated: 0, reordered: 0 });
    expect(feed(new Ledger(TASK, 3), [1, 2, 2, 3]).result()).toMatchObject({ lost: 0, duplicated: 1 });
    expect(feed(new Ledger(TASK, 3), [1, 3, 2]).result()).toMatchObject({ lost: 0, reordered: 1 });
  });

  it('counts forged events, ids and sequences', () => {
    const ledger = new Ledger(TASK, 3);
    ledger.event('x', 'forged', undefined);
    ledger.event('update', update(1), '999');
    ledger.event('update', update(7), '7');
    expect(ledger.result()).toMatchObject({ forged: 3 });
  });

  it('takes a status event after its update, and counts one ahead of the updates, with an id or malformed', () => {
    const ledger = feed(new Ledger(TASK, 3), [1, 2]);
    ledger.event('status', JSON.stringify({ status: 'DONE', lastSequence: 2 }), undefined);
    expect(ledger.result()).toMatchObject({ forged: 0, wrong: 0, reordered: 0 });
    ledger.event('status', JSON.stringify({ status: 'DONE', lastSequence: 3 }), undefined);
    ledger.event('status', JSON.stringify({ status: 'DONE', lastSequence: 2 }), '2');
    ledger.event('status', '{"lastSequence":2}', undefined);
    expect(ledger.result()).toMatchObject({ reordered: 1, forged: 1, wrong: 1 });
  });

  it('counts content that is not what the workflow emitted at that sequence', () => {
    const ledger = new Ledger(TASK, 3);
    ledger.event('update', update(1, expectedData(TASK, 2, false)), '1');
    ledger.event('update', update(2, expectedData(TASK, 2, false), 'oversized'), '2');
    ledger.event('update', 'not json', '3');
    expect(ledger.result()).toMatchObject({ wrong: 3 });
    expect(ledger.problems).toHaveLength(3);
  });
});
