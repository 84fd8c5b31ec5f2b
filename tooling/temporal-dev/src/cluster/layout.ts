import { TemporalDevError } from '../errors';

/** The web UI server built for the cluster: the one the pinned Temporal CLI embeds, so its Go module is cached already. */
export const TEMPORAL_UI_VERSION = 'v2.42.1';

/** Frontend gRPC port of node 1; node n listens `NODE_PORT_STRIDE` ports higher per node. */
export const DEFAULT_FRONTEND_PORT = 7233;
/** PostgreSQL off its usual 5432, so a system PostgreSQL does not clash (same host port as the Docker Compose file). */
export const DEFAULT_POSTGRES_PORT = 5433;
/** Web UI port, clear of the app's 3000 and the dev server's 8233 (same as the Docker Compose file). */
export const DEFAULT_UI_PORT = 8088;
export const DEFAULT_NODE_COUNT = 2;
export const NODE_PORT_STRIDE = 10;
/** The cluster's balancer (`startCluster({ balancer: true })`) listens this far from node 1's frontend port. */
export const BALANCER_OFFSET = -1;
/**
 * The balancer's port in front of a cluster on the default ports.
 *
 * @example
 * const connection = await Connection.connect({ address: `127.0.0.1:${DEFAULT_BALANCER_PORT}` });
 */
export const DEFAULT_BALANCER_PORT = DEFAULT_FRONTEND_PORT + BALANCER_OFFSET;
/** Membership (ringpop) ports sit this far below the gRPC port of the same service, as in Temporal's own configs. */
export const MEMBERSHIP_OFFSET = -300;

/** Offsets of one node's ports from its frontend port. */
const SERVICE_OFFSETS = { frontend: 0, history: 1, matching: 2, worker: 3 } as const;
const FRONTEND_HTTP_OFFSET = 4;

export type TemporalService = keyof typeof SERVICE_OFFSETS;
export const TEMPORAL_SERVICES = Object.keys(SERVICE_OFFSETS) as TemporalService[];

/** The PostgreSQL role and databases the servers use. */
export const POSTGRES_USER = 'temporal';
export const TEMPORAL_DATABASE = 'temporal';
export const VISIBILITY_DATABASE = 'temporal_visibility';

/** History shards: fixed for the life of a database, so changing it needs a reset. */
export const HISTORY_SHARDS = 4;

/**
 * Dynamic config shared by every node (and by examples/docker-compose.temporal.yml):
 * what the CLI's dev server sets, plus instant search attribute reads so a test can
 * register an attribute and use it at once.
 */
export const DYNAMIC_CONFIG: Readonly<Record<string, string | number | boolean>> = {
  // PostgreSQL visibility keeps workflow ids in varchar(255).
  'limit.maxIDLength': 255,
  'system.forceSearchAttributesCacheRefreshOnRead': true,
  'history.hostLevelCacheMaxSize': 8192,
  'frontend.namespaceRPS.visibility': 100,
  'frontend.enableUpdateWorkflowExecution': true,
  'frontend.enableExecuteMultiOperation': true,
};

/** Every port one node binds. */
export interface NodePorts {
  grpc: Record<TemporalService, number>;
  membership: Record<TemporalService, number>;
  frontendHttp: number;
}

/** The ports of node `index` (0-based) when node 1's frontend is on `frontendPort`. */
export function nodePorts(frontendPort: number, index: number): NodePorts {
  const base = frontendPort + index * NODE_PORT_STRIDE;
  const grpc = {} as Record<TemporalService, number>;
  const membership = {} as Record<TemporalService, number>;
  for (const service of TEMPORAL_SERVICES) {
    grpc[service] = base + SERVICE_OFFSETS[service];
    membership[service] = base + SERVICE_OFFSETS[service] + MEMBERSHIP_OFFSET;
  }
  return { grpc, membership, frontendHttp: base + FRONTEND_HTTP_OFFSET };
}

/** Throws a `CLUSTER_BAD_OPTIONS` error unless every port of every node is a valid, distinct port. */
export function checkLayout(options: {
  frontendPort: number;
  nodes: number;
  postgresPort: number;
  uiPort?: number;
  /** 0 (any free port) claims nothing. */
  balancerPort?: number;
}): void {
  const { frontendPort, nodes, postgresPort, uiPort, balancerPort } = options;
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 9) {
    throw new TemporalDevError('CLUSTER_BAD_OPTIONS', `nodes must be an integer from 1 to 9, got ${nodes}`);
  }
  const used = new Map<number, string>();
  const claim = (port: number, what: string) => {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new TemporalDevError('CLUSTER_BAD_OPTIONS', `${what} port ${port} is not a port number (1-65535)`);
    }
    const other = used.get(port);
    if (other) throw new TemporalDevError('CLUSTER_BAD_OPTIONS', `${what} and ${other} would both use port ${port}`);
    used.set(port, what);
  };
  claim(postgresPort, 'PostgreSQL');
  if (uiPort !== undefined) claim(uiPort, 'web UI');
  if (balancerPort !== undefined && balancerPort !== 0) claim(balancerPort, 'balancer');
  for (let index = 0; index < nodes; index++) {
    const ports = nodePorts(frontendPort, index);
    for (const service of TEMPORAL_SERVICES) {
      claim(ports.grpc[service], `node ${index + 1} ${service}`);
      claim(ports.membership[service], `node ${index + 1} ${service} membership`);
    }
    claim(ports.frontendHttp, `node ${index + 1} frontend HTTP`);
  }
}
