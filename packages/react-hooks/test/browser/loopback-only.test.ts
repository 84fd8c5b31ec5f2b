/**
 * Issue 15: `navigator.onLine` may delay a try, never forbid it. Headless Chromium
 * runs in a network namespace with nothing but loopback, where it reports itself
 * offline (`navigator.onLine === false`) like a browser on a VPN, a captive portal or
 * a loopback-only dev box; the page still reaches the recovery server on 127.0.0.1
 * (relayed into the namespace, see @resumable/kit/loopback-only). The hook must
 * connect, show a live workflow's updates as they come, and end with the whole log.
 */
import { CHROMIUM, CHROMIUM_ARGS } from '@resumable/kit/chromium';
import { startLoopbackOnly, type LoopbackOnly } from '@resumable/kit/loopback-only';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, until, type Backend, type RealServer } from '../real-server';
import { servePage } from './page-server';

let backend: Backend;
let server: RealServer;
let pageServer: Awaited<ReturnType<typeof servePage>> | undefined;
let pageOrigin = '';
let loopback: LoopbackOnly;
let browser: Browser;
const logs: string[] = [];

/** The page's newest DOM state. */
const shown = (page: Page) => page.evaluate(() => window.__frames.at(-1) ?? null);

beforeAll(async () => {
  pageServer = await servePage();
  pageOrigin = pageServer.origin;

  backend = await startBackend();
  server = await backend.startServer({ cors: { origin: [pageOrigin] } });
  const apiPort = Number(new URL(server.apiBaseUrl).port);
  loopback = await startLoopbackOnly([pageServer.port, apiPort], CHROMIUM);
  browser = await chromium.launch({ executablePath: loopback.chromiumPath, args: CHROMIUM_ARGS, timeout: 30_000 });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await loopback?.close();
  await server?.close();
  await backend?.close();
  await pageServer?.close();
});

describe('a browser that says it is offline, with the server on loopback', () => {
  it('connects anyway, shows live updates as they come, and ends with the whole log', async () => {
    const task = await backend.startTicking('loopback-only');
    await task.emit(2);
    const token = await server.token([task.taskId]);
    const page = await browser.newPage();
    page.on('pageerror', (error) => logs.push(`page error: ${error.message}`));
    const query = new URLSearchParams({ taskId: task.taskId, apiBaseUrl: server.apiBaseUrl, token });
    await page.goto(`${pageOrigin}/?${query}`, { timeout: 10_000 });

    // The condition under test: the browser believes it has no network.
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);

    await until(async () => (await shown(page))?.items.length === 2, 10_000, 'the first two updates');
    await task.emit(3);
    await until(async () => (await shown(page))?.items.length === 5, 10_000, 'three live updates');
    await task.finish();
    await until(async () => (await shown(page))?.status === 'ended', 10_000, 'the end of the stream');
    const last = await shown(page);
    expect(last?.items.map((item) => item.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(logs).toEqual([]);
    // One stream was enough: the hook never waited for an `online` event.
    expect(server.streamRequests(task.taskId).filter((request) => request.method === 'GET')).toHaveLength(1);
  }, 60_000);
});
