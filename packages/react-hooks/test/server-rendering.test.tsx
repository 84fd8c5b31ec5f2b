import { renderToString } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePausedWorkflows, useTemporalSubscription } from '../src/index';
import { startBackend, type Backend, type RealServer } from './real-server';
import { sleep } from './render-helpers';

let backend: Backend;
let server: RealServer;
beforeAll(async () => {
  backend = await startBackend();
  server = await backend.startServer();
});
afterAll(async () => {
  await server?.close();
  await backend?.close();
});

function Page({ apiBaseUrl, taskId }: { apiBaseUrl: string; taskId: string }) {
  const refreshToken = () => server.token('*');
  const task = useTemporalSubscription({ apiBaseUrl, taskId, refreshToken });
  const paused = usePausedWorkflows({ apiBaseUrl, refreshToken });
  return (
    <p>
      {task.status}:{task.updates.length}:{String(task.isConnected)}/{paused.pausedWorkflows.length}:{String(paused.isConnected)}
    </p>
  );
}

describe('server rendering (against the real recovery server)', () => {
  it('renders the initial state without a window and opens nothing', async () => {
    const task = await backend.startTicking('ssr');
    await task.emit(3);
    expect(typeof window).toBe('undefined');
    const html = renderToString(<Page apiBaseUrl={server.apiBaseUrl} taskId={task.taskId} />);
    expect(html).toBe('<p>idle<!-- -->:<!-- -->0<!-- -->:<!-- -->false<!-- -->/<!-- -->0<!-- -->:<!-- -->false</p>');
    await sleep(100);
    expect(server.requests).toHaveLength(0);
    expect(server.server.publisher.stats().connections).toBe(0);
  });
});
