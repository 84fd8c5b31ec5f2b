/**
 * The Next.js files of packages/recovery-server/README.md, in an app as create-next-app
 * makes it (App Router, TypeScript), outside the workspace: `next build` passes with
 * the default config and with `cacheComponents: true`, neither build reaches Temporal
 * nor needs the secrets, and the built app serves the routes.
 *
 * The README's files are the fixtures in `test/fixtures/next-fresh-app/`: each README block
 * names its fixture (the docs check holds it to its lines), and the first test holds the
 * README to showing every fixture, whole, so what is built here is what the README shows.
 * The root tsconfig leaves them out (a Next app's imports, `@/…` and the published
 * packages, resolve only inside the app); `next build` type-checks them here, with the
 * app's own tsconfig.
 *
 * Nothing is installed: the app's node_modules are symlinks to what the workspace has
 * (next, react, typescript and types from the example app, the @resumable packages
 * with their built `dist/`).
 */
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
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, parse, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mintToken } from '../packages/recovery-server/src/auth/tokens';
// The types of what the global setup provides (`temporalAddress`, …).
import type {} from '../tooling/temporal-dev/src/vitest';
import { appFiles, BUILD_MS, children, cleanEnv, FIXTURE, freePort, nextBuild, ROOT, start, stop } from './fresh-app';

const README = join(ROOT, 'packages', 'recovery-server', 'README.md');
/** Where the workspace keeps next, react and their types: the example app's dependencies. */
const NEXT_APP_MODULES = join(ROOT, 'examples', 'next-app', 'node_modules');
const FROM_NEXT_APP = [
  'next',
  'react',
  'react-dom',
  'typescript',
  '@types/node',
  '@types/react',
  '@types/react-dom',
  '@temporalio/client',
];
/** The packages the README's files import, and the workspace packages those import in turn. */
const RESUMABLE = ['recovery-server', 'react-hooks'];
const BUILT = [...RESUMABLE, 'protocol', 'sse-publisher', 'recovery-manager'];

const files = appFiles({
  '@resumable/react-hooks': '*',
  '@resumable/recovery-server': '*',
  '@temporalio/client': '^1.24.0',
});

/**
 * create-next-app's next.config.ts, and one line for this test's layout: Turbopack
 * compiles only files under its root (the app folder by default), and the symlinked
 * packages resolve to the workspace. A real app has its packages in its own
 * node_modules and needs no such line.
 */
function nextConfig(root: string, cacheComponents: boolean): string {
  return [
    "import type { NextConfig } from 'next';",
    '',
    'const nextConfig: NextConfig = {',
    cacheComponents ? '  cacheComponents: true,' : '  /* config options here */',
    `  turbopack: { root: ${JSON.stringify(root)} },`,
    '};',
    '',
    'export default nextConfig;',
  ].join('\n');
}

/** The deepest folder holding both paths. */
function commonAncestor(a: string, b: string): string {
  const partsA = a.split(sep);
  const partsB = b.split(sep);
  let shared = 0;
  while (shared < partsA.length && partsA[shared] === partsB[shared]) shared++;
  return partsA.slice(0, shared).join(sep) || parse(a).root;
}

function link(app: string, name: string, target: string): void {
  const path = join(app, 'node_modules', name);
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path, 'dir');
}

/** The code blocks of the README's "### Next.js" section, by the fixture their marker names. */
function readmeFiles(): Map<string, string> {
  const readme = readFileSync(README, 'utf8').replace(/\r\n/g, '\n');
  const section = /^### Next\.js\n([\s\S]*?)(?=^#{1,3} |(?![\s\S]))/m.exec(readme)?.[1];
  if (!section) throw new Error('packages/recovery-server/README.md has no "### Next.js" section');
  const blocks = /^<!-- verbatim: test\/fixtures\/next-fresh-app\/(\S+) -->\n```tsx?\n([\s\S]*?)^```$/gm;
  return new Map([...section.matchAll(blocks)].map(([, path = '', code = '']) => [path, code]));
}

/** Every file under the fixture folder, as paths relative to it with `/`. */
function fixtureFiles(): string[] {
  return readdirSync(FIXTURE, { recursive: true, encoding: 'utf8' })
    .filter((path) => statSync(join(FIXTURE, path)).isFile())
    .map((path) => path.split(sep).join('/'))
    .sort();
}

