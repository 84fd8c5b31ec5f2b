import { packageProject } from '../../vitest.shared';

// Unit tests beside the app's modules (lib/, app/), and end-to-end: the built app (next
// build + next start), the example worker in its own process, the run's Temporal dev
// server, and headless Chromium.
export default packageProject('example-next-app', {
  include: ['lib/**/*.test.ts', 'app/**/*.test.ts', 'scripts/**/*.test.ts', 'e2e/**/*.e2e.test.ts'],
  testTimeout: 90_000,
  // The first run builds the app (about 20 s; more when the packages need a build too).
  hookTimeout: 360_000,
});
