/**
 * Starts the example stack around a Temporal server: the example worker and the
 * example Next.js app, each in its own process group, so stopping them stops
 * everything they started. Used by `pnpm demo` and by the end-to-end tests.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { freePort } from '@resumable/kit/net';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const APP_DIR = join(ROOT, 'examples/next-app');
export const WORKER_DIR = join(ROOT, 'examples/worker');
const NEXT_BIN = join(APP_DIR, 'node_modules/next/dist/bin/next');

/** Workspace packages the app imports from their built `dist/`. */
const APP_PACKAGES = ['protocol', 'sse-publisher', 'recovery-manager', 'recovery-server', 'react-hooks'];

export interface StackOptions {
  temporalAddress: string;
  namespace: string;
  taskQueue?: string;
  /** App port; a free one when omitted. */
  port?: number;
  /** `start` runs the built app (building it first when stale); `dev` runs `next dev`. */
  mode?: 'start' | 'dev';
  /** A prebuilt workflow bundle for the worker (skips bundling at start). */
  workflowBundle?: string;
  /** Where the processes' output goes, line by line. */
  log?: (source: 'app' | 'worker' | 'stack', line: string) => void;
  /** The Temporal web UI, for the app's links to each workflow (none when omitted). */
  temporalUiUrl?: string | undefined;
}

export interface Stack {
  appUrl: string;
  taskQueue: string;
  /** Stops the app and the worker (their whole process groups). Safe to call twice. */
  stop(): Promise<void>;
  /** Resolves if either process exits on its own (with its name and code). */
  exited: Promise<{ name: string; code: number | null }>;
}

/** Newest modification time of any file under `path` (0 when absent). */
function newest(path: string, skip: (name: string) => boolean = () => false): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = 0;
  for (const name of readdirSync(path)) {
    if (skip(name)) continue;
    latest = Math.max(latest, newest(join(path, name), skip));
  }
  return latest;
}

/** Oldest modification time of the files directly in `dir` (0 when absent or empty). */
function oldestFile(dir: string): number {
  if (!existsSync(dir)) return 0;
  const times = readdirSync(dir).map((name) => statSync(join(dir, name)).mtimeMs);
  return times.length ? Math.min(...times) : 0;
}

const skipTests = (name: string) => /\.test(-d)?\.tsx?$/.test(name);

/** Builds the packages the app uses, when a `dist/` is missing or older than its sources. */
export function ensurePackagesBuilt(log: (line: string) => void = console.log): void {
  const stale = APP_PACKAGES.filter((name) => {
    const dir = join(ROOT, 'packages', name);
    return (
      oldestFile(join(dir, 'dist')) < Math.max(newest(join(dir, 'src'), skipTests), newest(join(dir, 'package.json')))
    );
  });
  if (stale.length === 0) return;
  log(`building ${stale.map((name) => `@resumable/${name}`).join(', ')} (dist missing or stale)`);
  const filters = stale.flatMap((name) => ['--filter', `@resumable/${name}...`]);
  // Filters with '...' build what each depends on too; turbo skips what is cached.
  const result = spawnSync('pnpm', ['exec', 'turbo', 'run', 'build', ...filters, '--output-logs=errors-only'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('Building the packages failed');
}

/** True when `.next` is missing or older than anything it is built from. */
export function appBuildIsStale(): boolean {
  const buildId = join(APP_DIR, '.next/BUILD_ID');
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  const inputs = [
    ...['app', 'components', 'lib', 'next.config.ts', 'instrumentation.ts', 'package.json', 'tsconfig.json'].map(
      (name) => newest(join(APP_DIR, name)),
    ),
    newest(join(WORKER_DIR, 'src/shared.ts')),
    ...APP_PACKAGES.map((name) => newest(join(ROOT, 'packages', name, 'dist'))),
  ];
  return Math.max(...inputs) > built;
}

/** `next build`, when the build is missing or stale; resolves with the time it took (0 when skipped). */
export function ensureAppBuilt(log: (line: string) => void = console.log): number {
  ensurePackagesBuilt(log);
  if (!appBuildIsStale()) return 0;
  log('building the Next.js app (next build)');
  const started = Date.now();
  const result = spawnSync(process.execPath, [NEXT_BIN, 'build'], {
    cwd: APP_DIR,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) throw new Error('next build failed');
  return Date.now() - started;
}

function pipeLines(child: ChildProcess, emit: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) emit(line);
    });
    stream?.on('end', () => rest.trim() && emit(rest));
  }
}

