// The README's example, verbatim (test/docs.test.ts holds it to the README);
// test/readme-examples.test.tsx renders it against the real recovery server.
'use client';
import { useTemporalSubscription, usePausedWorkflows } from '@resumable/react-hooks';

// Your app's token route (see "Tokens" below) answers { token, expiresAt }.
export async function getTemporalSubscriptionToken() {
  const res = await fetch('/api/token', { method: 'POST' });
  return (await res.json()) as { token: string; expiresAt: number };
}

export function TaskProgress({ taskId }: { taskId: string }) {
  const { updates, status, isRecovering, recoveryProgress, error, recoverMissedUpdates } = useTemporalSubscription({
    taskId,
    refreshToken: getTemporalSubscriptionToken,
    apiBaseUrl: '/api',
  });
  return (
    <section>
      <p>
        {status}
        {isRecovering && ` — catching up ${recoveryProgress?.recovered}/${recoveryProgress?.total}`}
      </p>
      {error && (
        <p role="alert">
          {error.code}: {error.message}
        </p>
      )}
      <button onClick={() => recoverMissedUpdates()}>Refresh</button>
      <ol>
        {updates.map((u) => (
          <li key={u.sequence}>{JSON.stringify(u.data)}</li>
        ))}
      </ol>
    </section>
  );
}

// An inbox: `executionId` is the Temporal workflow id, `workflowType` the workflow's type.
export function Approvals() {
  const { pausedWorkflows, resume, cancel } = usePausedWorkflows({ refreshToken: getTemporalSubscriptionToken });
  return (
    <ul>
      {pausedWorkflows.map((w) => (
        <li key={w.executionId}>
          {w.executionId} ({w.workflowType}) waits at {w.pausedAt}
          <button onClick={() => resume(w.executionId, { approved: true })}>Approve</button>
          <button onClick={() => cancel(w.executionId, 'rejected')}>Reject</button>
        </li>
      ))}
    </ul>
  );
}
