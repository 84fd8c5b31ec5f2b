import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/**
 * Tests and type-checks run against workspace sources, not `dist/`: every package's
 * `exports` has a `@resumable/source` condition pointing at `src/index.ts`.
 */
const SOURCE_CONDITION = '@resumable/source';

/** Resolve options that pick workspace sources, for the browser-like and the server environment. */
export const sourceResolution = {
  resolve: { conditions: [SOURCE_CONDITION, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions] } },
};

export function packageProject(name: string, test: UserWorkspaceConfig['test'] = {}) {
  return defineProject({
    ...sourceResolution,
    test: {
      name,
      include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts', 'test/**/*.test.tsx'],
      // Project configs do not inherit the root's timeouts: integration tests talk to a real server.
      testTimeout: 60_000,
      hookTimeout: 120_000,
      ...test,
    },
  });
}
