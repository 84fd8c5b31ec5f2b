/**
 * Measures what each import adds to an app's bundle, on the packed build (as
 * `bundle-size.ts` says), and writes the figures: the size table of this package's
 * README and the "react-hooks" section of BENCHMARKS.md. `--strict` exits 1 when an
 * import is over the budget (`pnpm test` checks the same, and that the README shows
 * these figures, in `test/size-budget.test.ts`). Run `pnpm build` first.
 *
 *   pnpm --filter @resumable/react-hooks size [--strict]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineLine, writeBenchSection } from '@resumable/kit/bench-report';
import {
  BUDGET,
  budgetOf,
  COMBINED_BUDGET,
  kib,
  measureAll,
  ROOT,
  sizeTable,
  TASK_HOOK_BUDGET,
  verdict,
} from './bundle-size';

const rows = await measureAll();
const over = rows.filter((row) => !row.fits && !row.reportOnly).map((row) => `${row.name}: ${kib(row.gzipped)}`);
const full = rows[rows.length - 1];
const heaviest = (full?.inputs ?? []).map((input) => `\`${input.path}\` ${kib(input.bytes)}`).join(', ');

// The README's table, between its markers.
const readme = join(ROOT, 'README.md');
const start = '<!-- size-table -->';
const end = '<!-- /size-table -->';
const text = readFileSync(readme, 'utf8');
const from = text.indexOf(start);
const to = text.indexOf(end);
if (from < 0 || to < from) throw new Error(`README.md has no ${start} … ${end} section`);
writeFileSync(readme, `${text.slice(0, from + start.length)}\n${sizeTable(rows)}\n${text.slice(to)}`);

writeBenchSection(
  'react-hooks',
  `## react-hooks: bundle size

${machineLine()}

Measured on what users install: \`pnpm pack\` of \`@resumable/react-hooks\` and
\`@resumable/protocol\`, unpacked into a \`node_modules\`; an app entry importing from the
package by name, bundled by esbuild (minified, ESM, browser target, React excluded), then
gzip level 9. 1 KiB = 1024 bytes. Budget, min+gz: ${kib(BUDGET)} for one feature (a hook
alone, the store, the offline queue), ${kib(TASK_HOOK_BUDGET)} for \`useTemporalSubscription\` (the
stream protocol it cannot leave out), ${kib(COMBINED_BUDGET)} for features together (both hooks, the whole client);
the full entry (every export at once, which no app imports) is reported, not budgeted.
\`pnpm test\` fails when a budgeted row is over (\`test/size-budget.test.ts\`). ${
    over.length ? `**Over budget:** ${over.join('; ')}.` : 'Every budgeted row is within it.'
  }

| import | minified | min+gz | within budget? |
|---|---|---|---|
${rows
  .map(
    (row) =>
      `| ${row.name} | ${kib(row.minified)} | **${kib(row.gzipped)}** | ${verdict(row)}${row.fits ? '' : ` +${kib(row.gzipped - budgetOf(row))}`} |`,
  )
  .join('\n')}

The full entry by installed file (minified, before gzip): ${heaviest}.`,
);

process.stdout.write(`${sizeTable(rows)}\n`);
if (over.length) {
  process.stderr.write(`react-hooks over budget: ${over.join('; ')}\n`);
  if (process.argv.includes('--strict')) process.exit(1);
}
