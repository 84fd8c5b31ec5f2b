/**
 * Chromium tabs as soak clients: the page (page.tsx) is bundled from the package
 * sources and served on loopback; each tab follows one task through the proxy, with
 * the native EventSource or with our hook. The soak drains what each tab recorded
 * twice a second and checks it with the same ledger as every other client. For the
 * hook, every list it rendered must be the durable log's prefix, content included.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { SoakClient } from '../clients';
import { Ledger } from '../ledger';
import type { Seen } from './page';
import { CHROMIUM, CHROMIUM_ARGS } from '@resumable/kit/chromium';

export type TabMode = 'native' | 'hook';

export interface Tabs {
  open(options: { mode: TabMode; task: string; total: number; token: string; apiBaseUrl: string }): Promise<SoakClient>;
  close(): Promise<void>;
}

export async function startTabs(): Promise<Tabs> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH), or run the soak with --tabs 0`,
    );
  }
  const bundle = await build({
    entryPoints: [new URL('./page.tsx', import.meta.url).pathname],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    conditions: ['@resumable/source'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  const pageServer: Server = createServer((req, res) => {
    if (req.url?.startsWith('/page.js')) {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      return;
    }
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>');
  });
  await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const tabs: Tab[] = [];
  return {
    async open(options) {
      const page = await (await browser.newContext()).newPage();
      const query = new URLSearchParams({
        mode: options.mode,
        taskId: options.task,
        apiBaseUrl: options.apiBaseUrl,
        token: options.token,
      });
      await page.goto(`${origin}/?${query}`, { timeout: 30_000 });
      const tab = new Tab(options.mode, page, new Ledger(options.task, options.total));
      tabs.push(tab);
      return tab;
    },
    async close() {
      for (const tab of tabs) tab.stop();
      await browser.close();
      await new Promise((resolve) => pageServer.close(resolve));
    },
  };
}

class Tab implements SoakClient {
  readonly kind;
  readonly connects = 1;
  #timer: ReturnType<typeof setInterval>;
  #shown: string[] = [];
  #draining = false;

  constructor(
    mode: TabMode,
    readonly page: Page,
    readonly ledger: Ledger,
  ) {
    this.kind = `chromium-${mode}` as const;
    this.#timer = setInterval(() => void this.#drain(), 500);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async #drain(): Promise<void> {
    if (this.#draining || this.ledger.ended) return;
    this.#draining = true;
    try {
      const seen = await this.page.evaluate(() => window.__soak.splice(0));
      for (const item of seen) this.#take(item);
    } catch {
      // The page is closing at the end of the run.
    } finally {
      this.#draining = false;
    }
  }

  #take(item: Seen): void {
    const { ledger } = this;
    if (item.kind === 'event') return ledger.event(item.name, item.data, item.id || undefined, item.at);
    // A rendered list must extend what was shown before, never change it.
    const kept = item.updates.slice(0, this.#shown.length);
    if (kept.length < this.#shown.length || kept.some((json, index) => json !== this.#shown[index])) {
      ledger.flag(
        'wrong',
        `the hook's list changed what it showed before (${this.#shown.length} → ${item.updates.length} items)`,
      );
    }
    for (const json of item.updates.slice(this.#shown.length)) {
      ledger.event('update', json, String((JSON.parse(json) as { sequence: number }).sequence), item.at);
    }
    this.#shown = item.updates;
    if (item.ended) ledger.event('end', '', undefined, item.at);
  }
}
