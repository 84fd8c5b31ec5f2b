import { homedir } from 'node:os';
import { join } from 'node:path';

/** The Temporal CLI release built from source when nothing else is found. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

/**
 * Where built or downloaded binaries live: outside any clone, so fresh clones and CI
 * runs on the same machine reuse them. `RESUMABLE_CACHE_DIR` overrides it.
 */
export function cacheDir(): string {
  if (process.env.RESUMABLE_CACHE_DIR) return process.env.RESUMABLE_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'resumable');
}

/** Directory holding the Go-built CLI of one release. */
export function cliBuildDir(version = TEMPORAL_CLI_VERSION): string {
  return join(cacheDir(), 'temporal', version);
}

/** Directory `@temporalio/testing` downloads into. */
export function downloadDir(): string {
  return join(cacheDir(), 'temporal', 'download');
}

/** The Temporal server release `pnpm temporal cluster` builds and runs (also pinned in examples/docker-compose.temporal.yml). */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';

/** Directory holding the Go-built server, SQL schema tool and schema files of one release. */
export function serverBuildDir(version = TEMPORAL_SERVER_VERSION): string {
  return join(cacheDir(), 'temporal-server', version);
}

/** Default state folder of `pnpm temporal cluster`: PostgreSQL data, configs, logs, pid files. */
export function clusterStateDir(): string {
  return join(cacheDir(), 'cluster');
}

export const CLI_FILE = process.platform === 'win32' ? 'temporal.exe' : 'temporal';
