/**
 * What `@resumable/react-hooks` adds to an app's bundle, measured on what users
 * install: `pnpm pack` of this package and of its runtime dependency
 * `@resumable/protocol`, unpacked into a temporary `node_modules`; an app entry that
 * imports from the package by name, bundled by esbuild (minified, ESM, browser, React
 * excluded, no source condition: the packed `dist/` through the `exports` map); then
 * gzip level 9. Sizes in KiB (1 KiB = 1024 bytes). Shared by the budget test
 * (`test/size-budget.test.ts`, in `pnpm test`) and the benchmark (`scripts/size.ts`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** The budget of one feature (one hook, the store) in an app, min+gz: 5 KiB. */
export const BUDGET = 5 * 1024;
/** The budget of `useTemporalSubscription` alone, min+gz: 5.5 KiB (see its row). */
export const TASK_HOOK_BUDGET = 5.5 * 1024;
/**
 * The budget of several features together (both subscription hooks, the whole client),
 * min+gz: 6 KiB. They share the transport, so together they cost less than the sum.
 */
export const COMBINED_BUDGET = 6 * 1024;
export const ROOT = resolve(import.meta.dirname, '..');
const PROTOCOL = resolve(ROOT, '..', 'protocol');

export interface Measured {
  /** The minified bundle. */
  code: string;
  minified: number;
  gzipped: number;
  /** What the bundle holds, by file of the installed packages (minified bytes, before gzip). */
  inputs: { path: string; bytes: number }[];
}

export interface MeasuredImport {
  /** As the README's size table names it. */
  name: string;
  /** The app's entry. */
  source: string;
  /** Reported, not held to a budget (the budget is what features cost an app). */
  reportOnly?: boolean;
  /** The budget it is held to, min+gz bytes; `BUDGET` when absent. */
  budget?: number;
}

/**
 * The imports measured: each hook alone and the store against `BUDGET`, both
 * subscription hooks together and the framework-free client against `COMBINED_BUDGET`,
 * and the full entry, reported.
 */
export const IMPORTS: readonly MeasuredImport[] = [
  {
    name: '`useTemporalSubscription` alone',
    source: "export { useTemporalSubscription } from '@resumable/react-hooks';",
    // The task stream's own protocol lives here and cannot be left out: resume, gap
    // repair, catch-up pacing, type filters, epochs, activity progress. Optional views
    // (useActivities, the offline queue) are modules of their own.
    budget: TASK_HOOK_BUDGET,
  },
  { name: '`usePausedWorkflows` alone', source: "export { usePausedWorkflows } from '@resumable/react-hooks';" },
  {
    name: '`useTaskStore` + `useTask` with `createTaskStore`',
    source: "export { useTaskStore, useTask, createTaskStore } from '@resumable/react-hooks';",
  },
  {
    name: 'the offline action queue with `useActionQueue`',
    source:
      "export { createActionQueue } from '@resumable/react-hooks/offline'; export { useActionQueue } from '@resumable/react-hooks';",
  },
  {
    name: 'both subscription hooks together',
    source: "export { useTemporalSubscription, usePausedWorkflows } from '@resumable/react-hooks';",
    budget: COMBINED_BUDGET,
  },
  {
    name: '`@resumable/react-hooks/client`, everything',
    source: "export * from '@resumable/react-hooks/client';",
    budget: COMBINED_BUDGET,
  },
  // Both hooks, the store and every helper: no app imports all of it, so it is shown, not budgeted.
  {
    name: 'the full entry, everything',
    source: "export * from '@resumable/react-hooks';",
    reportOnly: true,
    budget: COMBINED_BUDGET,
  },
];

/** A temporary app folder whose `node_modules` holds the packed packages. */
export interface Installed {
  dir: string;
  remove(): void;
}

/** The newest modification time of any file under `dir`. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

/**
 * Throws unless `dist/` was built after the last change to what it is built from:
 * this package's sources, and the files of other packages the build bundled (protocol's
 * SSE parser and backoff, as the source maps name them). The figures are the build's.
 */
