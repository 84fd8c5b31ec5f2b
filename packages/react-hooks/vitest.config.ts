import { packageProject } from '../../vitest.shared';

// Hook tests opt into jsdom per file (`// @vitest-environment jsdom`); the rest run in Node.
export default packageProject('react-hooks', {
  // Public types are tested like behaviour: `*.test-d.ts(x)` files run through tsc.
  typecheck: {
    enabled: true,
    include: ['src/**/*.test-d.ts', 'src/**/*.test-d.tsx'],
    tsconfig: './tsconfig.test.json',
  },
});
