/**
 * The soak's browser page (bundled with esbuild, served on loopback). `?mode=native`
 * follows the task with the browser's own EventSource; `?mode=hook` renders our
 * `useTemporalSubscription`. Either way the page only records what it saw into
 * `window.__soak`; the soak drains it and checks it like any other client's.
 */
import { useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { useTemporalSubscription } from '@resumable/react-hooks';

/** What a tab saw: named events (native) or the hook's whole list at each change (hook). */
export type Seen =
  | { kind: 'event'; name: string; data: string; id: string; at: number }
  | { kind: 'list'; updates: string[]; ended: boolean; at: number };

declare global {
  interface Window {
    __soak: Seen[];
  }
}

const params = new URLSearchParams(location.search);
const taskId = params.get('taskId') ?? '';
const apiBaseUrl = params.get('apiBaseUrl') ?? '';
const token = params.get('token') ?? '';
window.__soak = [];

/** Names a forged event would carry, listened for so it would be seen. */
const NAMES = ['connected', 'update', 'end', 'message', 'x', 'admin'];

function followNatively(): void {
  let last = '';
  const open = () => {
    const resume = last ? `&lastEventId=${last}` : '';
    const source = new EventSource(
      `${apiBaseUrl}/temporal/stream/${encodeURIComponent(taskId)}?token=${encodeURIComponent(token)}${resume}`,
    );
    for (const name of NAMES) {
      source.addEventListener(name, (event) => {
        const message = event as MessageEvent<string>;
        if (name === 'update') last = message.lastEventId;
        window.__soak.push({ kind: 'event', name, data: message.data, id: message.lastEventId, at: Date.now() });
        if (name === 'end') source.close();
      });
    }
    // The browser reconnects by itself after a drop; a refusal (503) closes it for good.
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) setTimeout(open, 500 + Math.random() * 1000);
    });
  };
  open();
}

function HookPage() {
  const state = useTemporalSubscription({ taskId, apiBaseUrl, refreshToken: () => token });
  const ended = state.status === 'ended' && !state.isRecovering;
  useEffect(() => {
    window.__soak.push({
      kind: 'list',
      updates: state.updates.map((update) => JSON.stringify(update)),
      ended,
      at: Date.now(),
    });
  }, [state.updates, ended]);
  return <output>{state.updates.length}</output>;
}

if (params.get('mode') === 'native') followNatively();
else {
  const root = document.createElement('div');
  document.body.append(root);
  createRoot(root).render(<HookPage />);
}
