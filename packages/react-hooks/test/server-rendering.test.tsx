import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { usePausedWorkflows, useTemporalSubscription } from '../src/index';
import { setupRealStack } from './real-server';
import { sleep } from './render-helpers';

const stack = setupRealStack();

function Page({ apiBaseUrl, taskId }: { apiBaseUrl: string; taskId: string }) {
  const refreshToken = () => stack.server.token('*');
  const task = useTemporalSubscription({ apiBaseUrl, taskId, refreshToken });
  const paused = usePausedWorkflows({ apiBaseUrl, refreshToken });
  return (
    <p>
      {task.status}:{task.updates.length}:{String(task.isConnected)}/{paused.pausedWorkflows.length}:
      {String(paused.isConnected)}
    </p>
  );
}

describe('server rendering (against the real recovery server)', () => {
  it('renders the initial state without a window and opens nothing', async () => {
    const task = await stack.backend.startTicking('ssr');
    await task.emit(3);
    expect(typeof window).toBe('undefined');
    const html = renderToString(<Page apiBaseUrl={stack.server.apiBaseUrl} taskId={task.taskId} />);
    expect(html).toBe('<p>idle<!-- -->:<!-- -->0<!-- -->:<!-- -->false<!-- -->/<!-- -->0<!-- -->:<!-- -->false</p>');
    await sleep(100);
    expect(stack.server.requests).toHaveLength(0);
    expect(stack.server.server.publisher.stats().connections).toBe(0);
  });
});
