import { packageBuild } from '../../tsup.shared';

export default packageBuild({
  index: 'src/index.ts',
  worker: 'src/worker/index.ts',
  client: 'src/client/index.ts',
  codec: 'src/codec/index.ts',
});
