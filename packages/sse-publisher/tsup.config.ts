import { packageBuild } from '../../tsup.shared';

export default packageBuild({ index: 'src/index.ts', redis: 'src/redis/index.ts' });
