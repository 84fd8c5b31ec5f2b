export {
  startCluster,
  stopCluster,
  clusterStatus,
  type Cluster,
  type ClusterOptions,
  type ClusterStatus,
} from './cluster';
export { runOnCluster } from './run';
export { ensureServerBinaries, ensureUiServer, type ServerBinaries } from './build';
export {
  DEFAULT_FRONTEND_PORT,
  DEFAULT_POSTGRES_PORT,
  DEFAULT_UI_PORT,
  DYNAMIC_CONFIG,
  NODE_PORT_STRIDE,
  TEMPORAL_UI_VERSION,
  nodePorts,
} from './layout';
