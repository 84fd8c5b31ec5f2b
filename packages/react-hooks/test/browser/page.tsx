/**
 * The page the browser test loads (bundled with esbuild from the package sources):
 * `useTemporalSubscription` for `?taskId=…&apiBaseUrl=…&token=…`, each applied update
 * as `<li data-seq data-json>`. Before React renders, a MutationObserver starts
 * recording every DOM state into `window.__frames`, so the test sees each state a
 * user could have seen, not only the last one.
 */
import { createRoot } from 'react-dom/client';
import { useTemporalSubscription } from '../../src/index';

/** One DOM state: the list as shown, with the connection status and error beside it. */
export interface Frame {
  at: number;
  items: { seq: number; json: string }[];
  status: string;
  error: string;
}

declare global {
  interface Window {
    __frames: Frame[];
  }
}

const params = new URLSearchParams(location.search);
const taskId = params.get('taskId') ?? '';
const apiBaseUrl = params.get('apiBaseUrl') ?? '';
const token = params.get('token') ?? '';

function TaskPage() {
  const state = useTemporalSubscription({
    taskId,
    apiBaseUrl,
    refreshToken: () => token,
    // Bounded retries, so a stream cut while the workflow task fails comes back soon.
    backoff: { initialDelayMs: 100, maxDelayMs: 1_000 },
  });
  return (
    <main>
      <output id="status">{state.status}</output>
      <output id="error">{state.error ? `${state.error.code}: ${state.error.message}` : ''}</output>
      <output id="workflow-status">{state.workflowStatus ?? ''}</output>
      <ol id="updates">
        {state.updates.map((update) => (
          <li key={update.sequence} data-seq={update.sequence} data-json={JSON.stringify(update)}>
            {update.sequence}: {JSON.stringify(update.data)}
          </li>
        ))}
      </ol>
    </main>
  );
}

const text = (id: string) => document.getElementById(id)?.textContent ?? '';
window.__frames = [];
const record = () =>
  window.__frames.push({
    at: Date.now(),
    items: [...document.querySelectorAll<HTMLElement>('#updates li')].map((li) => ({
      seq: Number(li.dataset.seq),
      json: li.dataset.json ?? '',
    })),
    status: text('status'),
    error: text('error'),
  });
new MutationObserver(record).observe(document.body, {
  subtree: true,
  childList: true,
  characterData: true,
  attributes: true,
});

const root = document.createElement('div');
document.body.append(root);
createRoot(root).render(<TaskPage />);
