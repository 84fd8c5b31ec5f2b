import { packageBuild } from '../../tsup.shared';

// The library entry (ESM + CJS + types) and the `resumable` bin (ESM only, no types: it
// is run, not imported; tsup keeps its `#!/usr/bin/env node` and makes it executable).
// Neither build cleans dist/, or one would delete the other's output.
export default [
  packageBuild({ index: 'src/index.ts' }, { clean: false }),
  packageBuild({ bin: 'src/bin.ts' }, { clean: false, format: ['esm'], dts: false }),
];
