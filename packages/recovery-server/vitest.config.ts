import type { UserWorkspaceConfig } from 'vitest/config';
import { packageProject, sourceResolution } from '../../vitest.shared';

const config: UserWorkspaceConfig = {
  ...packageProject('recovery-server'),
  // Vitest hands the SSR conditions to Node as `--conditions`, and under `module`
  // Node's `require('@opentelemetry/api')` (from the SDK's CommonJS build) picks the
  // API's ESM build, whose extensionless imports Node cannot load. Without `module`,
  // Node takes the API's CommonJS build, as it does in an app.
  ssr: { resolve: { conditions: sourceResolution.ssr.resolve.conditions.filter((name) => name !== 'module') } },
};

export default config;
