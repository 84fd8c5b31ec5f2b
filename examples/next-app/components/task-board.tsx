'use client';
import { useState, useTransition } from 'react';
import { startInvoice, startTask } from '@/app/actions';
import { useRecentWorkflows } from '@/lib/recent';
import { TaskCard } from './task-card';

/** The task board: one live card per task (and per invoice). */
export function TaskBoard() {
  const recent = useRecentWorkflows('tasks');
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string>();
  const launch = (start: () => Promise<Parameters<typeof recent.add>[0]>) =>
    startTransition(async () => {
      try {
        setError(undefined);
        recent.add(await start());
      } catch (cause) {
        setError(cause instanceof Error ? cause.message : String(cause));
      }
    });

  return (
    <section>
      <div className="page-head">
        <div>
          <h1>Task board</h1>
          <p className="muted">
            Each card follows one workflow over SSE. <b>Cut connection</b> drops it while the workflow keeps running;{' '}
            <b>Reconnect</b> catches up from the workflow’s durable log, then resumes live. <b>Refresh</b> syncs the
            status and recovers anything missed. When a connection drops on its own, the automatic reconnect’s catch-up
            shows the same recovery progress.
          </p>
        </div>
        <div className="actions">
          <button data-testid="new-task" disabled={pending} onClick={() => launch(() => startTask())}>
            New task
          </button>
          <button
            className="secondary"
            data-testid="new-invoice"
            disabled={pending}
            onClick={() => launch(() => startInvoice())}
          >
            New invoice
          </button>
          {recent.items.length > 0 && (
            <button className="ghost" onClick={recent.clear}>
              Clear board
            </button>
          )}
        </div>
      </div>
      {error && <p className="alert">{error}</p>}
      {recent.items.length === 0 ? (
        <p className="empty">No tasks yet. Start one.</p>
      ) : (
        <div className="cards">
          {recent.items.map((item) => (
            <TaskCard key={item.workflowId} item={item} />
          ))}
        </div>
      )}
    </section>
  );
}
