/**
 * Measures what `@resumable/react-hooks` adds to an app's bundle: esbuild (minified,
 * ESM, browser, React excluded) and gzip level 9, with its runtime dependencies
 * (whatever of `@resumable/protocol` survives tree-shaking: its SSE parser and
 * types) bundled, as users pay for them; own code alone for comparison. Writes the
 * "react-hooks" section of BENCHMARKS.md. The 5 KB budget applies to the full entry
 * and to each hook imported alone; `--strict` exits 1 when one of them is over.
 *
 *   npx tsx --conditions=@resumable/source scripts/size.ts [--strict]
 */
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { machineLine, writeBenchSection } from '../../../scripts/bench-report';

const BUDGET = 5 * 1024;
const ROOT = resolve(import.meta.dirname, '..');
const DEPENDENCIES = ['@resumable/protocol'];

interface Measured {
  minified: number;
  gzipped: number;
  inputs: { path: string; bytes: number }[];
}

async function measure(contents: string, external: string[] = []): Promise<Measured> {
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
    .map(([path, { bytesInOutput }]) => ({ path: path.replace(/^.*node_modules\//, '').replace(/^(\.\.\/)+/, ''), bytes: bytesInOutput }))
    .filter((input) => input.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength, inputs };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;

const FULL = "export * from './src/index'";
// [row, entry source, judged against the budget?]
const imports: [string, string, boolean][] = [
  ['full entry (`@resumable/react-hooks`, everything)', FULL, true],
  ['`useTemporalSubscription` alone', "export { useTemporalSubscription } from './src/index'", true],
  ['`usePausedWorkflows` alone', "export { usePausedWorkflows } from './src/index'", true],
  ['`useTaskStore` + `useTask` with `createTaskStore`', "export { useTaskStore, useTask, createTaskStore } from './src/index'", true],
  ['both subscription hooks together', "export { useTemporalSubscription, usePausedWorkflows } from './src/index'", false],
  ['`@resumable/react-hooks/client` (everything, no React)', "export * from './src/client/index'", false],
];

const rows: string[] = [];
const over: string[] = [];
let full: Measured | undefined;
for (const [name, contents, judged] of imports) {
  const bundled = await measure(contents);
  const own = await measure(contents, DEPENDENCIES);
  full ??= bundled;
  const fits = bundled.gzipped <= BUDGET;
  if (judged && !fits) over.push(`${name}: ${kb(bundled.gzipped)}`);
  const verdict = fits ? 'yes' : `**no** (+${kb(bundled.gzipped - BUDGET)})`;
  rows.push(`| ${name} | ${kb(bundled.minified)} | **${kb(bundled.gzipped)}** | ${kb(own.gzipped)} | ${verdict}${judged ? '' : ' (not judged)'} |`);
}

const total = full?.gzipped ?? 0;
// What protocol adds to the full entry (gzip works on the whole file, so by difference).
const protocolCost = total - (await measure(FULL, ['@resumable/protocol'])).gzipped;
const protocolBytes = (full?.inputs ?? []).filter((input) => input.path.includes('protocol/')).reduce((sum, input) => sum + input.bytes, 0);
const heaviest = (full?.inputs ?? [])
  .slice(0, 8)
  .map((input) => `\`${input.path}\` ${kb(input.bytes)}`)
  .join(', ');

writeBenchSection(
  'react-hooks',
  `## react-hooks: bundle size

${machineLine()}

esbuild (minified, ESM, browser target, React excluded), then gzip level 9, **with** the
runtime dependency bundled: what an app pays. "Own code" leaves \`@resumable/protocol\`
out, for comparison. Budget: ${kb(BUDGET)} min+gz, judged on the
full entry and on each hook imported alone (\`sideEffects: false\`, so an app pays only for
what it imports). ${over.length ? `**Over budget:** ${over.join('; ')}.` : 'Every judged row is within it.'}
Of the full entry, \`@resumable/protocol\` adds ${kb(protocolCost)} min+gz (${kb(protocolBytes)} minified: its
SSE parser; the rest is types, and errors are the client's own \`ClientError\`).

| import | minified | min+gz | own code only, min+gz | ≤ 5 KB? |
|---|---|---|---|---|
${rows.join('\n')}

Largest inputs of the full entry (minified, before gzip): ${heaviest}.`,
);

process.stdout.write(`${rows.join('\n')}\n`);
if (over.length) {
  process.stderr.write(`react-hooks over the ${kb(BUDGET)} budget: ${over.join('; ')}\n`);
  if (process.argv.includes('--strict')) process.exit(1);
}
