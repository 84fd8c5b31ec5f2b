import { packageBuild } from '../../tsup.shared';

export default packageBuild(
  { index: 'src/index.ts', vitest: 'src/vitest.ts', cli: 'src/cli.ts' },
  { external: ['vitest'] },
);
