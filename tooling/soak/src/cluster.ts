/**
 * `--cluster`: the soak's Temporal as a two-node cluster on PostgreSQL, started by
 * temporal-dev's `startCluster` with its TCP balancer in front of the frontends, as
 * production puts a load balancer there. The worker, both recovery servers and the
 * soak's own client know only the balancer's address; each node is a process the
 * faults can kill -9 and restart (`Cluster.restart`), as a supervisor (systemd,
 * Kubernetes) would restart a crashed server.
 */
import { clusterStatus, startCluster, type Balancer, type Cluster } from '@resumable/temporal-dev';
import { SoakError } from './errors';
import type { Restartable } from './processes';

/** Node 1's frontend (node 2's is 18243; the balancer 18232) and PostgreSQL: clear of the defaults and of the cluster tests. */
export const CLUSTER_PORT = 18233;
export const CLUSTER_POSTGRES_PORT = 16433;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One server node of the cluster; `node` is 1-based, as in `Cluster.kill`. */
export class ClusterNode implements Restartable {
  constructor(
    readonly cluster: Cluster,
    readonly node: number,
  ) {}

  get address(): string {
    return this.cluster.addresses[this.node - 1] as string;
  }

  /** Connections through the balancer that are on this node now. */
  get connections(): number {
    return this.cluster.balancer?.stats.open[this.node - 1] ?? 0;
  }

  async kill9(): Promise<void> {
    await this.cluster.stopNode(this.node, { signal: 'SIGKILL' });
    // temporal-dev's own status, read from its pid files: only a live server process counts.
    if (clusterStatus({ dir: this.cluster.stateDir }).nodes[this.node - 1]?.pid !== undefined)
      throw new SoakError('CLUSTER_NODE_FAILED', `node ${this.node} still runs after kill -9`);
    // The balancer closes the clients' side of the node's connections as its sockets close.
    const deadline = Date.now() + 5_000;
    while (this.connections > 0 && Date.now() < deadline) await sleep(20);
  }

  stop(): Promise<void> {
    return this.cluster.stopNode(this.node, { graceMs: 30_000 });
  }

  /** Starts the node again on the same config and database; resolves once its frontend serves. */
  start(): Promise<void> {
    return this.cluster.restart(this.node);
  }
}

/** A fresh two-node cluster with its state (PostgreSQL data, configs, node logs) in `dir`, behind a balancer. */
export async function startSoakCluster(
  dir: string,
  log: (line: string) => void,
): Promise<{ nodes: ClusterNode[]; balancer: Balancer }> {
  const cluster = await startCluster({
    dir,
    nodes: 2,
    port: CLUSTER_PORT,
    postgresPort: CLUSTER_POSTGRES_PORT,
    balancer: true,
    log,
  });
  if (!cluster.balancer) throw new SoakError('CLUSTER_NODE_FAILED', 'the cluster started without its balancer');
  return { nodes: [new ClusterNode(cluster, 1), new ClusterNode(cluster, 2)], balancer: cluster.balancer };
}
