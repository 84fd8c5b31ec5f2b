/**
 * Writes the "react-hooks" section of BENCHMARKS.md: what each import adds to an
 * app's bundle (measured as `bundle-size.ts` says), with and without
 * `@resumable/protocol`. `--strict` exits 1 when a judged import is over the budget
 * (`pnpm test` checks the same in `test/size-budget.test.ts`).
 *
 *   npx tsx --conditions=@resumable/source scripts/size.ts [--strict]
 */
import { machineLine, writeBenchSection } from '@resumable/kit/bench-report';
import { BUDGET, DEPENDENCIES, FULL_ENTRY, IMPORTS, kb, measure, type Measured } from './bundle-size';

const rows: string[] = [];
const over: string[] = [];
let full: Measured | undefined;
for (const { name, source: contents, judged } of IMPORTS) {
  const bundled = await measure(contents);
  const own = await measure(contents, DEPENDENCIES);
  full ??= bundled;
  const fits = bundled.gzipped <= BUDGET;
  if (judged && !fits) over.push(`${name}: ${kb(bundled.gzipped)}`);
  const verdict = fits ? 'yes' : `**no** (+${kb(bundled.gzipped - BUDGET)})`;
  rows.push(
    `| ${name} | ${kb(bundled.minified)} | **${kb(bundled.gzipped)}** | ${kb(own.gzipped)} | ${verdict}${judged ? '' : ' (not judged)'} |`,
  );
}

const total = full?.gzipped ?? 0;
// What protocol adds to the full entry (gzip works on the whole file, so by difference).
const protocolCost = total - (await measure(FULL_ENTRY, DEPENDENCIES)).gzipped;
const protocolBytes = (full?.inputs ?? [])
  .filter((input) => input.path.includes('protocol/'))
  .reduce((sum, input) => sum + input.bytes, 0);
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
out, for comparison. Budget: ${kb(BUDGET)} min+gz, judged on what an app imports: each
hook alone, both subscription hooks together, the store (\`sideEffects: false\`, so an app
pays only for what it imports); \`pnpm test\` fails when one is over
(\`test/size-budget.test.ts\`). The full entry (every export at once) is a figure. ${over.length ? `**Over budget:** ${over.join('; ')}.` : 'Every judged row is within it.'}
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
