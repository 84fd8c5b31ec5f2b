export { startDevServer, type DevServer, type DevServerOptions, type DevServerSource } from './dev-server';
export { findTemporalCli, type FoundCli, type CliSource } from './resolve-cli';
export { buildTemporalCli, hasGo } from './build-cli';
export { bundleWorkflows, type WorkflowBundles } from './bundle';
export { resumableSearchAttributeKeys } from './search-attributes';
export { createNamespace, listNamespaces, namespaceCommand, type NamespaceInfo } from './namespaces';
export { TemporalDevError, type TemporalDevErrorCode } from './errors';
export {
  cacheDir,
  cliBuildDir,
  serverBuildDir,
  clusterStateDir,
  TEMPORAL_CLI_VERSION,
  TEMPORAL_SERVER_VERSION,
} from './paths';
export {
  startCluster,
  stopCluster,
  clusterStatus,
  restartClusterNode,
  stopClusterNode,
  startBalancer,
  ensureServerBinaries,
  ensureUiServer,
  DEFAULT_BALANCER_PORT,
  DEFAULT_FRONTEND_PORT,
  DEFAULT_POSTGRES_PORT,
  DEFAULT_UI_PORT,
  DYNAMIC_CONFIG,
  NODE_PORT_STRIDE,
  TEMPORAL_UI_VERSION,
  nodePorts,
  type Cluster,
  type ClusterOptions,
  type ClusterStatus,
  type RestartNodeOptions,
  type StopNodeOptions,
  type Balancer,
  type BalancerOptions,
  type BalancerStats,
  type ServerBinaries,
} from './cluster/index';
export * from './tls/index';
