'use client';
import type { TestCycleStatus, TestCycleUpdates } from '@resumable/example-worker/shared';
import { TEST_CYCLE_PHASES } from '@resumable/example-worker/shared';
import { useTemporalSubscription } from '@resumable/react-hooks';
import type { CycleMetrics } from '@/lib/analytics';
import { getOperatorToken } from '@/lib/tokens';
import { ConnectionBadge } from '../connection-badge';
import styles from './monitoring.module.css';

/** Live streams at once: a browser holds six connections per host, and the alert feed needs one. */
export const LIVE_LIMIT = 3;
const PHASE_TYPES = ['phase'];

/** One running cycle, its phases live from its stream (an operator token reads every cycle). */
function RunningCycle({ cycleId }: { cycleId: string }) {
  const stream = useTemporalSubscription<TestCycleUpdates, TestCycleStatus>({
    taskId: cycleId,
    refreshToken: getOperatorToken,
    types: PHASE_TYPES,
  });
  const states = new Map<number, string>();
  for (const update of stream.updates) {
    if (update.type === 'phase') states.set(update.data.phase, update.data.state);
  }
  const done = [...states.values()].filter((state) => state !== 'running').length;
  return (
    <li data-testid="running-cycle" data-cycle-id={cycleId} data-phases-done={done}>
      <div className={styles.head}>
        <code className="small">{cycleId}</code> <ConnectionBadge status={stream.status} />
        <span className="small muted">
          {done} / {TEST_CYCLE_PHASES.length} phases
        </span>
      </div>
      <div className={styles.progress}>
        {TEST_CYCLE_PHASES.map((phase) => (
          <i key={phase.phase} data-state={states.get(phase.phase) ?? 'pending'} title={phase.name} />
        ))}
      </div>
    </li>
  );
}

/** The newest running cycles with live phase progress; the rest counted. */
export function RunningCycles({ cycles }: { cycles: CycleMetrics[] }) {
  if (cycles.length === 0) return <p className="small muted">No cycle is running.</p>;
  return (
    <>
      <ul className={styles.cycles} data-testid="running-cycles">
        {cycles.slice(0, LIVE_LIMIT).map((cycle) => (
          <RunningCycle key={cycle.cycleId} cycleId={cycle.cycleId} />
        ))}
      </ul>
      {cycles.length > LIVE_LIMIT && <p className="small muted">and {cycles.length - LIVE_LIMIT} more running</p>}
    </>
  );
}
