import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

/** Bundle name → path of the bundled workflow code, ready for `Worker.create({ workflowBundle: { codePath } })`. */
export type WorkflowBundles = Record<string, string>;

/**
 * Bundles each workflows entry file once and writes the code to `outDir`. Workspace
 * packages resolve to their sources (the `@resumable/source` condition), so the
 * bundle needs no prior build.
 */
export async function bundleWorkflows(entries: Record<string, string>, outDir: string): Promise<WorkflowBundles> {
  mkdirSync(outDir, { recursive: true });
  const bundles: WorkflowBundles = {};
  for (const [name, workflowsPath] of Object.entries(entries)) {
    const { code } = await bundleWorkflowCode({
      workflowsPath,
      logger: quietLogger,
      webpackConfigHook: (config) => {
        config.resolve ??= {};
        config.resolve.conditionNames = ['@resumable/source', 'import', 'module', 'webpack', 'browser', 'default'];
        return config;
      },
    });
    const codePath = join(outDir, `${name}.js`);
    writeFileSync(codePath, code);
    bundles[name] = codePath;
  }
  return bundles;
}

const noop = () => undefined;
const quietLogger = {
  log: noop,
  trace: noop,
  debug: noop,
  info: noop,
  warn: (message: string) => process.stderr.write(`[bundle] ${message}\n`),
  error: (message: string) => process.stderr.write(`[bundle] ${message}\n`),
};
