// @vitest-environment jsdom
/**
 * The README's examples as written (test/readme/*.tsx, held to the README by the docs
 * check), rendered against the real stack: a Temporal dev server, a worker running
 * test/workflows.ts and `@resumable/recovery-server`. The components fetch relative
 * URLs (`/api/token`, `apiBaseUrl: '/api'`) as a page does; here the page's origin is
 * an app server that answers the token route below and hands every other request to
 * the recovery server, and `fetch` resolves relative URLs against that origin, as a
 * browser would.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RecoveryServer } from '@resumable/recovery-server';
import { toNodeHandler } from '@resumable/recovery-server/node';
import * as hooks from '@resumable/react-hooks';
import type { UpdateMap, UseTemporalSubscriptionOptions, UseTemporalSubscriptionResult } from '@resumable/react-hooks';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { Approvals, TaskProgress } from './readme/example';
import { tasks, TaskStatusBadge } from './readme/task-store';
import { TaskProgress as TypedTaskProgress } from './readme/typed';
import { setupRealStack, uniqueId } from './real-server';
import { awaitApproval, reportProgress } from './workflows';

const stack = setupRealStack();
afterEach(cleanup);

// The app's token route: POST /api/token, after the app's own sign-in check.
async function tokenRoute(server: RecoveryServer, userId: string) {
  const ttlSeconds = 300;
  // `tasks: '*'` with `read`: any task's stream and the whole paused list; `resume` and `cancel` for the inbox.
  const token = await server.mintToken({
    subject: userId,
    tasks: '*',
    actions: ['read', 'resume', 'cancel'],
    ttlSeconds,
  });
  // mintToken resolves to the token string; `expiresAt` is in milliseconds since the epoch.
  return { token, expiresAt: Date.now() + ttlSeconds * 1000 };
}

/** What the app server was asked, in order. */
const seen: { method: string; path: string; authorization: string | undefined }[] = [];
const minted: string[] = [];
let app: Server;

beforeAll(async () => {
  const recovery = toNodeHandler(stack.server.server);
  app = createServer((req, res) => {
    seen.push({ method: req.method ?? 'GET', path: req.url ?? '/', authorization: req.headers.authorization });
    if (req.method !== 'POST' || req.url !== '/api/token') return recovery(req, res);
    void tokenRoute(stack.server.server, 'reader').then((body) => {
      minted.push(body.token);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify(body));
    });
  });
  app.listen(0, '127.0.0.1');
  await once(app, 'listening');
  const origin = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  const fetchFromNode = globalThis.fetch;
  vi.stubGlobal('fetch', (input: string | URL | Request, init?: RequestInit) =>
    fetchFromNode(typeof input === 'string' ? new URL(input, origin) : input, init),
  );
});

afterAll(async () => {
  vi.unstubAllGlobals();
  app?.closeAllConnections();
  await new Promise((resolve) => app?.close(resolve));
});

const startProgress = () =>
  stack.backend.client.workflow.start(reportProgress, {
    taskQueue: stack.backend.worker.taskQueue,
    workflowId: uniqueId('readme-progress'),
  });
const startApproval = () => {
  const workflowId = uniqueId('readme-approval');
  return stack.backend.client.workflow.start(awaitApproval, {
    taskQueue: stack.backend.worker.taskQueue,
    workflowId,
    args: [{ orderId: workflowId }],
  });
};
const listItems = (list: HTMLElement) => [...list.querySelectorAll('li')].map((item) => item.textContent);

describe('the README example', () => {
  it('TaskProgress shows the updates as the workflow emits them, with a token from the app route, until the end', async () => {
    const task = await stack.backend.startTicking('readme');
    const { container } = render(<TaskProgress taskId={task.taskId} />);
    const line = () => container.querySelector('p')?.textContent;
    await waitFor(() => expect(line()).toBe('open'), { timeout: 10_000 });
    await task.emit(2);
    const list = container.querySelector('ol') as HTMLElement;
    await waitFor(() => expect(listItems(list)).toEqual(['{"n":1}', '{"n":2}']), { timeout: 10_000 });
    fireEvent.click(screen.getByText('Refresh'));
    await task.emit(1);
    await waitFor(() => expect(listItems(list)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']), { timeout: 10_000 });
    await task.finish();
    await waitFor(() => expect(line()).toBe('ended'), { timeout: 10_000 });
    expect(screen.queryByRole('alert')).toBeNull();
    const path = `/api/temporal/stream/${task.taskId}`;
    const streams = seen.filter((request) => request.path === path);
    expect(streams).toHaveLength(1);
    expect(minted.map((token) => `Bearer ${token}`)).toContain(streams[0]?.authorization);
    expect(seen.some((request) => request.path.startsWith(`/api/temporal/recovery/${task.taskId}?`))).toBe(true);
  });

  it('Approvals lists each pause by execution id and workflow type; Approve resumes it, Reject cancels it', async () => {
    const { container } = render(<Approvals />);
    const [approving, rejecting] = [await startApproval(), await startApproval()];
    const shown = () =>
      [...container.querySelectorAll('li')].map((item) =>
        [...item.childNodes]
          .filter((node) => node.nodeType === node.TEXT_NODE)
          .map((node) => node.textContent)
          .join(''),
      );
    await waitFor(
      () =>
        expect(shown().sort()).toEqual(
          [approving, rejecting].map((handle) => `${handle.workflowId} (awaitApproval) waits at wait-approval`).sort(),
        ),
      { timeout: 10_000 },
    );
    const item = (id: string) => [...container.querySelectorAll('li')].find((li) => li.textContent?.startsWith(id));
    fireEvent.click(within(item(approving.workflowId) as HTMLElement).getByText('Approve'));
    await expect(approving.result()).resolves.toBe('resumed');
    fireEvent.click(within(item(rejecting.workflowId) as HTMLElement).getByText('Reject'));
    await expect(rejecting.result()).resolves.toBe('cancelled');
    await waitFor(() => expect(shown()).toEqual([]), { timeout: 10_000 });
  });
});

describe('the README typed example', () => {
  it('narrows each update by its type and shows the workflow status', async () => {
    const handle = await startProgress();
    const { container } = render(<TypedTaskProgress taskId={handle.workflowId} />);
    const list = container.querySelector('ol') as HTMLElement;
    await waitFor(() => expect(listItems(list)).toEqual(['Started (0%)', 'Halfway (50%)', 'now DONE']), {
      timeout: 10_000,
    });
    await waitFor(() => expect(list.getAttribute('data-status')).toBe('DONE'), { timeout: 10_000 });
  });

  it('states the hook signature as it is', () => {
    expectTypeOf<typeof useTemporalSubscription>().toEqualTypeOf<typeof hooks.useTemporalSubscription>();
  });
});

// The signature the README shows; the test above checks it is the hook's own.
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- read as a type, by `typeof`
declare function useTemporalSubscription<TMap extends UpdateMap = UpdateMap, TStatus extends string = string>(
  options: UseTemporalSubscriptionOptions<TMap>,
): UseTemporalSubscriptionResult<TMap, TStatus>;

describe('the README task store example', () => {
  it('feeds the store from onUpdate and renders the status it holds', async () => {
    const handle = await startProgress();
    render(<TaskStatusBadge taskId={handle.workflowId} />);
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('DONE'), { timeout: 10_000 });
    expect(tasks.getTask(handle.workflowId)).toMatchObject({
      taskId: handle.workflowId,
      status: 'DONE',
      lastSequence: 3,
    });
  });
});
