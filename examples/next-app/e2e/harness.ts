import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { connectTestClient, temporalTestServer, uniqueTaskQueue } from '@resumable/temporal-dev/vitest';
import type { Client } from '@temporalio/client';
import { CHROMIUM, CHROMIUM_ARGS } from '@resumable/kit/chromium';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { ensureAppBuilt, ROOT, startStack, type Stack } from '@resumable/kit/example-stack';

export { CHROMIUM } from '@resumable/kit/chromium';

export const SCREENSHOTS = join(ROOT, 'docs/screenshots');

export interface E2e {
  stack: Stack;
  browser: Browser;
  /** A Temporal client, to check what the page shows against the workflows' own logs. */
  client: Client;
  /** Everything the app and the worker printed, for failure reports. */
  logs: string[];
  /** Seconds `next build` took in this run (0 when the build was fresh). */
  buildSeconds: number;
  newPage(path: string): Promise<Page>;
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The web UI the app links to in the e2e run. The test server runs without one; the
 * links are checked for where they point, not followed.
 */
export const E2E_TEMPORAL_UI = 'http://127.0.0.1:8233';

/**
 * The whole stack for a run: builds the app if `.next` is missing or stale, starts
 * the example worker (with the run's workflow bundle) and `next start` on
 * 127.0.0.1, and opens headless Chromium.
 */
export async function startE2e(): Promise<E2e> {
  const logs: string[] = [];
  const buildMs = ensureAppBuilt((line) => logs.push(`[stack] ${line}`));
  if (buildMs) console.info(`[e2e] next build took ${(buildMs / 1000).toFixed(1)} s`);
  const { address, namespace } = temporalTestServer();
  const stack = await startStack({
    temporalAddress: address,
    namespace,
    taskQueue: uniqueTaskQueue('e2e'),
    workflowBundle: inject('workflowBundles').worker,
    log: (source, line) => logs.push(`[${source}] ${line}`),
    temporalUiUrl: E2E_TEMPORAL_UI,
  });
  let browser: Browser | undefined;
  let client: Client | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    client = await connectTestClient();
  } catch (error) {
    await browser?.close();
    await stack.stop();
    throw error;
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  const pages: Page[] = [];
  return {
    stack,
    browser,
    client,
    logs,
    buildSeconds: buildMs / 1000,
    async newPage(path) {
      const context = await (browser as Browser).newContext({
        viewport: { width: 1280, height: 860 },
        deviceScaleFactor: 1,
      });
      const page = await context.newPage();
      page.on('pageerror', (error) => logs.push(`[browser] page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') logs.push(`[browser] ${message.text()}`);
      });
      pages.push(page);
      await page.goto(`${stack.appUrl}${path}`);
      return page;
    },
    async screenshot(page, name) {
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
    },
    async close() {
      await browser?.close();
      await stack.stop();
      await client?.connection.close();
    },
  };
}
