/**
 * The page of the offline-queue test (bundled with esbuild from the package sources):
 * `usePausedWorkflows` lists the pauses, each with an Approve button that resumes
 * through `useActionQueue`; the queue is shown as `<li data-key data-state>`, and the
 * answer of the last click in `#result`.
 */
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { useActionQueue, usePausedWorkflows } from '../../src/index';
import { createActionQueue } from '../../src/offline/index';

const params = new URLSearchParams(location.search);
const apiBaseUrl = params.get('apiBaseUrl') ?? '';
const token = params.get('token') ?? '';
const refreshToken = () => token;

const actions = createActionQueue({ apiBaseUrl, refreshToken, retry: { initialDelayMs: 200, maxDelayMs: 1_000 } });

function Dashboard() {
  const { pausedWorkflows } = usePausedWorkflows({ apiBaseUrl, refreshToken });
  const { entries, storage, resume } = useActionQueue(actions);
  const [result, setResult] = useState('');
  return (
    <main>
      <output id="storage">{storage}</output>
      <output id="result">{result}</output>
      <ul id="paused">
        {pausedWorkflows.map((pause) => (
          <li key={pause.executionId}>
            <button
              data-approve={pause.executionId}
              onClick={() =>
                resume(pause.executionId, { approved: true }).then(
                  (answer) => setResult(answer.state),
                  (error: Error) => setResult(`error: ${error.message}`),
                )
              }
            >
              Approve {pause.executionId}
            </button>
          </li>
        ))}
      </ul>
      <ol id="queue">
        {entries.map((entry) => (
          <li key={entry.key} data-key={entry.key} data-state={entry.state} data-task={entry.taskId}>
            {entry.action} {entry.taskId}: {entry.state}
          </li>
        ))}
      </ol>
    </main>
  );
}

const root = document.createElement('div');
document.body.append(root);
createRoot(root).render(<Dashboard />);
