'use client';
import type { InvoiceStatus, InvoiceUpdates, TaskStatus, TaskUpdates } from '@resumable/example-worker/shared';
import type { ActivityRetryingData, UpdateOf, WorkflowState } from '@resumable/protocol';
import { useActivities, useTemporalSubscription } from '@resumable/react-hooks';
import Link from 'next/link';
import { useState } from 'react';
import type { StartedWorkflow } from '@/app/actions';
import { createCuttableNetwork, type CuttableNetwork } from '@/lib/cuttable-network';
import { getTemporalSubscriptionToken } from '@/lib/tokens';
import { ConnectionBadge } from './connection-badge';
import { WorkflowLink } from './temporal-ui';

// One network per task, outside React, so the stream keeps the same fetch across re-renders.
const networks = new Map<string, CuttableNetwork>();
const networkFor = (taskId: string) => {
  let network = networks.get(taskId);
  if (!network) networks.set(taskId, (network = createCuttableNetwork()));
  return network;
};

// A card follows a task or an invoice: the updates and statuses of either workflow.
type CardUpdates = TaskUpdates | InvoiceUpdates;
type CardStatus = TaskStatus | InvoiceStatus;
type CardUpdate = UpdateOf<TaskUpdates> | UpdateOf<InvoiceUpdates>;

const INVOICE_PROGRESS: Record<string, number> = { validating: 25, sending: 60, sent: 100, invalid: 100, failed: 100 };

/** What the card shows of an update. */
function describe(update: CardUpdate): string {
  // The merge's attempts (log.proxyActivities() writes them; the card's map does not name them).
  const type: string = update.type;
  if (type.startsWith('activity.')) {
    const { activityType, attempt, error, nextDelayMs } = update.data as unknown as ActivityRetryingData;
    const what = `${activityType}, attempt ${attempt}`;
    if (type === 'activity.retrying') return `${what} failed: ${error} (next in ${nextDelayMs / 1000} s)`;
    return `${what}: ${type.slice('activity.'.length)}`;
  }
  // Every update but a task's `status` carries a text.
  const text = 'text' in update.data ? update.data.text : undefined;
  if (update.type === 'status' && !text) return `Status → ${update.data.status}`;
  return text ?? JSON.stringify(update.data);
}

/** The task's own status, from its latest `status` update (the log's, once the stream ended). */
function taskStatus(updates: readonly CardUpdate[], fallback?: CardStatus): CardStatus | 'STARTING' {
  for (let index = updates.length - 1; index >= 0; index--) {
    const update = updates[index];
    if (update?.type === 'status') return update.data.status;
  }
  return fallback ?? 'STARTING';
}

function progressOf(kind: StartedWorkflow['kind'], updates: readonly CardUpdate[], status: string): number {
  if (kind === 'invoice') return INVOICE_PROGRESS[status] ?? 5;
  // A task's progress is in its messages.
  for (let index = updates.length - 1; index >= 0; index--) {
    const update = updates[index];
    if (update?.type === 'message') return update.data.percent;
  }
  return 0;
}

