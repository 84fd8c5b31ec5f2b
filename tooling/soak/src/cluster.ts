/**
 * `--cluster`: the soak's Temporal as a two-node cluster on PostgreSQL, started by
 * temporal-dev's `startCluster`, each node a process the faults can kill -9 and start
 * again, as a supervisor (systemd, Kubernetes) would restart a crashed server.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterStatus, startCluster, type Cluster } from '@resumable/temporal-dev';
import { Connection } from '@temporalio/client';
import { SoakError } from './errors';
import type { Restartable } from './processes';

/** Node 1's frontend (node 2's is 18243) and PostgreSQL: clear of the defaults and of the other cluster tests. */
export const CLUSTER_PORT = 18233;
export const CLUSTER_POSTGRES_PORT = 16433;

const READY_MS = 120_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a restart runs again: the crashed process's own command line, directory and log. */
interface Launch {
  argv: string[];
  cwd: string;
  logFile: string;
}

/** One server node of the cluster; `node` is 1-based, as in `Cluster.kill`. */
export class ClusterNode implements Restartable {
  #launch: Launch | undefined;

  constructor(
    readonly cluster: Cluster,
    readonly node: number,
  ) {}

  get address(): string {
    return this.cluster.addresses[this.node - 1] as string;
  }

  /** Read through temporal-dev's own status, so only a live server process counts. */
  #pid(): number | undefined {
    return clusterStatus({ dir: this.cluster.stateDir }).nodes[this.node - 1]?.pid;
  }

  async kill9(): Promise<void> {
    this.#remember();
    this.cluster.kill(this.node);
    await this.#gone();
  }

  async stop(): Promise<void> {
    const pid = this.#remember();
    process.kill(pid, 'SIGTERM');
    await this.#gone(30_000);
  }

  /** Starts the node again on the same config and database, and waits until its frontend serves. */
  async start(): Promise<void> {
    const launch = this.#launch;
    if (!launch) throw new SoakError('CLUSTER_NODE_FAILED', `node ${this.node} was never stopped by the soak`);
    const [command, ...args] = launch.argv as [string, ...string[]];
    const log = openSync(launch.logFile, 'a');
    let pid: number | undefined;
    try {
      const child = spawn(command, args, { cwd: launch.cwd, detached: true, stdio: ['ignore', log, log] });
      child.unref();
      pid = child.pid;
    } finally {
      closeSync(log);
    }
    if (pid === undefined) throw new SoakError('CLUSTER_NODE_FAILED', `could not start node ${this.node} (${command})`);
    // The pid file `cluster stop` reads: the restarted node must go down with the rest.
    writeFileSync(join(this.cluster.stateDir, `node${this.node}.pid`), `${pid}\n`);
    if (this.#pid() !== pid)
      throw new SoakError(
        'CLUSTER_NODE_FAILED',
        `node ${this.node} restarted as pid ${pid} but the cluster's status does not see it: has temporal-dev moved its pid files?`,
      );
    await this.#serving();
  }

  #remember(): number {
    const pid = this.#pid();
    if (pid === undefined) throw new SoakError('CLUSTER_NODE_FAILED', `node ${this.node} is not running`);
    // Linux's /proc: the tooling that runs the cluster (PostgreSQL from apt) is Linux-only too.
    this.#launch = {
      argv: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1),
      cwd: readlinkSync(`/proc/${pid}/cwd`),
      logFile: readlinkSync(`/proc/${pid}/fd/1`),
    };
    return pid;
  }

  async #gone(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.#pid() !== undefined) {
      if (Date.now() > deadline)
        throw new SoakError('CLUSTER_NODE_FAILED', `node ${this.node} still runs ${timeoutMs} ms after the signal`);
      await sleep(50);
    }
  }

  async #serving(): Promise<void> {
    const deadline = Date.now() + READY_MS;
    let last = '';
    for (;;) {
      if (this.#pid() === undefined)
        throw new SoakError(
          'CLUSTER_NODE_FAILED',
          `node ${this.node} exited during its restart; see ${this.#launch?.logFile} (${last})`,
        );
      try {
        if (await healthy(this.address)) return;
        last = 'not serving yet';
      } catch (error) {
        last = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      }
      if (Date.now() > deadline)
        throw new SoakError(
          'CLUSTER_NODE_FAILED',
          `node ${this.node} did not serve within ${READY_MS / 1000} s (${last})`,
        );
      await sleep(250);
    }
  }
}

/** True when the frontend at `address` answers its gRPC health check with SERVING. */
async function healthy(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1_000 });
  try {
    const { status } = await connection.withDeadline(Date.now() + 2_000, () =>
      connection.healthService.check({ service: 'temporal.api.workflowservice.v1.WorkflowService' }),
    );
    // 1 = SERVING.
    return status === 1;
  } finally {
    await connection.close();
  }
}

/** A fresh two-node cluster with its state (PostgreSQL data, configs, node logs) in `dir`. */
export async function startSoakCluster(dir: string, log: (line: string) => void): Promise<ClusterNode[]> {
  const cluster = await startCluster({ dir, nodes: 2, port: CLUSTER_PORT, postgresPort: CLUSTER_POSTGRES_PORT, log });
  return [new ClusterNode(cluster, 1), new ClusterNode(cluster, 2)];
}
