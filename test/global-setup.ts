import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { bundleWorkflows, startDevServer } from '../tooling/temporal-dev/src/index';
// The types of what this setup provides (`temporalAddress`, `workflowBundles`, …).
import type {} from '../tooling/temporal-dev/src/vitest';

const ROOT = resolve(import.meta.dirname, '..');

/** Every `<package>/test/workflows.ts` in the workspace, by package folder name. */
function workflowEntries(): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const group of ['packages', 'tooling', 'examples']) {
    const groupDir = join(ROOT, group);
    if (!existsSync(groupDir)) continue;
    for (const name of readdirSync(groupDir)) {
      const file = join(groupDir, name, 'test', 'workflows.ts');
      if (existsSync(file)) entries[name] = file;
    }
  }
  return entries;
}

/**
 * One Temporal dev server and one bundle of each package's test workflows for the
 * whole run; tests read them with `inject()` (see `@resumable/temporal-dev/vitest`).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startDevServer();
  try {
    const started = Date.now();
    const bundles = await bundleWorkflows(workflowEntries(), join(ROOT, 'node_modules', '.cache', 'resumable-bundles'));
    process.stderr.write(
      `[global-setup] bundled workflows of ${Object.keys(bundles).join(', ') || 'no package'} in ${Date.now() - started} ms\n`,
    );
    project.provide('temporalAddress', server.address);
    project.provide('temporalNamespace', server.namespace);
    project.provide('workflowBundles', bundles);
    project.provide('temporalCliPath', server.cliPath ?? '');
  } catch (error) {
    await server.stop();
    throw error;
  }
  return () => server.stop();
}
