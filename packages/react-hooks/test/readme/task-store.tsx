// The README's "Feeding a task store", verbatim (test/docs.test.ts holds it to the
// README); test/readme-examples.test.tsx renders it against the real recovery server.
import { createTaskStore, useTask, useTemporalSubscription } from '@resumable/react-hooks';
import { getTemporalSubscriptionToken } from './example';

type Status = 'IN_PROGRESS' | 'DONE' | 'MERGED';
type Updates = { message: { text: string }; status: { status: Status } };

export const tasks = createTaskStore<{ status: Status }>();

function useTaskStatus(taskId: string) {
  useTemporalSubscription<Updates, Status>({
    taskId,
    refreshToken: getTemporalSubscriptionToken,
    onUpdate: (u) => u.type === 'status' && tasks.updateTaskWithSequence(taskId, u.data, u.sequence, u.timestamp),
  });
  return useTask(tasks, taskId)?.status;
}

// What the test renders: the hook above in a component.
export function TaskStatusBadge({ taskId }: { taskId: string }) {
  return <output>{useTaskStatus(taskId) ?? 'unknown'}</output>;
}
