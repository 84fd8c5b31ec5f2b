import { packageBuild } from '../../tsup.shared';

// Two builds. The React entry skips tsup's rollup tree-shaking pass, which strips
// module directives: esbuild keeps the sources' 'use client' at the top of the file.
// The framework-free client must not carry one. Neither cleans dist/, or one would
// delete the other's output.
export default [
  packageBuild({ index: 'src/index.ts' }, { clean: false, treeshake: false }),
  packageBuild({ client: 'src/client/index.ts' }, { clean: false }),
];
