/**
 * Measures what `@resumable/react-hooks` adds to an app's bundle: esbuild (minified,
 * ESM, browser, React excluded) and gzip level 9, with and without its two runtime
 * dependencies (`@resumable/protocol`, `eventsource-parser`). Writes the
 * "react-hooks" section of BENCHMARKS.md and exits 1 when the package's own code
 * (the full entry, dependencies excluded) is over the 5 KB budget.
 *
 *   npx tsx --conditions=@resumable/source scripts/size.ts
 */
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { machineLine, writeBenchSection } from '../../../scripts/bench-report';

const BUDGET = 5 * 1024;
const ROOT = resolve(import.meta.dirname, '..');
const DEPENDENCIES = ['@resumable/protocol', 'eventsource-parser'];

interface Measured {
  minified: number;
  gzipped: number;
  inputs: { path: string; bytes: number }[];
}

async function measure(contents: string, withDependencies: boolean): Promise<Measured> {
  const result = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    external: ['react', 'react-dom', ...(withDependencies ? [] : DEPENDENCIES)],
    conditions: ['@resumable/source'],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  const output = Object.values(result.metafile.outputs)[0];
  const inputs = Object.entries(output?.inputs ?? {})
    .map(([path, { bytesInOutput }]) => ({ path: path.replace(/^(\.\.\/)+|^.*node_modules\//g, ''), bytes: bytesInOutput }))
    .filter((input) => input.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength, inputs };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;

const imports: [string, string][] = [
  ['everything (`@resumable/react-hooks`)', "export * from './src/index'"],
  ['`useTemporalSubscription` only', "export { useTemporalSubscription } from './src/index'"],
  ['`usePausedWorkflows` only', "export { usePausedWorkflows } from './src/index'"],
  ['`@resumable/react-hooks/client`', "export * from './src/client/index'"],
];
const rows: string[] = [];
let own = 0;
let full: Measured | undefined;
for (const [name, contents] of imports) {
  const alone = await measure(contents, false);
  const withDependencies = await measure(contents, true);
  if (!full) {
    own = alone.gzipped;
    full = withDependencies;
  }
  rows.push(`| ${name} | ${kb(alone.minified)} | ${kb(alone.gzipped)} | ${kb(withDependencies.gzipped)} |`);
}
const heaviest = (full?.inputs ?? [])
  .slice(0, 8)
  .map((input) => `\`${input.path}\` ${kb(input.bytes)}`)
  .join(', ');

writeBenchSection(
  'react-hooks',
  `## react-hooks: bundle size

${machineLine()}

esbuild (minified, ESM, browser target, React excluded), then gzip level 9. "Own code"
leaves out the runtime dependencies \`@resumable/protocol\` and \`eventsource-parser\`;
the last column includes them, as an app that uses nothing else of them pays.
Budget: ${kb(BUDGET)} min+gz for the package's own code (full entry): ${own <= BUDGET ? 'met' : 'NOT met'}.

| import | own code, minified | own code, min+gz | with dependencies, min+gz |
|---|---|---|---|
${rows.join('\n')}

Largest inputs of the full entry with dependencies (minified, before gzip): ${heaviest}.`,
);

process.stdout.write(`${rows.join('\n')}\n`);
if (own > BUDGET) {
  process.stderr.write(`react-hooks' own code is ${kb(own)} min+gz, over the ${kb(BUDGET)} budget\n`);
  process.exit(1);
}
