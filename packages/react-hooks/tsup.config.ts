import type { Plugin } from 'esbuild';
import { packageBuild } from '../../tsup.shared';

// The React entry imports the client only through `./client/index`; in the build that
// import stays an import of the built client entry, so an app that uses both entries
// loads the client once: one registry, one connection per task, one ClientError class.
const clientEntry: Plugin = {
  name: 'client-entry-external',
  setup(build) {
    const target = build.initialOptions.format === 'cjs' ? './client.cjs' : './client.js';
    build.onResolve({ filter: /^\.\.?\/client\/index$/ }, () => ({ path: target, external: true }));
  },
};

// Two builds. The React entry skips tsup's rollup tree-shaking pass, which strips
// module directives: esbuild keeps the sources' 'use client' at the top of the file.
// The framework-free client must not carry one. Neither cleans dist/, or one would
// delete the other's output.
//
// The client carries its own copy of what it runs of `@resumable/protocol` (the SSE
// parser and `backoffDelay`), bundled from protocol's sources: there each is a module of
// its own, and `sideEffects: false` leaves out every module the client does not use.
// Importing protocol's built entry instead would put most of it in an app's bundle: it
// is one file, and its error class and code table are code a bundler must keep
// (test/size-budget.test.ts measures what an app pays). Protocol stays a dependency for
// the types.
export default [
  packageBuild({ index: 'src/index.ts' }, { clean: false, treeshake: false, esbuildPlugins: [clientEntry] }),
  // The offline queue: its own entry (apps without it do not pay), on the built client
  // entry like the React entry, with protocol's header name bundled from its sources.
  packageBuild(
    { offline: 'src/offline/index.ts' },
    {
      clean: false,
      noExternal: ['@resumable/protocol'],
      esbuildPlugins: [clientEntry],
      esbuildOptions(options) {
        options.conditions = ['@resumable/source'];
      },
    },
  ),
  packageBuild(
    { client: 'src/client/index.ts' },
    {
      clean: false,
      noExternal: ['@resumable/protocol'],
      esbuildOptions(options) {
        options.conditions = ['@resumable/source'];
      },
    },
  ),
];