/** A live task: its updates, connection, recovery progress, and the cut / reconnect / refresh controls. */
export function TaskCard({ item }: { item: StartedWorkflow }) {
  const taskId = item.workflowId;
  const network = networkFor(taskId);
  const [cut, setCut] = useState(network.isCut);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string>();
  const [recoveries, setRecoveries] = useState(0);
  // The connection a Reconnect click replaces. Until a new one has connected, the hook's
  // failed tries are the cut still healing (streams stay down during the recovery), not news.
  const [replacing, setReplacing] = useState<{ connectionId: string | undefined }>();
  const task = useTemporalSubscription<CardUpdates, CardStatus>({
    taskId,
    refreshToken: getTemporalSubscriptionToken(taskId),
    fetch: network.fetch,
    backoff: { initialDelayMs: 500, maxDelayMs: 5_000 },
  });
  const status = taskStatus(task.updates, task.workflowStatus);
  const reconnecting = task.status === 'connecting' || task.status === 'reconnecting';
  const deliberateReconnect = busy || (!!replacing && replacing.connectionId === task.connectionId && reconnecting);
  const percent = progressOf(item.kind, task.updates, status);
  // Activities that report progress while they run (the merge), with their attempts.
  const running = useActivities(task).filter((activity) => activity.status !== 'completed');

  const cutConnection = () => {
    network.cut();
    setCut(true);
    setNote('Connection cut. The workflow keeps running; its updates wait in its durable log.');
  };

  // Recovery on reconnect: missed updates come from the durable log first
  // (applied one by one, with progress), then the stream resumes after the last sequence.
  const reconnect = async () => {
    setBusy(true);
    setCut(false);
    setReplacing({ connectionId: task.connectionId });
    network.restoreRequests();
    try {
      const recovered = await task.recoverMissedUpdates();
      setRecoveries((count) => count + 1);
      setNote(`Back online: recovered ${recovered} missed update(s) from the durable log, then resumed live.`);
    } finally {
      network.restoreStreams();
      setBusy(false);
    }
  };

  // The Refresh button: status sync, then recoverMissedUpdates().
  const refresh = async () => {
    setBusy(true);
    try {
      const { token } = await getTemporalSubscriptionToken(taskId)();
      const response = await network.fetch(`/api/temporal/recovery/${encodeURIComponent(taskId)}/latest`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      if (!response.ok) throw new Error(`status sync failed: HTTP ${response.status}`);
      const state = (await response.json()) as WorkflowState;
      const recovered = await task.recoverMissedUpdates();
      setNote(`Synced: ${state.status}, ${state.lastSequence} update(s) in the log; ${recovered} were missing here.`);
    } catch (error) {
      setNote(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  const progress = task.recoveryProgress;
  return (
    <article
      className="card task"
      data-testid="task-card"
      data-task-id={taskId}
      data-task-status={status}
      data-recoveries={recoveries}
    >
      <header>
        <div>
          <h2>{item.title}</h2>
          <code className="id">{taskId}</code> <WorkflowLink workflowId={taskId} />{' '}
          <Link href={`/tasks/${encodeURIComponent(taskId)}`} className="small" data-testid="history-link">
            History
          </Link>
        </div>
        <span className={`status status-${status.toLowerCase()}`} data-testid="task-status">
          {status}
        </span>
      </header>
      <div className="row">
        <ConnectionBadge status={task.status} cut={cut} />
        <span className="muted small" data-testid="last-sequence">
          last sequence #{task.lastSequence}
        </span>
      </div>
      <div className="bar" aria-label="progress">
        <div style={{ width: `${percent}%` }} />
      </div>
      {running.map((activity) => {
        const share = (activity.progress?.data as { percent?: number } | undefined)?.percent ?? 0;
        return (
          <div
            key={activity.activityId}
            className="recovering soft"
            data-testid="activity"
            data-attempt={activity.attempt}
            data-status={activity.status}
            data-percent={share}
          >
            {activity.activityType}: attempt {activity.attempt} of {activity.maxAttempts || '?'},{' '}
            {activity.status === 'retrying' ? `failed (${activity.error}); retrying` : `${share} %`}
            <div className="bar thin">
              <div style={{ width: `${activity.status === 'retrying' ? 0 : share}%` }} />
            </div>
          </div>
        );
      })}
      {/* One indicator for every recovery: Reconnect / Refresh (recoverMissedUpdates) and
          an automatic reconnect's catch-up, which the hook paces and reports the same way. */}
      {task.isRecovering && (
        <div className="recovering" data-testid="recovering">
          <span className="spinner" aria-hidden />
          Recovering missed updates {progress ? `${progress.recovered} / ${progress.total}` : ''}
          {progress && progress.total > 0 && (
            <div className="bar thin">
              <div style={{ width: `${Math.round((progress.recovered / progress.total) * 100)}%` }} />
            </div>
          )}
        </div>
      )}
      {!task.isRecovering && task.status === 'reconnecting' && !cut && (
        <div className="recovering soft" data-testid="reconnecting">
          Reconnecting… the stream resumes after #{task.lastSequence}
          {/* The last try's failure, quietly; not during a deliberate reconnect, where it is the cut itself. */}
          {task.error && !deliberateReconnect && (
            <span className="muted small" data-testid="reconnect-error">
              {' '}
              ({task.error.message})
            </span>
          )}
        </div>
      )}
      <div className="buttons">
        {cut ? (
          <button data-testid="reconnect" disabled={busy} onClick={reconnect}>
            Reconnect
          </button>
        ) : (
          <button
            className="danger"
            data-testid="cut"
            disabled={busy || task.status === 'ended'}
            onClick={cutConnection}
          >
            Cut connection
          </button>
        )}
        <button className="secondary" data-testid="refresh" disabled={busy || cut} onClick={refresh}>
          Refresh
        </button>
      </div>
      {note && (
        <p className="note" data-testid="note">
          {note}
        </p>
      )}
      {/* An alarm only when the hook gave up or the browser is offline: while it is still
          trying (a manual Reconnect, a backoff retry) the soft notice above says so. */}
      {task.error && !cut && !deliberateReconnect && (task.status === 'error' || task.status === 'offline') && (
        <p className="alert small" data-testid="connection-error">
          {task.error.message}
        </p>
      )}
      <ol className="updates" data-testid="updates">
        {task.updates.map((update) => (
          <li key={update.sequence} data-seq={update.sequence} data-type={update.type}>
            <span className="seq">#{update.sequence}</span>
            <span className="type">{update.type}</span>
            <span className="text">{describe(update)}</span>
          </li>
        ))}
      </ol>
    </article>
  );
}
