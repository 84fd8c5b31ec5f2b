import { spawn } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import { hasGo } from '../build-cli';
import { TemporalDevError } from '../errors';
import { TEMPORAL_SERVER_VERSION, serverBuildDir } from '../paths';
import { TEMPORAL_UI_VERSION } from './layout';

const SERVER_MODULE = 'go.temporal.io/server';
const UI_MODULE = 'github.com/temporalio/ui-server/v2';

/** What one server release needs on disk, all inside `serverBuildDir()`. */
export interface ServerBinaries {
  /** `temporal-server`: runs the services of one node. */
  server: string;
  /** `temporal-sql-tool`: creates and migrates the databases. */
  sqlTool: string;
  /** `schema/postgresql/v12` copied from the module source. */
  schemaDir: string;
}

/** Where the binaries of `version` are (or will be) kept. */
export function serverBinaryPaths(version = TEMPORAL_SERVER_VERSION): ServerBinaries {
  const dir = serverBuildDir(version);
  return {
    server: join(dir, 'temporal-server'),
    sqlTool: join(dir, 'temporal-sql-tool'),
    schemaDir: join(dir, 'schema', 'postgresql', 'v12'),
  };
}

/** Path of the web UI server binary (built on demand; it may not exist). */
export function uiServerPath(version = TEMPORAL_UI_VERSION): string {
  return join(serverBuildDir(), `temporal-ui-server-${version}`);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes sure the Temporal server, its SQL tool and the PostgreSQL schema files are in
 * the cache, building them with `go install` from the Go module proxy the first time
 * (a few minutes); later calls return at once.
 *
 * @example
 * const { server, sqlTool, schemaDir } = await ensureServerBinaries();
 */
export async function ensureServerBinaries(
  options: { version?: string; log?: (line: string) => void } = {},
): Promise<ServerBinaries> {
  const version = options.version ?? TEMPORAL_SERVER_VERSION;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const paths = serverBinaryPaths(version);
  const dir = serverBuildDir(version);
  mkdirSync(dir, { recursive: true });
  const missing = [
    !isExecutable(paths.server) && { module: `${SERVER_MODULE}/cmd/server`, built: 'server', target: paths.server },
    !isExecutable(paths.sqlTool) && {
      module: `${SERVER_MODULE}/cmd/tools/sql`,
      built: 'sql',
      target: paths.sqlTool,
    },
  ].filter((entry) => entry !== false);
  if ((missing.length > 0 || !existsSync(join(paths.schemaDir, 'temporal', 'versioned'))) && !hasGo()) {
    throw new TemporalDevError(
      'SERVER_BUILD_FAILED',
      `Cannot build the Temporal server ${version}: no \`go\` on PATH (install Go 1.25 or newer)`,
    );
  }
  for (const { module, built, target } of missing) {
    log(`[temporal-cluster] building ${module}@${version} with Go into ${dir} (first time only; takes a few minutes)`);
    await goInstall(`${module}@${version}`, built, target, log, 'SERVER_BUILD_FAILED');
  }
  if (!existsSync(join(paths.schemaDir, 'temporal', 'versioned'))) {
    const source = await moduleDir(`${SERVER_MODULE}@${version}`);
    const from = join(source, 'schema', 'postgresql', 'v12');
    if (!existsSync(from)) {
      throw new TemporalDevError('SERVER_BUILD_FAILED', `${SERVER_MODULE}@${version} has no ${from}`);
    }
    cpSync(from, paths.schemaDir, { recursive: true });
    // The module cache is read-only; the copy must stay removable by `rm -rf`.
    makeWritable(paths.schemaDir);
  }
  return paths;
}

/**
 * Builds the Temporal web UI server (`ui-server`, the one the CLI embeds) into the
 * cache. Returns its path, or throws a `SERVER_BUILD_FAILED` error saying why not.
 *
 * @example
 * const ui = await ensureUiServer().catch(() => undefined);
 */
export async function ensureUiServer(options: { log?: (line: string) => void } = {}): Promise<string> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const target = uiServerPath();
  if (isExecutable(target)) return target;
  if (!hasGo()) throw new TemporalDevError('SERVER_BUILD_FAILED', 'Cannot build the Temporal web UI: no `go` on PATH');
  mkdirSync(serverBuildDir(), { recursive: true });
  log(`[temporal-cluster] building ${UI_MODULE}/cmd/server@${TEMPORAL_UI_VERSION} (the web UI) with Go`);
  await goInstall(`${UI_MODULE}/cmd/server@${TEMPORAL_UI_VERSION}`, 'server', target, log, 'SERVER_BUILD_FAILED');
  return target;
}

/**
 * `go install` into a private GOBIN (the server and the UI both build as `server`),
 * then moves the binary to its cached name.
 */
async function goInstall(
  spec: string,
  built: string,
  target: string,
  log: (line: string) => void,
  code: 'SERVER_BUILD_FAILED',
): Promise<void> {
  const gobin = `${target}.gobin-${process.pid}`;
  mkdirSync(gobin, { recursive: true });
  const started = Date.now();
  try {
    const { status, output } = await runGo(['install', spec], { GOBIN: gobin }, () =>
      log(`[temporal-cluster] still building ${spec}… ${Math.round((Date.now() - started) / 1000)}s`),
    );
    if (status !== 0) throw new TemporalDevError(code, `go install ${spec} exited with ${status}:\n${output}`);
    renameSync(join(gobin, built), target);
    log(`[temporal-cluster] built ${spec} in ${Math.round((Date.now() - started) / 1000)}s`);
  } finally {
    rmSync(gobin, { recursive: true, force: true });
  }
}

/** The module's source folder in the Go module cache (downloading it when absent). */
async function moduleDir(spec: string): Promise<string> {
  const { status, output } = await runGo(['mod', 'download', '-json', spec], {});
  const dir = status === 0 ? (JSON.parse(output) as { Dir?: string }).Dir : undefined;
  if (!dir) throw new TemporalDevError('SERVER_BUILD_FAILED', `go mod download ${spec} failed:\n${output}`);
  return dir;
}

async function runGo(
  args: string[],
  env: Record<string, string>,
  onTick?: () => void,
): Promise<{ status: number | null; output: string }> {
  const child = spawn('go', args, {
    // Outside any module, so the repo's own files never steer the build.
    cwd: serverBuildDir(),
    env: { ...process.env, CGO_ENABLED: process.env.CGO_ENABLED ?? '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const ticker = onTick ? setInterval(onTick, 30_000) : undefined;
  try {
    const status = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    return { status, output };
  } finally {
    clearInterval(ticker);
  }
}

function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(path);
    else chmodSync(path, 0o644);
  }
}
