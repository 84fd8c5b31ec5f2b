/**
 * The published packages as a user gets them: each one packed (`pnpm pack`, so the
 * tarball holds what `files` and `exports` say and `workspace:` ranges are rewritten),
 * installed with npm into a new Next.js app outside the workspace (the README's files),
 * built with `next build`, served with `next start`, and one live task followed in
 * headless Chromium while a real worker posts its updates to the app's bus route.
 *
 * This is what the symlinked fresh-app test cannot see: a file missing from a tarball,
 * a dependency that only resolves inside the monorepo, a peer dependency the app must
 * add, or Next bundling a package differently from node_modules than from a link.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { UpdatesPage, WorkflowState } from '@resumable/protocol';
import { CHROMIUM, CHROMIUM_ARGS } from '@resumable/kit/chromium';
import { createHttpBusSender } from '../packages/sse-publisher/src/index';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHarness, type Harness } from '../packages/recovery-server/test/harness';
import { emitMore, finish, steppedTask } from '../packages/recovery-server/test/workflows';
// The types of what the global setup provides (`temporalAddress`, …).
import type {} from '../tooling/temporal-dev/src/vitest';
import { appFiles, BUILD_MS, children, cleanEnv, FIXTURE, freePort, nextBuild, ROOT, start, stop } from './fresh-app';

const INSTALL_MS = 300_000;
const USER_ID = 'packed-app-user';

/** Every package we publish (not private), by folder: what a user can install. */
function publishedPackages(): { folder: string; name: string }[] {
  return readdirSync(join(ROOT, 'packages'))
    .filter((folder) => existsSync(join(ROOT, 'packages', folder, 'package.json')))
    .map((folder) => ({
      folder,
      manifest: JSON.parse(readFileSync(join(ROOT, 'packages', folder, 'package.json'), 'utf8')) as {
        name: string;
        private?: boolean;
      },
    }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ folder, manifest }) => ({ folder, name: manifest.name }));
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: INSTALL_MS - 20_000 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} (in ${cwd}) exited ${result.status}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** `pnpm pack` of one package into `into`; returns the tarball's path. */
function pack(folder: string, into: string): string {
  const before = new Set(readdirSync(into));
  run('pnpm', ['pack', '--pack-destination', into], join(ROOT, 'packages', folder));
  const made = readdirSync(into).filter((file) => !before.has(file) && file.endsWith('.tgz'));
  if (made.length !== 1) throw new Error(`pnpm pack in packages/${folder} made ${made.join(', ') || 'nothing'}`);
  return join(into, made[0]!);
}

