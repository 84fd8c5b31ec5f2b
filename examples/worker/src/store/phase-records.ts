import type { PhaseNumber } from '../shared';

/** What each phase writes: its record kind and how many items. */
export const PHASE_RECORDS: Record<PhaseNumber, { kind: string; items: number }> = {
  1: { kind: 'attribute', items: 4 },
  2: { kind: 'scope', items: 3 },
  3: { kind: 'sample', items: 6 },
  4: { kind: 'owner', items: 3 },
  5: { kind: 'rfi', items: 3 },
  6: { kind: 'result', items: 6 },
  7: { kind: 'observation', items: 2 },
  8: { kind: 'report', items: 1 },
};

/** The item ids of a phase, in the order it writes them: `sample-1`, `sample-2`, … */
export function phaseItems(phase: PhaseNumber): string[] {
  const { kind, items } = PHASE_RECORDS[phase];
  return Array.from({ length: items }, (_, index) => `${kind}-${index + 1}`);
}
