// The README's "Offline actions", verbatim (test/docs.test.ts holds it to the README;
// tsc checks it). test/browser/offline-queue.test.ts runs the same calls in Chromium.
import { useActionQueue, usePausedWorkflows } from '@resumable/react-hooks';
import { createActionQueue } from '@resumable/react-hooks/offline';
import { getTemporalSubscriptionToken } from './example';

// One queue per API, at module level: it does nothing until used (safe on the server).
const actions = createActionQueue({ apiBaseUrl: '/api', refreshToken: getTemporalSubscriptionToken });

export function Approvals() {
  const { pausedWorkflows } = usePausedWorkflows({ refreshToken: getTemporalSubscriptionToken });
  const { entries, resume, dismiss } = useActionQueue(actions);
  return (
    <>
      {pausedWorkflows.map((w) => (
        <button key={w.executionId} onClick={() => resume(w.executionId, { approved: true })}>
          Approve {w.executionId}
        </button>
      ))}
      <ul>
        {entries.map((entry) => (
          <li key={entry.key}>
            {entry.action} {entry.taskId}: {entry.state} {entry.error?.message}
            {entry.state === 'failed' && <button onClick={() => dismiss(entry.key)}>Dismiss</button>}
          </li>
        ))}
      </ul>
    </>
  );
}
