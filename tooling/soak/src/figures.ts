/** The soak's figures, computed from the clients' ledgers and the fault records. */
import { percentile } from '@resumable/kit/bench-report';
import type { SoakClient } from './clients';
import type { FaultRecord } from './faults';
import type { LedgerCounts } from './ledger';

export const CHECKS: (keyof LedgerCounts)[] = ['lost', 'duplicated', 'reordered', 'forged', 'wrong'];

export interface CheckTotals extends LedgerCounts {
  /** Clients that received every update and the end. */
  complete: number;
  clients: number;
  /** Complete / all, per kind of client. */
  byKind: Record<string, { complete: number; clients: number }>;
}

export function totals(clients: SoakClient[]): CheckTotals {
  const sum: CheckTotals = {
    lost: 0,
    duplicated: 0,
    reordered: 0,
    forged: 0,
    wrong: 0,
    complete: 0,
    clients: clients.length,
    byKind: {},
  };
  for (const client of clients) {
    const counts = client.ledger.result();
    for (const check of CHECKS) sum[check] += counts[check];
    const kind = (sum.byKind[client.kind] ??= { complete: 0, clients: 0 });
    kind.clients++;
    if (client.ledger.complete) {
      sum.complete++;
      kind.complete++;
    }
  }
  return sum;
}

export interface Heal {
  fault: FaultRecord;
  /** Clients that were mid-task when the fault began and received updates after it. */
  clients: number;
  /** Per client: last update before the fault began → first update after, ms. */
  p50: number;
  p99: number;
  max: number;
}

/** How long each fault kept updates from the clients it hit. */
export function heals(clients: SoakClient[], faults: FaultRecord[]): Heal[] {
  return faults.map((fault) => {
    const gaps: number[] = [];
    for (const { ledger } of clients) {
      const after = ledger.deliveries.findIndex((at) => at >= fault.startedAt);
      if (after <= 0) continue;
      gaps.push((ledger.deliveries[after] as number) - (ledger.deliveries[after - 1] as number));
    }
    return {
      fault,
      clients: gaps.length,
      p50: percentile(gaps, 50),
      p99: percentile(gaps, 99),
      max: gaps.length ? Math.max(...gaps) : Number.NaN,
    };
  });
}

/** "eventsource 150/150, raw 151/151, …": complete clients per kind. */
export function kindsLine(sum: CheckTotals): string {
  return Object.entries(sum.byKind)
    .map(([kind, { complete, clients }]) => `${kind} ${complete}/${clients}`)
    .join(', ');
}

export interface Gaps {
  p50: number;
  p99: number;
  max: number;
}

/**
 * The usual wait between two updates of one client before any fault (the cadence the
 * heal times compare with: a fault healed when its gap is back to about this).
 */
export function baselineGaps(clients: SoakClient[], until: number): Gaps {
  const gaps: number[] = [];
  for (const { ledger } of clients) {
    const before = ledger.deliveries.filter((at) => at < until);
    for (let index = 1; index < before.length; index++) {
      const gap = (before[index] as number) - (before[index - 1] as number);
      // Updates of one workflow task arrive together: the cadence is between such bursts.
      if (gap > 0) gaps.push(gap);
    }
  }
  return { p50: percentile(gaps, 50), p99: percentile(gaps, 99), max: gaps.length ? Math.max(...gaps) : Number.NaN };
}
