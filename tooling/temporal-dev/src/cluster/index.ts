export {
  startCluster,
  stopCluster,
  clusterStatus,
  type Cluster,
  type ClusterOptions,
  type ClusterStatus,
} from './cluster';
export { runOnCluster } from './run';
export { restartClusterNode, stopClusterNode, type RestartNodeOptions, type StopNodeOptions } from './nodes';
export { startBalancer, type Balancer, type BalancerOptions, type BalancerStats } from './balancer';
export { ensureServerBinaries, ensureUiServer, type ServerBinaries } from './build';
export {
  DEFAULT_BALANCER_PORT,
  DEFAULT_FRONTEND_PORT,
  DEFAULT_POSTGRES_PORT,
  DEFAULT_UI_PORT,
  DYNAMIC_CONFIG,
  NODE_PORT_STRIDE,
  TEMPORAL_UI_VERSION,
  nodePorts,
} from './layout';
