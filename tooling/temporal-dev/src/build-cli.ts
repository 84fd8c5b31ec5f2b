import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TemporalDevError } from './errors';
import { CLI_FILE, TEMPORAL_CLI_VERSION, cliBuildDir } from './paths';

const CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

/** True when a Go toolchain is on PATH. */
export function hasGo(): boolean {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Builds the Temporal CLI from source with `go install` into the cache and returns
 * its path. Takes a few minutes the first time; later runs find the binary.
 *
 * Releases from v1.6.0 on carry a `replace` directive in their go.mod, which
 * `go install module@version` refuses, so the pinned release is v1.5.x.
 */
export async function buildTemporalCli(
  options: { version?: string; log?: (line: string) => void } = {},
): Promise<string> {
  const version = options.version ?? TEMPORAL_CLI_VERSION;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (!hasGo()) {
    throw new TemporalDevError('CLI_BUILD_FAILED', 'Cannot build the Temporal CLI: no `go` on PATH');
  }
  const dir = cliBuildDir(version);
  mkdirSync(dir, { recursive: true });
  log(`[temporal-dev] building Temporal CLI ${version} with Go into ${dir} (first time only; takes a few minutes)`);
  const started = Date.now();
  const child = spawn('go', ['install', `${CLI_MODULE}@${version}`], {
    env: { ...process.env, GOBIN: dir, CGO_ENABLED: process.env.CGO_ENABLED ?? '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const ticker = setInterval(
    () => log(`[temporal-dev] still building… ${Math.round((Date.now() - started) / 1000)}s`),
    30_000,
  );
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(ticker);
  if (code !== 0) {
    throw new TemporalDevError('CLI_BUILD_FAILED', `go install ${CLI_MODULE}@${version} exited with ${code}:\n${tail}`);
  }
  log(`[temporal-dev] built Temporal CLI in ${Math.round((Date.now() - started) / 1000)}s`);
  return join(dir, CLI_FILE);
}
