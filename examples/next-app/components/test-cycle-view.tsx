'use client';
import {
  TEST_CYCLE_PHASES,
  type PhaseNumber,
  type TestCycleStatus,
  type TestCycleUpdates,
} from '@resumable/example-worker/shared';
import type { UpdateOf } from '@resumable/protocol';
import { useTemporalSubscription } from '@resumable/react-hooks';
import { useEffect, useState, useTransition } from 'react';
import { startTestCycle } from '@/app/actions';
import { useRecentWorkflows } from '@/lib/recent';
import { getTemporalSubscriptionToken } from '@/lib/tokens';
import { ConnectionBadge } from './connection-badge';
import { WorkflowLink } from './temporal-ui';

type PhaseData = TestCycleUpdates['phase'];
type Compensation = TestCycleUpdates['compensation'];
type Notification = TestCycleUpdates['notification'];

const RETRY_LABEL = {
  llm: 'LLM · 3 attempts, exponential backoff',
  database: 'database · 3 attempts, linear backoff',
  email: 'email · 3 attempts, fixed delay',
} as const;

/** Folds the cycle's updates into what the view shows. */
function summarise(updates: readonly UpdateOf<TestCycleUpdates>[]) {
  const phases = new Map<PhaseNumber, PhaseData>();
  const compensations: Compensation[] = [];
  const notifications: Notification[] = [];
  let version: TestCycleUpdates['version'] | undefined;
  let summary: TestCycleUpdates['summary'] | undefined;
  for (const update of updates) {
    if (update.type === 'phase') {
      const { data } = update;
      phases.set(data.phase, data);
    } else if (update.type === 'compensation') {
      const { data } = update;
      compensations.push(data);
      const phase = phases.get(data.phase);
      // The failed phase is compensated too (version 3), and still shows as the one that failed.
      if (phase && data.phaseState !== 'failed' && data.strategy !== 'notify' && data.strategy !== 'skip')
        phases.set(data.phase, { ...phase, state: 'compensated' });
    } else if (update.type === 'notification') notifications.push(update.data);
    else if (update.type === 'version') version = update.data;
    else if (update.type === 'summary') summary = update.data;
  }
  const failed = [...phases.values()].some((phase) => phase.state === 'failed');
  const status = summary
    ? failed
      ? 'FAILED'
      : 'COMPLETED'
    : compensations.length || failed
      ? 'COMPENSATING'
      : phases.size
        ? 'RUNNING'
        : 'STARTING';
  return { phases, compensations, notifications, version, summary, status };
}

