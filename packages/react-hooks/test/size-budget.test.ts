import { describe, expect, it } from 'vitest';
import { BUDGET, FULL_ENTRY, IMPORTS, kb, measure } from '../scripts/bundle-size';

// The bundle an app pays for, measured the way BENCHMARKS.md reports it. A change
// that pushes any judged import over the budget fails `pnpm test`.
describe('bundle size budget', () => {
  it.each(IMPORTS.filter((entry) => entry.judged).map((entry) => [entry.name, entry.source] as const))(
    `%s fits in ${kb(BUDGET)} min+gz`,
    async (_, source) => {
      const { gzipped } = await measure(source);
      expect(gzipped, `${kb(gzipped)}`).toBeLessThanOrEqual(BUDGET);
    },
  );

  it('measures what it bundles: the full entry is larger than any single hook', async () => {
    const full = await measure(FULL_ENTRY);
    const single = await measure(IMPORTS.find((entry) => entry.judged)!.source);
    expect(full.gzipped).toBeGreaterThan(single.gzipped);
    expect(full.inputs.some((input) => input.path.includes('protocol/src/sse/parse.ts'))).toBe(true);
  });
});