export function assertBuilt(): void {
  const dist = join(ROOT, 'dist');
  const built = join(dist, 'client.js');
  if (!existsSync(built)) throw new Error('react-hooks has no dist/: run `pnpm build` first');
  let changed = newest(join(ROOT, 'src'));
  for (const map of ['client.js.map', 'index.js.map']) {
    const { sources } = JSON.parse(readFileSync(join(dist, map), 'utf8')) as { sources: string[] };
    for (const source of sources) changed = Math.max(changed, statSync(resolve(dist, source)).mtimeMs);
  }
  if (Math.min(statSync(built).mtimeMs, statSync(join(dist, 'index.js')).mtimeMs) < changed) {
    throw new Error('react-hooks dist/ is older than its sources: run `pnpm build` first');
  }
}

/** `pnpm pack`s this package and protocol and unpacks both where an app's bundler finds them. */
export function installPacked(): Installed {
  assertBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'react-hooks-size-'));
  for (const from of [ROOT, PROTOCOL]) {
    const before = new Set(readdirSync(dir));
    execFileSync('pnpm', ['pack', '--pack-destination', dir], { cwd: from, stdio: 'pipe' });
    const tarball = readdirSync(dir).find((file) => file.endsWith('.tgz') && !before.has(file));
    if (!tarball) throw new Error(`pnpm pack wrote no tarball for ${from}`);
    const name = tarball.startsWith('resumable-react-hooks') ? 'react-hooks' : 'protocol';
    const target = join(dir, 'node_modules', '@resumable', name);
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', join(dir, tarball), '-C', target, '--strip-components=1']);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Bundles the app entry `source` against the installed packages and measures it. */
export async function measure(installed: Installed, source: string): Promise<Measured> {
  const result = await build({
    stdin: { contents: source, resolveDir: installed.dir, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    external: ['react', 'react-dom'],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  const output = Object.values(result.metafile.outputs)[0];
  const inputs = Object.entries(output?.inputs ?? {})
    .map(([path, { bytesInOutput }]) => ({ path: path.replace(/^.*node_modules\//, ''), bytes: bytesInOutput }))
    .filter((input) => input.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  return {
    code: new TextDecoder().decode(code),
    minified: code.byteLength,
    gzipped: gzipSync(code, { level: 9 }).byteLength,
    inputs,
  };
}

/** Bytes as KiB with two decimals, e.g. `4.37 KiB`. */
export const kib = (bytes: number) => `${(bytes / 1024).toFixed(2)} KiB`;

/** One measured import with its verdict. */
export interface SizeRow extends MeasuredImport, Measured {
  fits: boolean;
}

/** Packs, measures every import of `IMPORTS` and removes the temporary install. */
export async function measureAll(): Promise<SizeRow[]> {
  const installed = installPacked();
  try {
    const rows: SizeRow[] = [];
    for (const entry of IMPORTS) {
      const measured = await measure(installed, entry.source);
      rows.push({ ...entry, ...measured, fits: measured.gzipped <= budgetOf(entry) });
    }
    return rows;
  } finally {
    installed.remove();
  }
}

/** The budget an import is judged against (a reported row: the one-feature budget, for comparison). */
export const budgetOf = (entry: MeasuredImport) => entry.budget ?? BUDGET;

/** A row's verdict, e.g. `yes (≤ 5 KiB)`, or `**no** (≤ 5 KiB, reported)` for a reported row over it. */
export const verdict = (row: SizeRow) =>
  `${row.fits ? 'yes' : '**no**'} (≤ ${budgetOf(row) / 1024} KiB${row.reportOnly ? ', reported' : ''})`;

/** The README's size table for `rows`. */
export function sizeTable(rows: readonly SizeRow[]): string {
  return [
    '| import | min+gz | within budget? |',
    '|---|---|---|',
    ...rows.map((row) => `| ${row.name} | ${kib(row.gzipped)} (${row.gzipped} B) | ${verdict(row)} |`),
  ].join('\n');
}
