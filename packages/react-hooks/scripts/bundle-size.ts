/**
 * What `@resumable/react-hooks` adds to an app's bundle: esbuild (minified, ESM,
 * browser, React excluded) and gzip level 9, with its runtime dependency
 * (`@resumable/protocol`, whatever of it survives tree-shaking) bundled, as users
 * pay for it. Shared by the budget test (`test/size-budget.test.ts`, in `pnpm test`)
 * and the benchmark (`scripts/size.ts`, which writes BENCHMARKS.md).
 */
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** The budget every judged import must fit, min+gz. */
export const BUDGET = 5 * 1024;
export const ROOT = resolve(import.meta.dirname, '..');
export const DEPENDENCIES = ['@resumable/protocol'];

export interface Measured {
  minified: number;
  gzipped: number;
  inputs: { path: string; bytes: number }[];
}

export interface MeasuredImport {
  name: string;
  source: string;
  /** Judged against `BUDGET`: what an app pays for the hooks it uses. */
  judged: boolean;
}

export const FULL_ENTRY = "export * from './src/index'";

/**
 * The imports measured. Judged: each hook alone, both subscription hooks together
 * and the store, i.e. any app's real import. The full entry (every export at once,
 * store and client re-exports included) and the framework-free client are figures.
 */
export const IMPORTS: readonly MeasuredImport[] = [
  { name: 'full entry (`@resumable/react-hooks`, everything)', source: FULL_ENTRY, judged: false },
  {
    name: '`useTemporalSubscription` alone',
    source: "export { useTemporalSubscription } from './src/index'",
    judged: true,
  },
  { name: '`usePausedWorkflows` alone', source: "export { usePausedWorkflows } from './src/index'", judged: true },
  {
    name: '`useTaskStore` + `useTask` with `createTaskStore`',
    source: "export { useTaskStore, useTask, createTaskStore } from './src/index'",
    judged: true,
  },
  {
    name: 'both subscription hooks together',
    source: "export { useTemporalSubscription, usePausedWorkflows } from './src/index'",
    judged: true,
  },
  {
    name: '`@resumable/react-hooks/client` (everything, no React)',
    source: "export * from './src/client/index'",
    judged: false,
  },
];

/** Bundles `contents` (resolved from the package root) and measures it. */
export async function measure(contents: string, external: string[] = []): Promise<Measured> {
  const result = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    external: ['react', 'react-dom', ...external],
    conditions: ['@resumable/source'],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  const output = Object.values(result.metafile.outputs)[0];
  const inputs = Object.entries(output?.inputs ?? {})
    .map(([path, { bytesInOutput }]) => ({
      path: path.replace(/^.*node_modules\//, '').replace(/^(\.\.\/)+/, ''),
      bytes: bytesInOutput,
    }))
    .filter((input) => input.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength, inputs };
}

export const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;
