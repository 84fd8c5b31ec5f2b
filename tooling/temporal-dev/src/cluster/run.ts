import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { TemporalDevError } from '../errors';
import { startCluster, type ClusterOptions } from './cluster';
import { clientEnvOf } from '../tls/client-env';

/**
 * Starts a cluster, runs `command` with `TEMPORAL_ADDRESS` (node 1, or the balancer with
 * `options.balancer`) and
 * `TEMPORAL_NAMESPACE` pointing at it (and the `TEMPORAL_TLS_*` variables with `tls`), then stops the cluster whatever the command did.
 * Without `options.dir` the cluster gets a fresh state folder, removed afterwards, so a
 * run never sees an earlier run's workflows. Resolves to the command's exit code.
 *
 * @example
 * const code = await runOnCluster({ port: 17233, postgresPort: 15433 }, ['vitest', 'run', '--project', 'workflow-state']);
 */
export async function runOnCluster(options: ClusterOptions, command: string[]): Promise<number> {
  const [program, ...args] = command;
  if (!program) throw new TemporalDevError('CLUSTER_BAD_OPTIONS', 'cluster run needs a command after `--`');
  const ownDir = options.dir === undefined ? mkdtempSync(join(tmpdir(), 'resumable-cluster-run-')) : undefined;
  try {
    const cluster = await startCluster({ ...options, ...(ownDir ? { dir: ownDir } : {}) });
    try {
      return await runCommand(program, args, {
        TEMPORAL_ADDRESS: cluster.balancer?.address ?? cluster.addresses[0],
        TEMPORAL_NAMESPACE: cluster.namespace,
        ...(options.tls ? clientEnvOf(options.tls) : {}),
      });
    } finally {
      await cluster.stop();
    }
  } finally {
    // A failed start has stopped what it started; its log tail is in the error.
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
  }
}

/** Runs `program` with `env` added to ours, its output on our terminal; resolves to its exit code. */
async function runCommand(program: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(program, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  // Ctrl-C reaches the child from the terminal: we stay to stop the cluster once it exits.
  // A TERM (a CI runner's) is passed on.
  const keep = () => undefined;
  const forward = () => child.kill('SIGTERM');
  process.on('SIGINT', keep);
  process.on('SIGTERM', forward);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', (cause) =>
        reject(new TemporalDevError('CLUSTER_BAD_OPTIONS', `could not run ${program}: ${cause.message}`, { cause })),
      );
      child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
    });
  } finally {
    process.off('SIGINT', keep);
    process.off('SIGTERM', forward);
  }
}