describe('the packed packages, npm-installed into a new Next.js app', () => {
  let work = '';
  let app = '';
  let browser: Browser | undefined;
  let harness: Harness | undefined;
  let sender: ReturnType<typeof createHttpBusSender> | undefined;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    for (const { folder } of publishedPackages()) {
      if (!existsSync(join(ROOT, 'packages', folder, 'dist'))) {
        throw new Error(`packages/${folder}/dist is missing: run \`pnpm build\` first`);
      }
    }
    work = realpathSync(mkdtempSync(join(tmpdir(), 'resumable-packed-')));
    app = join(work, 'app');
    expect(relative(ROOT, app).startsWith('..')).toBe(true);
    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    let started = Date.now();
    const packed = Object.fromEntries(
      publishedPackages().map(({ folder, name }) => [name, `file:${pack(folder, tarballs)}`]),
    );
    timings.pack = Date.now() - started;

    cpSync(FIXTURE, app, { recursive: true });
    // The app depends on what the README's files import; every other package of ours comes in
    // as their dependency, from its tarball too (overrides), never from the registry.
    const files = appFiles(
      {
        '@resumable/react-hooks': packed['@resumable/react-hooks']!,
        '@resumable/recovery-server': packed['@resumable/recovery-server']!,
        '@temporalio/client': '1.24.0',
      },
      { overrides: packed },
    );
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(app, path)), { recursive: true });
      writeFileSync(join(app, path), `${text}\n`);
    }
    // create-next-app's config, untouched: the packages are in the app's own node_modules.
    writeFileSync(
      join(app, 'next.config.ts'),
      "import type { NextConfig } from 'next';\n\nconst nextConfig: NextConfig = {};\n\nexport default nextConfig;\n",
    );
    // The README's token route lets nobody in until the app plugs in its sign-in: here, everyone is one user.
    const tokenRoute = join(app, 'app', 'api', 'resumable-token', 'route.ts');
    const placeholder = readFileSync(tokenRoute, 'utf8');
    const signedIn = placeholder.replace(
      /async function getUser\(_request: Request\): Promise<\{ id: string \} \| null> \{\n {2}return null;\n\}/,
      `async function getUser(_request: Request): Promise<{ id: string } | null> {\n  return { id: '${USER_ID}' };\n}`,
    );
    expect(signedIn, 'the README token route still has its getUser placeholder').not.toBe(placeholder);
    writeFileSync(tokenRoute, signedIn);

    started = Date.now();
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app, cleanEnv({}));
    timings.install = Date.now() - started;
    for (const name of Object.keys(packed)) {
      // Installed from the tarball (a copy), not linked back into the workspace.
      const installed = join(app, 'node_modules', name);
      if (existsSync(installed)) expect(realpathSync(installed).startsWith(app), name).toBe(true);
    }
  }, INSTALL_MS + 60_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    await sender?.close();
    for (const child of children) stop(child);
    if (work) rmSync(work, { recursive: true, force: true });
    process.stderr.write(`[packed-app] ${JSON.stringify(timings)} ms\n`);
  });

  it(
    'builds, serves, and shows a live task in Chromium: every update once, in order, then the end',
    async () => {
      let started = Date.now();
      const build = await nextBuild(app, cleanEnv({}));
      timings.build = Date.now() - started;
      expect(build.code, build.output).toBe(0);

      const secret = randomBytes(24).toString('base64');
      const busSecret = randomBytes(24).toString('base64');
      const port = await freePort();
      const server = start(
        app,
        ['start', '--port', String(port), '--hostname', '127.0.0.1'],
        cleanEnv({
          RESUMABLE_SECRET: secret,
          RESUMABLE_BUS_SECRET: busSecret,
          TEMPORAL_ADDRESS: inject('temporalAddress'),
          TEMPORAL_NAMESPACE: inject('temporalNamespace'),
        }),
      );
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 60_000;
      while (
        !(await fetch(`${base}/`).then(
          (response) => response.ok,
          () => false,
        ))
      ) {
        if (server.child.exitCode !== null || Date.now() > deadline) throw new Error(`next start: ${server.output()}`);
        await new Promise((wait) => setTimeout(wait, 250));
      }

      // A real worker whose sinks POST every update to the app's bus route.
      let busErrors = 0;
      sender = createHttpBusSender({
        url: `${base}/api/resumable/bus`,
        secret: busSecret,
        onError: () => void busErrors++,
      });
      harness = await startHarness({ workerBus: sender });
      const taskId = `packed-${randomBytes(4).toString('hex')}`;
      const handle = await harness.client.workflow.start(steppedTask, {
        taskQueue: harness.taskQueue,
        workflowId: taskId,
      });

      const steps = 3;
      const perStep = 4;
      // The README's task page renders on the server with getTaskSnapshot: the HTML holds the first step.
      await handle.signal(emitMore, perStep);
      await expect
        .poll(async () => (await handle.query<WorkflowState>('getWorkflowState')).lastSequence, { timeout: 20_000 })
        .toBe(perStep);
      const html = await (await fetch(`${base}/tasks/${taskId}`)).text();
      for (let n = 1; n <= perStep; n++) expect(html, `update ${n} in the HTML`).toContain(`{&quot;n&quot;:${n}}`);

      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      const streams: (string | null)[] = [];
      page.on('request', (request) => {
        if (request.url().includes('/api/temporal/stream/')) streams.push(request.headers()['last-event-id'] ?? null);
      });
      started = Date.now();
      await page.goto(`${base}/tasks/${taskId}`);
      const items = page.locator('section ol li');
      expect(await items.count(), 'painted from the snapshot').toBe(perStep);
      // The stream resumes after the snapshot: nothing downloaded twice.
      await expect.poll(() => streams, { timeout: 20_000 }).toEqual([String(perStep)]);

      // Live: each later step's updates appear while the workflow is still running.
      for (let step = 2; step <= steps; step++) {
        await handle.signal(emitMore, perStep);
        await expect.poll(() => items.count(), { timeout: 20_000 }).toBe(step * perStep);
      }
      timings.live = Date.now() - started;
      await handle.signal(finish);
      const last = steps * perStep + 1;
      await expect(handle.result()).resolves.toBe(last);
      await expect.poll(() => items.count(), { timeout: 20_000 }).toBe(last);

      // Exactly the durable log, read from the app's own recovery route (compressed once, by Next).
      const token = (await (
        await fetch(`${base}/api/resumable-token`, { method: 'POST', body: JSON.stringify({ taskId }) })
      ).json()) as { token: string };
      const log = (await (
        await fetch(`${base}/api/temporal/recovery/${taskId}`, { headers: { Authorization: `Bearer ${token.token}` } })
      ).json()) as UpdatesPage;
      expect(log).toMatchObject({ taskId, status: 'DONE', lastSequence: last, hasMore: false });
      expect(await items.allTextContents()).toEqual(log.updates.map((update) => JSON.stringify(update.data)));
      expect(pageErrors).toEqual([]);
      expect(busErrors, 'bus posts the app refused').toBe(0);
      expect(server.output()).not.toMatch(/\[resumable\]/);
    },
    BUILD_MS + 120_000,
  );
});
