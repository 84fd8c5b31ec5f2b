import { configDefaults } from 'vitest/config';
import { packageProject } from '../../vitest.shared';

/*
 * The cluster files (`test/cluster*.test.ts`) start real server processes on PostgreSQL
 * and take minutes: they are not part of a plain run at all (not even as skipped), only
 * of `pnpm test:cluster`, which sets RESUMABLE_CLUSTER=1.
 */
const CLUSTER_FILES = ['test/cluster*.test.ts'];

export default packageProject('temporal-dev', {
  exclude: [...configDefaults.exclude, ...(process.env.RESUMABLE_CLUSTER === '1' ? [] : CLUSTER_FILES)],
});
