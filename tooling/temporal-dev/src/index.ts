export { startDevServer, type DevServer, type DevServerOptions, type DevServerSource } from './dev-server';
export { findTemporalCli, type FoundCli, type CliSource } from './resolve-cli';
export { buildTemporalCli, hasGo } from './build-cli';
export { bundleWorkflows, type WorkflowBundles } from './bundle';
export { resumableSearchAttributeKeys } from './search-attributes';
export { TemporalDevError, type TemporalDevErrorCode } from './errors';
export { cacheDir, cliBuildDir, TEMPORAL_CLI_VERSION } from './paths';
