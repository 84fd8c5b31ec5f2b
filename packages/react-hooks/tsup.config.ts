import type { Plugin } from 'esbuild';
import { packageBuild } from '../../tsup.shared';

// The React entry imports the client only through `./client/index`; in the build that
// import stays an import of the built client entry, so an app that uses both entries
// loads the client once: one registry, one connection per task, one ClientError class.
const clientEntry: Plugin = {
  name: 'client-entry-external',
  setup(build) {
    const target = build.initialOptions.format === 'cjs' ? './client.cjs' : './client.js';
    build.onResolve({ filter: /^\.\/client\/index$/ }, () => ({ path: target, external: true }));
  },
};

// Two builds. The React entry skips tsup's rollup tree-shaking pass, which strips
// module directives: esbuild keeps the sources' 'use client' at the top of the file.
// The framework-free client must not carry one. Neither cleans dist/, or one would
// delete the other's output.
export default [
  packageBuild({ index: 'src/index.ts' }, { clean: false, treeshake: false, esbuildPlugins: [clientEntry] }),
  packageBuild({ client: 'src/client/index.ts' }, { clean: false }),
];