/** The test cycle's view: the eight phases with their state, timings and a timeline. */
export function TestCycleView() {
  const cycles = useRecentWorkflows('cycles', 5);
  const [pending, startTransition] = useTransition();
  const [failAt, setFailAt] = useState<number>(0);
  const [problem, setProblem] = useState<string>();
  const current = cycles.items[0];
  const cycle = useTemporalSubscription<TestCycleUpdates, TestCycleStatus>({
    taskId: current?.workflowId,
    refreshToken: current ? getTemporalSubscriptionToken(current.workflowId) : undefined,
  });
  const summarised = summarise(cycle.updates);
  const { phases, compensations, notifications, version, summary } = summarised;
  // Waiting for a person and cancelled by one are the workflow's word, not derivable from the phases.
  const status =
    cycle.workflowStatus === 'WAITING_FOR_PERSON' || cycle.workflowStatus === 'CANCELLED'
      ? cycle.workflowStatus
      : summarised.status;
  const running = [...phases.values()].some((phase) => phase.state === 'running');
  const [now, setNow] = useState(0);
  useEffect(() => {
    setNow(Date.now());
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 100);
    return () => clearInterval(timer);
  }, [running]);

  const start = () =>
    startTransition(async () => {
      try {
        setProblem(undefined);
        cycles.add(await startTestCycle(failAt ? { failAtPhase: failAt as PhaseNumber } : {}));
      } catch (cause) {
        setProblem(cause instanceof Error ? cause.message : String(cause));
      }
    });

  const origin = Math.min(...[...phases.values()].map((phase) => phase.startedAt), Infinity);
  const end = Math.max(now, ...[...phases.values()].map((phase) => phase.endedAt ?? 0));
  const span = Number.isFinite(origin) ? Math.max(end - origin, 1) : 1;

  return (
    <section>
      <div className="page-head">
        <div>
          <h1>Test cycle</h1>
          <p className="muted">
            Eight phases; 3 and 4 run in parallel. Each activity family has its own retry policy (phases 1, 4 and 5 fail
            once on purpose). A phase that fails for good is compensated, then the finished ones newest first, each by
            its strategy: rollback, partial rollback, notify, or skip, which waits for a person on the paused dashboard.
          </p>
        </div>
        <div className="actions">
          <label className="small">
            fail at phase{' '}
            <select value={failAt} onChange={(event) => setFailAt(Number(event.target.value))} data-testid="fail-at">
              <option value={0}>none</option>
              {TEST_CYCLE_PHASES.map((phase) => (
                <option key={phase.phase} value={phase.phase}>
                  {phase.phase}
                </option>
              ))}
            </select>
          </label>
          <button data-testid="start-cycle" disabled={pending} onClick={start}>
            Start test cycle
          </button>
        </div>
      </div>
      {problem && <p className="alert">{problem}</p>}
      {!current ? (
        <p className="empty">No test cycle yet. Start one.</p>
      ) : (
        <article
          className="card cycle"
          data-testid="cycle"
          data-cycle-id={current.workflowId}
          data-cycle-status={status}
        >
          <header>
            <div>
              <h2>{current.title}</h2>
              <code className="id">{current.workflowId}</code> <WorkflowLink workflowId={current.workflowId} />
            </div>
            <div className="row">
              <ConnectionBadge status={cycle.status} />
              <span className={`status status-${status.toLowerCase()}`} data-testid="cycle-status">
                {status}
              </span>
            </div>
          </header>
          {version && (
            <p className="small muted" data-testid="version">
              workflow version {version.version}: {version.text}
            </p>
          )}
          <table className="phases">
            <thead>
              <tr>
                <th>#</th>
                <th>phase</th>
                <th>retry policy</th>
                <th>state</th>
                <th>started</th>
                <th>duration</th>
                <th>attempts</th>
                <th className="timeline-head">timeline</th>
              </tr>
            </thead>
            <tbody>
              {TEST_CYCLE_PHASES.map((spec) => {
                const phase = phases.get(spec.phase);
                const state = phase?.state ?? 'pending';
                const startOffset = phase ? phase.startedAt - origin : 0;
                const duration = phase ? (phase.endedAt ?? end) - phase.startedAt : 0;
                return (
                  <tr key={spec.phase} data-testid="phase-row" data-phase={spec.phase} data-state={state}>
                    <td>{spec.phase}</td>
                    <td>
                      {spec.name}
                      {(spec.phase === 3 || spec.phase === 4) && <span className="badge small">parallel</span>}
                      {/* Phases are activities of the cycle's workflow: its history shows each attempt. */}
                      {phase && <WorkflowLink workflowId={current.workflowId} label="history ↗" />}
                    </td>
                    <td className="small muted">{RETRY_LABEL[spec.kind]}</td>
                    <td>
                      <span className={`state state-${state}`}>{state}</span>
                    </td>
                    <td className="num" data-testid="phase-start">
                      {phase ? `+${(startOffset / 1000).toFixed(2)} s` : ''}
                    </td>
                    <td className="num" data-testid="phase-duration">
                      {phase ? `${(duration / 1000).toFixed(2)} s` : ''}
                    </td>
                    <td className="num">{phase?.attempts ?? ''}</td>
                    <td className="timeline">
                      {phase && (
                        <div
                          className={`span span-${state}`}
                          style={{
                            left: `${(startOffset / span) * 100}%`,
                            width: `${Math.max((duration / span) * 100, 0.8)}%`,
                          }}
                          title={phase.error ?? `${spec.name}: ${duration} ms`}
                        />
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {[...phases.values()]
            .filter((phase) => phase.error)
            .map((phase) => (
              <p key={phase.phase} className="alert small">
                Phase {phase.phase} failed: {phase.error}
              </p>
            ))}
          {compensations.length > 0 && (
            <div className="compensations" data-testid="compensations">
              <h3>Compensation (saga, newest first)</h3>
              <ol>
                {compensations.map((entry) => (
                  <li key={entry.phase}>
                    <span className="badge small">{entry.strategy}</span> {entry.text}
                  </li>
                ))}
              </ol>
            </div>
          )}
          {notifications.length > 0 && (
            <div className="notifications" data-testid="notifications">
              <h3>Notifications</h3>
              <ul>
                {notifications.map((entry) => (
                  <li key={entry.phase}>
                    <span className="badge small">phase {entry.phase}</span> {entry.text}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {summary && (
            <p className="note" data-testid="summary">
              {summary.text}
            </p>
          )}
        </article>
      )}
    </section>
  );
}
