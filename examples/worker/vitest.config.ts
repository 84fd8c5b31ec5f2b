import { packageProject } from '../../vitest.shared';

// The example workflows on a real worker and the run's Temporal dev server.
export default packageProject('example-worker', { include: ['src/**/*.test.ts', 'test/**/*.test.ts'] });
