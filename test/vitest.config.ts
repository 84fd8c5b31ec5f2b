import { packageProject } from '../vitest.shared';

// Repository-wide checks: the built packages' exports, the README's commands.
export default packageProject('repo', { include: ['*.test.ts'] });
