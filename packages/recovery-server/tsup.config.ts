import { packageBuild } from '../../tsup.shared';

export default packageBuild({
  index: 'src/index.ts',
  node: 'src/adapters/node.ts',
  next: 'src/adapters/next.ts',
  // The `resumable-server` bin (package.json `bin`): dist/cli.js, made executable from its shebang.
  cli: 'src/cli/index.ts',
});
