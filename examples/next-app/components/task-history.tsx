'use client';
import type { TaskStatus, TaskUpdates } from '@resumable/example-worker/shared';
import { isErrorBody, type TimeTravelState, type WorkflowState, type WorkflowUpdate } from '@resumable/protocol';
import { useTemporalSubscription } from '@resumable/react-hooks';
import { useEffect, useState } from 'react';
import { getTemporalSubscriptionToken } from '@/lib/tokens';
import { ConnectionBadge } from './connection-badge';

/** What the list shows of an update: its text when it has one, a status change, else its data. */
function describe(update: WorkflowUpdate): string {
  const data = update.data as { text?: unknown; status?: unknown } | null;
  if (typeof data?.text === 'string') return data.text;
  if (update.type === 'status' && typeof data?.status === 'string') return `Status → ${data.status}`;
  return JSON.stringify(update.data);
}

/** The past as the server rebuilt it, or why it could not. */
type Past = { state: TimeTravelState } | { error: string; earliest?: number };

/**
 * A task live, with a scrub bar over its log: dragging it asks the server for the
 * state at that sequence (`/recovery/:taskId/at/:sequence`) and shows it in place of
 * the live list, until **Live** goes back.
 */
export function TaskHistory({
  taskId,
  initialSnapshot,
}: {
  taskId: string;
  initialSnapshot?: WorkflowState | undefined;
}) {
  const task = useTemporalSubscription<TaskUpdates, TaskStatus>({
    taskId,
    refreshToken: getTemporalSubscriptionToken(taskId),
    initialSnapshot,
  });
  const wire = useRecoveryPageSize(taskId);
  // Selective recovery: a second subscription asks the server for `status` updates only
  // (`?types=status`); the rest never crosses the wire, sequences stay the log's.
  const statuses = useTemporalSubscription<TaskUpdates, TaskStatus>({
    taskId,
    refreshToken: getTemporalSubscriptionToken(taskId),
    types: ['status'],
  });
  // undefined: live. A number: the sequence the scrub bar points at.
  const [viewing, setViewing] = useState<number>();
  const [past, setPast] = useState<Past>();
  // The lowest sequence the log can be rebuilt at: firstSequence - 1, once an answer told it.
  const [floor, setFloor] = useState(0);

  useEffect(() => {
    if (viewing === undefined) return;
    // Only the newest position counts: a drag fires many, and answers may cross.
    const controller = new AbortController();
    void (async () => {
      // A busy server (or a dropped connection) is worth two more tries; a refusal is not.
      for (let attempt = 1; ; attempt++) {
        try {
          const { token } = await getTemporalSubscriptionToken(taskId)();
          const response = await fetch(`/api/temporal/recovery/${encodeURIComponent(taskId)}/at/${viewing}`, {
            headers: { Authorization: `Bearer ${token}` },
            signal: controller.signal,
          });
          if (response.status >= 500 && attempt < 3) throw new Error(`HTTP ${response.status}`);
          const body: unknown = await response.json();
          if (controller.signal.aborted) return;
          if (isErrorBody(body)) {
            const details = body.error.details as { firstSequence?: number } | undefined;
            const earliest = details?.firstSequence === undefined ? undefined : details.firstSequence - 1;
            if (response.status === 410 && earliest !== undefined) setFloor(earliest);
            setPast({ error: body.error.message, ...(earliest === undefined ? {} : { earliest }) });
            return;
          }
          const state = body as TimeTravelState;
          setFloor(Math.max(0, state.firstSequence - 1));
          setPast({ state });
          return;
        } catch (error) {
          if (controller.signal.aborted) return;
          if (attempt < 3) {
            await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
            continue;
          }
          setPast({ error: error instanceof Error ? error.message : String(error) });
          return;
        }
      }
    })();
    return () => controller.abort();
  }, [taskId, viewing]);

  const last = task.lastSequence;
  const shown = viewing === undefined ? undefined : past && 'state' in past ? past.state : undefined;
  const updates: readonly WorkflowUpdate[] = viewing === undefined ? task.updates : (shown?.updates ?? []);
  const loading = viewing !== undefined && shown?.sequence !== viewing && !(past && 'error' in past);

  return (
    <article className="card task" data-testid="task-history" data-task-id={taskId}>
      <header>
        <div>
          <h2>Task</h2>
          <code className="id">{taskId}</code>
        </div>
        <span className="status" data-testid="task-status">
          {task.workflowStatus ?? 'STARTING'}
        </span>
      </header>
      <div className="row">
        <ConnectionBadge status={task.status} cut={false} />
        <span className="muted small" data-testid="time-travel-label">
          {viewing === undefined
            ? `Live: sequence ${last}`
            : `Viewing sequence ${viewing} of ${shown?.lastSequence ?? last}`}
        </span>
      </div>
      {/* Inline: the shared stylesheet is other pages' too. */}
      <div className="scrub" style={{ display: 'flex', gap: 10, alignItems: 'center', margin: '12px 0' }}>
        <input
          type="range"
          aria-label="Sequence"
          data-testid="scrub"
          min={floor}
          max={Math.max(floor, last)}
          step={1}
          style={{ flex: 1 }}
          value={viewing ?? last}
          disabled={last === 0}
          onChange={(event) => setViewing(Number(event.target.value))}
        />
        <button
          className="secondary"
          data-testid="live"
          disabled={viewing === undefined}
          onClick={() => {
            setViewing(undefined);
            setPast(undefined);
          }}
        >
          Live
        </button>
      </div>
      <p className="muted small" data-testid="status-changes">
        Status changes (<code>?types=status</code>):{' '}
        {statuses.updates.map((update) => (
          <span key={update.sequence} data-seq={update.sequence}>
            #{update.sequence} {describe(update)}{' '}
          </span>
        ))}
      </p>
      <p className="muted small" data-testid="painted">
        {initialSnapshot
          ? `Painted on the server with ${initialSnapshot.updates.length} update(s) (through #${initialSnapshot.lastSequence}); the stream resumed after it.`
          : 'Painted in the browser from the stream.'}
      </p>
      <p className="muted small" data-testid="wire-size">
        <button className="secondary" data-testid="measure-page" onClick={() => void wire.measure()}>
          Measure a recovery page
        </button>{' '}
        {wire.figures &&
          `${wire.figures.updates} update(s): ${wire.figures.encoded.toLocaleString('en')} bytes on the wire (${wire.figures.coding}), ${wire.figures.decoded.toLocaleString('en')} bytes as JSON`}
      </p>
      <p className="muted small" data-testid="epoch">
        Log epoch <code>{task.epoch ?? '…'}</code>: a reset of the workflow begins a new log, and this page rebuilds
        from it.
      </p>
      {past && 'error' in past && viewing !== undefined && (
        <p className="alert small" data-testid="time-travel-error">
          {past.error}
        </p>
      )}
      {shown?.snapshot !== undefined && (
        <p className="note small" data-testid="snapshot">
          Snapshot of sequences 1–{shown.firstSequence - 1}: <code>{JSON.stringify(shown.snapshot)}</code>
        </p>
      )}
      <ol className="updates" data-testid="updates" data-sequence={shown?.sequence ?? 'live'} aria-busy={loading}>
        {updates.map((update) => (
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

/** What one recovery page cost on the wire, from the browser's own resource timing. */
interface PageFigures {
  updates: number;
  /** Body bytes as sent (compressed when the server compressed it). */
  encoded: number;
  /** Body bytes after decoding. */
  decoded: number;
  /** `Content-Encoding`, or `identity`. */
  coding: string;
}

/**
 * Reads the task's first recovery page (500 updates at most) and reports its size on the
 * wire and as JSON: the compressed catch-up, as the browser measured it.
 */
function useRecoveryPageSize(taskId: string) {
  const [figures, setFigures] = useState<PageFigures>();
  const measure = async () => {
    const { token } = await getTemporalSubscriptionToken(taskId)();
    // A fresh URL each time, so the timing entry is this request's.
    const url = `${location.origin}/api/temporal/recovery/${encodeURIComponent(taskId)}?sinceSequence=0&limit=500&m=${Date.now()}`;
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { updates?: unknown[] };
    const [entry] = performance.getEntriesByName(url) as PerformanceResourceTiming[];
    if (!entry) return;
    setFigures({
      updates: body.updates?.length ?? 0,
      encoded: entry.encodedBodySize,
      decoded: entry.decodedBodySize,
      coding: response.headers.get('content-encoding') ?? 'identity',
    });
  };
  return { figures, measure };
}
