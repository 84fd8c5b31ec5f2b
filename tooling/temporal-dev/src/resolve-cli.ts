import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CLI_FILE, cliBuildDir } from './paths';

/** Where a Temporal CLI binary was found. */
export type CliSource = 'TEMPORAL_CLI_PATH' | 'PATH' | 'cache';

export interface FoundCli {
  path: string;
  source: CliSource;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Looks for an installed `temporal` binary, in order: `TEMPORAL_CLI_PATH`, `PATH`,
 * then the cache. Returns undefined when there is none (no download, no build).
 */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): FoundCli | undefined {
  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!isExecutable(explicit)) {
      throw new Error(`TEMPORAL_CLI_PATH is set to ${explicit}, which is not an executable file`);
    }
    return { path: explicit, source: 'TEMPORAL_CLI_PATH' };
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, CLI_FILE);
    if (isExecutable(candidate)) return { path: candidate, source: 'PATH' };
  }
  const cached = join(cliBuildDir(), CLI_FILE);
  if (isExecutable(cached)) return { path: cached, source: 'cache' };
  return undefined;
}