/** Sends `signal` to the child's whole process group (it was spawned detached, as its leader). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  // Anything the process left behind in its group goes too.
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is empty.
  }
}

async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs: number,
  failed: () => string | undefined,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = failed();
    if (reason) throw new Error(`${what}: ${reason}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 150));
  }
}

/**
 * Starts the worker and the app against a running Temporal server and waits until
 * both are ready. Secrets are made fresh per run and shared only with these two.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const log = options.log ?? ((source, line) => console.log(`[${source}] ${line}`));
  const mode = options.mode ?? 'start';
  const port = options.port ?? (await freePort());
  const appUrl = `http://127.0.0.1:${port}`;
  const taskQueue = options.taskQueue ?? process.env.TEMPORAL_TASK_QUEUE ?? 'resumable-examples';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_NAMESPACE: options.namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    RESUMABLE_SECRET: process.env.RESUMABLE_SECRET ?? randomBytes(32).toString('hex'),
    RESUMABLE_BUS_SECRET: process.env.RESUMABLE_BUS_SECRET ?? randomBytes(32).toString('hex'),
    RESUMABLE_BUS_URL: `${appUrl}/api/resumable/bus`,
    ...(options.temporalUiUrl ? { TEMPORAL_UI_URL: options.temporalUiUrl } : {}),
    NEXT_TELEMETRY_DISABLED: '1',
    // The example activities fail on purpose to show retries: keep Temporal's per-failure warnings out of the way.
    TEMPORAL_LOG_LEVEL: process.env.TEMPORAL_LOG_LEVEL ?? 'ERROR',
  };
  const children: { name: 'app' | 'worker'; child: ChildProcess }[] = [];
  let stopping = false;
  let exitReason: string | undefined;
  let reportExit: (value: { name: string; code: number | null }) => void = () => {};
  const exited = new Promise<{ name: string; code: number | null }>((done) => (reportExit = done));

  const launch = (name: 'app' | 'worker', args: string[], cwd: string, extraEnv: Record<string, string> = {}) => {
    // detached: the child leads its own process group, so one signal reaches everything it starts.
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...env, ...extraEnv },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The worker tags its own lines; the stack adds the tag for everything else.
    pipeLines(child, (line) => log(name, line.startsWith(`[${name}] `) ? line.slice(name.length + 3) : line));
    child.once('exit', (code, signal) => {
      if (stopping) return;
      exitReason = `${name} exited (${signal ?? code})`;
      reportExit({ name, code });
    });
    children.push({ name, child });
    return child;
  };

  const stop = async () => {
    stopping = true;
    // The app first (it holds the streams), then the worker (it finishes its tasks in its grace time).
    for (const { child } of [...children].reverse()) await stopChild(child);
  };

  try {
    let workerReady = false;
    const worker = launch(
      'worker',
      ['--conditions=@resumable/source', '--import', 'tsx', join(WORKER_DIR, 'src/main.ts')],
      WORKER_DIR,
      options.workflowBundle ? { RESUMABLE_WORKFLOW_BUNDLE: options.workflowBundle } : {},
    );
    worker.stdout?.on('data', (chunk: Buffer) => {
      if (String(chunk).includes('[worker] ready')) workerReady = true;
    });
    launch('app', [NEXT_BIN, mode, '--hostname', '127.0.0.1', '--port', String(port)], APP_DIR, {
      NODE_ENV: mode === 'dev' ? 'development' : 'production',
    });
    // 401 without a token means the route, the server singleton and auth are all up.
    await waitFor(
      async () => (await fetch(`${appUrl}/api/workflow/paused`)).status === 401,
      'the app',
      mode === 'dev' ? 120_000 : 60_000,
      () => exitReason,
    );
    await waitFor(
      async () => workerReady,
      'the worker',
      90_000,
      () => exitReason,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { appUrl, taskQueue, stop, exited };
}