describe('the README Next.js files in a fresh create-next-app app', () => {
  let app = '';
  let turbopackRoot = '';
  /** Stands where Temporal would be during the builds, counting who knocks. */
  let sentinel: Server;
  let sentinelAddress = '';
  let knocks = 0;
  const builds: Record<string, number> = {};

  beforeAll(async () => {
    for (const name of BUILT) {
      const dist = join(ROOT, 'packages', name, 'dist');
      if (!existsSync(dist)) throw new Error(`packages/${name}/dist is missing: run \`pnpm build\` first`);
    }
    for (const name of FROM_NEXT_APP) {
      if (!existsSync(join(NEXT_APP_MODULES, name))) {
        throw new Error(`examples/next-app/node_modules/${name} is missing: run \`pnpm install\` first`);
      }
    }
    app = join(realpathSync(mkdtempSync(join(tmpdir(), 'resumable-next-fresh-'))), 'app');
    expect(relative(ROOT, app).startsWith('..')).toBe(true);
    cpSync(FIXTURE, app, { recursive: true });
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(app, path)), { recursive: true });
      writeFileSync(join(app, path), `${text}\n`);
    }
    for (const name of FROM_NEXT_APP) link(app, name, realpathSync(join(NEXT_APP_MODULES, name)));
    for (const name of RESUMABLE) link(app, `@resumable/${name}`, join(ROOT, 'packages', name));
    turbopackRoot = commonAncestor(app, realpathSync(ROOT));

    sentinel = createServer((socket) => {
      knocks++;
      socket.destroy();
    });
    await new Promise<void>((listening) => sentinel.listen(0, '127.0.0.1', listening));
    sentinelAddress = `127.0.0.1:${(sentinel.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const child of children) stop(child);
    await new Promise((closed) => (sentinel ? sentinel.close(closed) : closed(undefined)));
    if (app) rmSync(dirname(app), { recursive: true, force: true });
    process.stderr.write(`[next-fresh-app] next build: ${JSON.stringify(builds)} ms\n`);
  });

  const buildEnv = () => cleanEnv({ TEMPORAL_ADDRESS: sentinelAddress });

  it('is what the README shows: every file of the app, whole', () => {
    const shown = readmeFiles();
    expect([...shown.keys()].sort(), 'the fixtures the README\'s "### Next.js" blocks name').toEqual(fixtureFiles());
    for (const [path, code] of shown) expect(code, path).toBe(readFileSync(join(FIXTURE, path), 'utf8'));
  });

  it.each([
    { config: 'the default config', cacheComponents: false },
    { config: 'cacheComponents: true', cacheComponents: true },
  ])(
    'builds with $config, without the secrets and without reaching Temporal',
    async ({ config, cacheComponents }) => {
      writeFileSync(join(app, 'next.config.ts'), `${nextConfig(turbopackRoot, cacheComponents)}\n`);
      rmSync(join(app, '.next'), { recursive: true, force: true });
      const run = await nextBuild(app, buildEnv());
      builds[config] = run.ms;
      expect(run.code, run.output).toBe(0);
      if (cacheComponents) expect(run.output).toContain('Cache Components enabled');
      // Every route is served per request, never prerendered.
      expect(run.output).toMatch(/ƒ \/api\/\[\.\.\.resumable\]/);
      expect(run.output).toMatch(/ƒ \/api\/resumable-token/);
      expect(run.output).toMatch(/ƒ \/api\/workflow\/paused-stream/);
      expect(run.output).not.toMatch(/\[resumable\]|TEMPORAL_UNAVAILABLE/);
      expect(knocks, 'connections to the Temporal address during the build').toBe(0);
    },
    BUILD_MS,
  );

  it('serves the routes once built: the token route asks the app for its user, the server answers', async () => {
    const { address, namespace } = { address: inject('temporalAddress'), namespace: inject('temporalNamespace') };
    const secret = randomBytes(24).toString('base64');
    const port = await freePort();
    const server = start(
      app,
      ['start', '--port', String(port), '--hostname', '127.0.0.1'],
      cleanEnv({ RESUMABLE_SECRET: secret, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace }),
    );
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const up = await fetch(`${base}/`).then(
        (response) => response.ok,
        () => false,
      );
      if (up) break;
      if (server.child.exitCode !== null || Date.now() > deadline) throw new Error(`next start: ${server.output()}`);
      await new Promise((wait) => setTimeout(wait, 250));
    }

    // The placeholder getUser() lets nobody in.
    const refused = await fetch(`${base}/api/resumable-token`, { method: 'POST', body: '{"taskId":"order-1"}' });
    expect(refused.status).toBe(401);

    // The catch-all route: the server is created and started on this first request.
    const anonymous = await fetch(`${base}/api/workflow/paused`);
    expect(anonymous.status).toBe(401);
    const token = await mintToken(secret, { subject: 'test', tasks: '*', actions: ['read'] });
    const listed = await fetch(`${base}/api/workflow/paused`, { headers: { Authorization: `Bearer ${token}` } });
    expect(listed.status, server.output()).toBe(200);
    expect(await listed.json()).toMatchObject({ cursor: expect.any(Number), pausedWorkflows: expect.any(Array) });
    // Start-up recovery (the paused list read from Temporal, through the bundled client) ran before that answer, and did not fail.
    expect(server.output()).not.toMatch(/\[resumable\]/);
    stop(server.child);
  }, 120_000);
});
