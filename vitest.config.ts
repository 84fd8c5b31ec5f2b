import { defineConfig } from 'vitest/config';
import { sourceResolution } from './vitest.shared';

export default defineConfig({
  // The global setup imports workspace sources too.
  ...sourceResolution,
  test: {
    // Temporal's native bridge crashes inside worker threads: every test file gets a process.
    pool: 'forks',
    // One Temporal dev server and one workflow bundle per package, shared by the whole run.
    globalSetup: ['./test/global-setup.ts'],
    projects: [
      'packages/*/vitest.config.ts',
      'tooling/*/vitest.config.ts',
      'examples/*/vitest.config.ts',
      'test/vitest.config.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // In CI, a JSON report too: .ci/run prints its totals as the closing line.
    reporters: process.env.CI ? ['verbose', ['json', { outputFile: 'test-results/vitest.json' }]] : ['default'],
  },
});
