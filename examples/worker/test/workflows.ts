// The global test setup bundles this once per run; the e2e suite hands the bundle
// to the worker process (RESUMABLE_WORKFLOW_BUNDLE), so it starts without bundling.
export * from '../src/workflows/index';
