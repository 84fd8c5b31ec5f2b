/**
 * Issue 12, item 7 (the offline action queue), in a real browser: headless Chromium
 * renders a paused dashboard (test/browser/offline-page.tsx) against a real recovery
 * server, a real worker and the shared Temporal dev server. The browser goes offline
 * (Chromium's own network emulation), the person approves, the browser comes back:
 * exactly one resume must reach the workflow. A second page closes with its approval
 * still queued; the next visit finds it in IndexedDB and sends it.
 */
import { CHROMIUM, CHROMIUM_ARGS } from '@resumable/kit/chromium';
import type { WorkflowHandle } from '@temporalio/client';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, until, uniqueId, type Backend, type RealServer } from '../real-server';
import { awaitApproval } from '../workflows';
import { servePage } from './page-server';

let backend: Backend;
let server: RealServer;
let pageServer: Awaited<ReturnType<typeof servePage>> | undefined;
let browser: Browser;
let token = '';
const logs: string[] = [];
const handles: WorkflowHandle[] = [];

beforeAll(async () => {
  pageServer = await servePage('./offline-page.tsx');
  backend = await startBackend();
  server = await backend.startServer({ cors: { origin: [pageServer.origin] } });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
  token = await server.token('*', { actions: ['read', 'resume'] });
}, 120_000);

afterAll(async () => {
  if (logs.length) console.info(logs.join('\n'));
  await Promise.all(handles.map((handle) => handle.terminate('test over').catch(() => undefined)));
  await browser?.close();
  await server?.close();
  await backend?.close();
  await pageServer?.close();
});

async function startApproval(): Promise<WorkflowHandle<typeof awaitApproval>> {
  const orderId = uniqueId('offline');
  const handle = await backend.client.workflow.start(awaitApproval, {
    taskQueue: backend.worker.taskQueue,
    workflowId: orderId,
    args: [{ orderId }],
  });
  handles.push(handle);
  return handle;
}

async function openDashboard(context: BrowserContext, name: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => logs.push(`[${name}] page error: ${error.message}`));
  const query = new URLSearchParams({ apiBaseUrl: server.apiBaseUrl, token });
  await page.goto(`${pageServer!.origin}/?${query}`, { timeout: 10_000 });
  return page;
}

/** The queue as the page shows it: `state task` per entry. */
const queueShown = (page: Page) =>
  page.$$eval('#queue li', (items) =>
    items.map((li) => `${li.getAttribute('data-state')} ${li.getAttribute('data-task')}`),
  );

/** Every `resumable.resume` signal in the workflow's history: what reached it. */
async function resumeSignals(handle: WorkflowHandle): Promise<number> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events.filter((event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'resumable.resume')
    .length;
}

const resumePosts = (taskId: string) =>
  server.requests.filter(
    (r) => r.method === 'POST' && r.path === `/api/workflow/executions/${encodeURIComponent(taskId)}/resume`,
  );

/** Entries of the queue's IndexedDB store, as the page sees them. */
const storedKeys = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('resumable-actions');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('actions').objectStore('actions').getAll();
          all.onsuccess = () => resolve((all.result as { key: string }[]).map((entry) => entry.key));
          all.onerror = () => reject(all.error);
        };
      }),
  );

describe('the offline action queue in Chromium (issue 12, item 7)', () => {
  it('an approval made offline is queued in IndexedDB, sent once back online, and reaches the workflow once', async () => {
    const handle = await startApproval();
    const context = await browser.newContext();
    const page = await openDashboard(context, 'offline');
    const button = `[data-approve="${handle.workflowId}"]`;
    await page.waitForSelector(button, { timeout: 15_000 });

    await context.setOffline(true);
    await page.click(button);
    await until(async () => (await page.textContent('#result')) === 'queued', 10_000, 'the click to answer "queued"');
    expect(await page.textContent('#storage')).toBe('indexeddb');
    expect(await queueShown(page)).toEqual([`queued ${handle.workflowId}`]);
    const [key] = await page.$$eval('#queue li', (items) => items.map((li) => li.getAttribute('data-key')));
    expect(await storedKeys(page)).toEqual([key]);
    // A few backoff retries while offline: none leaves the browser.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(resumePosts(handle.workflowId)).toEqual([]);
    expect(await resumeSignals(handle)).toBe(0);

    await context.setOffline(false);
    await expect(handle.result()).resolves.toBe('resumed');
    await until(async () => (await queueShown(page)).length === 0, 10_000, 'the queue to empty');
    expect(await storedKeys(page)).toEqual([]);
    // Give any stray replay time to arrive, then count what reached the workflow.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(resumePosts(handle.workflowId).map((r) => r.status)).toEqual([202]);
    expect(await resumeSignals(handle)).toBe(1);
    await context.close();
  }, 60_000);

  it('an approval still queued when the page closes is sent by the next visit', async () => {
    const handle = await startApproval();
    const context = await browser.newContext();
    const first = await openDashboard(context, 'first visit');
    const button = `[data-approve="${handle.workflowId}"]`;
    await first.waitForSelector(button, { timeout: 15_000 });
    await context.setOffline(true);
    await first.click(button);
    await until(async () => (await first.textContent('#result')) === 'queued', 10_000, 'the click to answer "queued"');
    await first.close();

    await context.setOffline(false);
    const second = await openDashboard(context, 'next visit');
    await expect(handle.result()).resolves.toBe('resumed');
    await until(async () => (await queueShown(second)).length === 0, 10_000, 'the queue to empty');
    expect(await storedKeys(second)).toEqual([]);
    expect(await resumeSignals(handle)).toBe(1);
    await context.close();
  }, 60_000);
});
