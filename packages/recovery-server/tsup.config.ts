import { packageBuild } from '../../tsup.shared';

export default packageBuild({ index: 'src/index.ts', node: 'src/adapters/node.ts', next: 'src/adapters/next.ts' });
