import { renderToString } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePausedWorkflows, useTemporalSubscription } from '../src/index';
import { startContractServer, type ContractServer } from './contract-server';
import { sleep } from './render-helpers';

let server: ContractServer;
beforeAll(async () => {
  server = await startContractServer();
  server.emit('task', 3);
});
afterAll(() => server.close());

function Page({ apiBaseUrl }: { apiBaseUrl: string }) {
  const task = useTemporalSubscription({ apiBaseUrl, taskId: 'task', refreshToken: () => 'token' });
  const paused = usePausedWorkflows({ apiBaseUrl, refreshToken: () => 'token' });
  return (
    <p>
      {task.status}:{task.updates.length}:{String(task.isConnected)}/{paused.pausedWorkflows.length}:{String(paused.isConnected)}
    </p>
  );
}

describe('server rendering', () => {
  it('renders the initial state without a window and opens nothing', async () => {
    expect(typeof window).toBe('undefined');
    const html = renderToString(<Page apiBaseUrl={server.apiBaseUrl} />);
    expect(html).toBe('<p>idle<!-- -->:<!-- -->0<!-- -->:<!-- -->false<!-- -->/<!-- -->0<!-- -->:<!-- -->false</p>');
    await sleep(50);
    expect(server.requests).toHaveLength(0);
  });
});
