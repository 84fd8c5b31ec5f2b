/**
 * The server-rendered test page: a task rendered from the snapshot the server read
 * (`getTaskSnapshot`), then hydrated in the browser by `client.tsx`, where the hook
 * resumes the stream after the snapshot. Each update is `<li data-seq>`.
 */
import type { WorkflowState } from '@resumable/protocol';
import { useTemporalSubscription } from '../../../src/index';

export interface SnapshotPageProps {
  taskId: string;
  apiBaseUrl: string;
  token: string;
  snapshot: WorkflowState;
}

export function SnapshotPage({ taskId, apiBaseUrl, token, snapshot }: SnapshotPageProps) {
  const state = useTemporalSubscription({
    taskId,
    apiBaseUrl,
    refreshToken: () => token,
    initialSnapshot: snapshot,
    backoff: { initialDelayMs: 100, maxDelayMs: 1_000 },
  });
  return (
    <main>
      <output id="status">{state.status}</output>
      <output id="workflow-status">{state.workflowStatus ?? ''}</output>
      <ol id="updates">
        {state.updates.map((update) => (
          <li key={update.sequence} data-seq={update.sequence}>
            {update.sequence}: {JSON.stringify(update.data)}
          </li>
        ))}
      </ol>
    </main>
  );
}
