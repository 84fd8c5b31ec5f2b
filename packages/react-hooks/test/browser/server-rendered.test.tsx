/**
 * Server-rendered first paint, in Chromium: the page's HTML already holds the task's
 * updates (read with `getTaskSnapshot` and rendered with `initialSnapshot`), hydration
 * matches it, the stream resumes with `Last-Event-ID` = the snapshot's sequence (nothing
 * downloaded twice), and later updates follow, each once, with no frame showing less
 * than the snapshot did.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkflowState } from '@resumable/protocol';
import { CHROMIUM, CHROMIUM_ARGS } from '@resumable/kit/chromium';
import { chromium, type Browser } from 'playwright-core';
import { renderToString } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, until, type Backend, type RealServer } from '../real-server';
import { bundleForBrowser } from './page-server';
import { SnapshotPage, type SnapshotPageProps } from './ssr/snapshot-page';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

/** JSON safe inside a `<script>`: no `</script>` or comment opener can close it early. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

describe('server-rendered first paint', () => {
  let backend: Backend;
  let api: RealServer;
  let pages: Server;
  let origin = '';
  let browser: Browser;
  const snapshots: WorkflowState[] = [];

  beforeAll(async () => {
    const script = await bundleForBrowser('./ssr/client.tsx');
    backend = await startBackend();
    // The app's page server: renders each task page from a snapshot read at request time.
    pages = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/client.js') {
        res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' }).end(script);
        return;
      }
      if (url.pathname !== '/task') return void res.writeHead(404).end();
      void (async () => {
        const taskId = url.searchParams.get('taskId') ?? '';
        const snapshot = await api.server.getTaskSnapshot(taskId);
        snapshots.push(snapshot);
        const props: SnapshotPageProps = {
          taskId,
          apiBaseUrl: api.apiBaseUrl,
          token: await api.token([taskId]),
          snapshot,
        };
        const html = renderToString(<SnapshotPage {...props} />);
        res
          .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
          .end(
            `<!doctype html><html><head><meta charset="utf-8"><title>task</title></head><body><div id="root">${html}</div>` +
              `<script id="props" type="application/json">${scriptJson(props)}</script>` +
              '<script type="module" src="/client.js"></script></body></html>',
          );
      })().catch((error: unknown) => res.writeHead(500).end(String(error)));
    });
    pages.listen(0, '127.0.0.1');
    await once(pages, 'listening');
    origin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
    api = await backend.startServer({ cors: { origin: [origin] } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
    pages?.closeAllConnections();
    await new Promise((resolve) => (pages ? pages.close(resolve) : resolve(undefined)));
    await api?.close();
    await backend?.close();
  });

  it('paints the snapshot from the HTML, resumes the stream after it, then shows each later update once', async () => {
    const task = await backend.startTicking('ssr');
    await task.emit(5);
    await until(async () => (await task.logLength()) === 5, 10_000, 'five updates in the log');

    // The HTML itself holds the state: a page that never ran a script shows all five.
    const html = await (await fetch(`${origin}/task?taskId=${task.taskId}`)).text();
    expect(snapshots.at(-1)).toMatchObject({ taskId: task.taskId, lastSequence: 5 });
    for (const update of snapshots.at(-1)!.updates) {
      expect(html).toContain(`data-seq="${update.sequence}"`);
      expect(html).toContain(JSON.stringify(update.data).replace(/"/g, '&quot;'));
    }

    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${origin}/task?taskId=${task.taskId}`);
    await until(() => api.openStreams(task.taskId) === 1, 10_000, 'the stream');
    // (A cross-origin page: the GET follows its CORS preflight.)
    const streams = api.streamRequests(task.taskId).filter((request) => request.method === 'GET');
    expect(streams).toHaveLength(1);
    const [stream] = streams;
    expect(stream?.lastEventId, 'the stream resumes after the snapshot').toBe(String(snapshots.at(-1)!.lastSequence));
    expect(api.requests.filter((request) => request.path.includes('/temporal/recovery/'))).toEqual([]);

    await task.emit(3);
    const shown = () =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('#updates li')].map((li) => Number(li.dataset.seq)),
      );
    await until(async () => (await shown()).length === 8, 10_000, 'updates 6–8');
    expect(await shown()).toEqual(range(1, 8));
    const history = await page.evaluate(() => ({ lists: window.__lists, errors: window.__hydrationErrors }));
    // No flash: from the first paint on, every list the page showed started at 1..5 and only grew.
    expect(history.lists[0]).toEqual(range(1, 5));
    for (const list of history.lists) expect(list.slice(0, 5)).toEqual(range(1, 5));
    expect(history.errors).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
