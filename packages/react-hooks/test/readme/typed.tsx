// The README's typed example, verbatim (test/docs.test.ts holds it to the README);
// test/readme-examples.test.tsx renders it against the real recovery server.
import { useTemporalSubscription, type UpdateOf } from '@resumable/react-hooks';
import { getTemporalSubscriptionToken } from './example';

// shared.ts, imported by the workflow and the app (types only).
export type TaskStatus = 'IN_PROGRESS' | 'DONE';
export type TaskUpdates = { message: { text: string; percent: number }; status: { status: TaskStatus } };

// The workflow: const log = createUpdateLog<TaskStatus, TaskUpdates>({ status: 'IN_PROGRESS' });

// One update of the map: narrowing on `type` narrows `data`.
function UpdateLine({ update }: { update: UpdateOf<TaskUpdates> }) {
  return update.type === 'message' ? `${update.data.text} (${update.data.percent}%)` : `now ${update.data.status}`;
}

export function TaskProgress({ taskId }: { taskId: string }) {
  const { updates, workflowStatus } = useTemporalSubscription<TaskUpdates, TaskStatus>({
    taskId,
    refreshToken: getTemporalSubscriptionToken,
  });
  return (
    <ol data-status={workflowStatus}>
      {updates.map((u) => (
        <li key={u.sequence}>
          <UpdateLine update={u} />
        </li>
      ))}
    </ol>
  );
}
