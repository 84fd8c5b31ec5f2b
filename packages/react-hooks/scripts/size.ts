/**
 * Measures what `@resumable/react-hooks` adds to an app's bundle: esbuild (minified,
 * ESM, browser, React excluded) and gzip level 9, with its two runtime dependencies
 * (`@resumable/protocol`, `eventsource-parser`) bundled, as users pay for them, and
 * without them for comparison. Writes the "react-hooks" section of BENCHMARKS.md,
 * judging the 5 KB budget on the full entry with dependencies; `--strict` exits 1
 * when it is not met.
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
    .map(([path, { bytesInOutput }]) => ({ path: path.replace(/^.*node_modules\//, '').replace(/^(\.\.\/)+/, ''), bytes: bytesInOutput }))
    .filter((input) => input.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength, inputs };
}

async function measureExternal(contents: string, external: string[]): Promise<number> {
  const result = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    external: ['react', 'react-dom', ...external],
    conditions: ['@resumable/source'],
    logLevel: 'silent',
  });
  return gzipSync(result.outputFiles[0]?.contents ?? new Uint8Array(), { level: 9 }).byteLength;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;

const imports: [string, string][] = [
  ['everything (`@resumable/react-hooks`)', "export * from './src/index'"],
  ['`useTemporalSubscription` only', "export { useTemporalSubscription } from './src/index'"],
  ['`usePausedWorkflows` only', "export { usePausedWorkflows } from './src/index'"],
  ['`@resumable/react-hooks/client`', "export * from './src/client/index'"],
];
const rows: string[] = [];
let full: Measured | undefined;
for (const [name, contents] of imports) {
  const alone = await measure(contents, false);
  const withDependencies = await measure(contents, true);
  full ??= withDependencies;
  rows.push(`| ${name} | ${kb(withDependencies.minified)} | **${kb(withDependencies.gzipped)}** | ${kb(alone.gzipped)} |`);
}
const total = full?.gzipped ?? 0;
// What each dependency adds on its own to the full entry (gzip works on the whole file).
const parserCost = total - (await measureExternal("export * from './src/index'", ['eventsource-parser']));
const protocolCost = total - (await measureExternal("export * from './src/index'", ['@resumable/protocol']));
const heaviest = (full?.inputs ?? [])
  .slice(0, 8)
  .map((input) => `\`${input.path}\` ${kb(input.bytes)}`)
  .join(', ');

const met = total <= BUDGET;
writeBenchSection(
  'react-hooks',
  `## react-hooks: bundle size

${machineLine()}

esbuild (minified, ESM, browser target, React excluded), then gzip level 9, with the
runtime dependencies \`@resumable/protocol\` and \`eventsource-parser\` bundled: what an
app that uses nothing else of them pays. The last column leaves them out, for comparison.
Budget: ${kb(BUDGET)} min+gz for the full entry with dependencies: ${met ? 'met' : `**NOT met** (${kb(total)}, ${kb(total - BUDGET)} over)`}.
Of the full entry, \`eventsource-parser\` adds ${kb(parserCost)} and \`@resumable/protocol\` (\`ResumableError\` with its
code table, \`parseJsonData\`) ${kb(protocolCost)}. Apps import what they use: the per-hook rows are what one hook costs.

| import | with dependencies, minified | with dependencies, min+gz | own code only, min+gz |
|---|---|---|---|
${rows.join('\n')}

Largest inputs of the full entry with dependencies (minified, before gzip): ${heaviest}.`,
);

process.stdout.write(`${rows.join('\n')}\n`);
if (!met) {
  process.stderr.write(`react-hooks (full entry, with dependencies) is ${kb(total)} min+gz, over the ${kb(BUDGET)} budget\n`);
  if (process.argv.includes('--strict')) process.exit(1);
}
