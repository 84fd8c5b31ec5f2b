import { packageProject } from '../../vitest.shared';

export default packageProject('workflow-state', {
  // Real dev server and worker: allow for workflow round trips on a busy machine.
  testTimeout: 60_000,
  hookTimeout: 120_000,
  // Public types are tested like behaviour: `*.test-d.ts` files run through tsc.
  typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
});
