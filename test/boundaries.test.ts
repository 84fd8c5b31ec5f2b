import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

interface Found {
  module: string;
  importer: string;
}

/** Bundles `contents` as a browser build would and lists every Node built-in it reaches. */
async function nodeBuiltinsReached(contents: string, resolveDir: string, external: string[] = []): Promise<Found[]> {
  const found: Found[] = [];
  const detector: Plugin = {
    name: 'node-builtins',
    setup(builder) {
      builder.onResolve({ filter: /.*/ }, ({ path, importer }) => {
        if (!BUILTINS.has(path) && !path.startsWith('node:')) return undefined;
        found.push({ module: path, importer: importer.replace(`${ROOT}/`, '') });
        return { path, external: true };
      });
    },
  };
  await build({
    stdin: { contents, resolveDir, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    // What a user's bundler resolves: the built `dist/` through each package's exports.
    conditions: ['browser', 'import', 'default'],
    external,
    plugins: [detector],
    logLevel: 'silent',
  });
  return found;
}

// Code that runs where Node does not: browsers (the hooks, the protocol) and
// Temporal's workflow sandbox (the workflow entry, like the SDK's own
// `disallowedModules` check at bundle time).
const ENTRIES = [
  { entry: '@resumable/react-hooks', from: 'packages/react-hooks', external: ['react', 'react-dom'] },
  { entry: '@resumable/react-hooks/client', from: 'packages/react-hooks', external: [] },
  { entry: '@resumable/react-hooks/offline', from: 'packages/react-hooks', external: [] },
  { entry: '@resumable/protocol', from: 'packages/protocol', external: [] },
  // The SDK is provided (and checked) by the worker's own workflow bundler.
  { entry: '@resumable/workflow-state', from: 'packages/workflow-state', external: ['@temporalio/workflow'] },
  // Payload encryption runs in edge runtimes too (a codec endpoint, an edge server's client).
  { entry: '@resumable/workflow-state/codec', from: 'packages/workflow-state', external: [] },
];

describe('package boundaries', () => {
  it.each(ENTRIES)('$entry reaches no Node built-in', async ({ entry, from, external }) => {
    const found = await nodeBuiltinsReached(`export * from '${entry}';`, join(ROOT, from), external);
    expect(found).toEqual([]);
  });

  it('the check sees a Node built-in, with or without the node: prefix', async () => {
    const found = await nodeBuiltinsReached("import 'node:fs'; import { join } from 'path'; export { join };", ROOT);
    expect(found.map(({ module }) => module).sort()).toEqual(['node:fs', 'path']);
  });
});
