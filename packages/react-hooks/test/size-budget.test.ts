import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { budgetOf, IMPORTS, kib, measureAll, ROOT, sizeTable, verdict, type SizeRow } from '../scripts/bundle-size';

// What an app pays, measured on what users install: the packed build (`pnpm pack`,
// so `pnpm build` must have run: `pnpm test` builds first). A change that pushes any
// import over the budget fails `pnpm test`; so does a README that shows other figures.
// The figures are printed and written to test-results/bundle-size.md.
describe('bundle size budget, on the packed build', () => {
  let rows: SizeRow[] = [];
  const row = (name: string) => rows.find((measured) => measured.name === name) as SizeRow;

  beforeAll(async () => {
    rows = await measureAll();
    const table = sizeTable(rows);
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    writeFileSync(join(ROOT, 'test-results', 'bundle-size.md'), `${table}\n`);
    process.stdout.write(`\nreact-hooks, min+gz of the packed build (1 KiB = 1024 bytes):\n${table}\n`);
  }, 120_000);

  it.each(IMPORTS.filter((entry) => !entry.reportOnly).map((entry) => [entry.name, kib(budgetOf(entry))]))(
    '%s fits in %s min+gz',
    (name) => {
      const { gzipped } = row(name);
      expect(gzipped, `${name}: ${kib(gzipped)} (${gzipped} bytes)`).toBeLessThanOrEqual(budgetOf(row(name)));
    },
  );

  it('measures the packed dist/ as an app resolves it, not the sources', () => {
    const full = row('the full entry, everything');
    expect(full.inputs.map((input) => input.path).sort()).toEqual([
      '@resumable/react-hooks/dist/client.js',
      '@resumable/react-hooks/dist/index.js',
    ]);
    const single = row('`useTemporalSubscription` alone');
    expect(full.gzipped).toBeGreaterThan(single.gzipped);
    // The client's own copy of protocol's SSE parser is in (its byte-order-mark check);
    // protocol's error code table, which its built entry would bring along, is not.
    expect(full.code).toContain('65279');
    expect(full.code).not.toContain('TEMPORAL_UNAVAILABLE');
  });

  it('the README shows these figures (to 0.05 KiB) and verdicts', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const measured of rows) {
      const { name, gzipped } = measured;
      const line = readme.split('\n').find((text) => text.startsWith(`| ${name} |`));
      expect(line, `the README's size table has no row "${name}"`).toBeDefined();
      const [, , shown = '', shownVerdict = ''] = (line as string).split('|').map((cell) => cell.trim());
      expect(
        Math.abs(Number.parseFloat(shown) - gzipped / 1024),
        `${name}: README ${shown}, measured ${kib(gzipped)}; run \`pnpm --filter @resumable/react-hooks size\``,
      ).toBeLessThanOrEqual(0.05);
      expect(shownVerdict).toBe(verdict(measured));
    }
  });
});
