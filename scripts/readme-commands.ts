// Runs the README's two commands exactly as written, the way a new user would: in a fresh
// clone of HEAD, with every cache empty (npm's, pnpm's store, Go's module and build
// caches, the Temporal CLI cache), and nothing from this shell that a fresh machine would
// not have (no TEMPORAL_ADDRESS, no TEMPORAL_CLI_PATH).
//
//   tsx scripts/readme-commands.ts [--dir <empty folder>] [--only demo|test] [--ref <branch>]
//
// The demo command runs until the app answers its task board, then gets Ctrl-C (SIGINT
// to its process group) and must stop cleanly; the test command must exit 0. Each
// command is the shell block after a `<!-- readme-command: demo|test -->` line.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');
const DEMO_READY_MS = 45 * 60_000;
const DEMO_STOP_MS = 60_000;

/** The shell commands of the README, by the name of the marker before each block. */
export function readmeCommands(markdown: string): Record<string, string> {
  const commands: Record<string, string> = {};
  const pattern = /^<!-- readme-command: (\w+) -->\n```(?:sh|bash)\n([\s\S]*?)^```$/gm;
  for (const [, name = '', body = ''] of markdown.matchAll(pattern)) commands[name] = body.trim();
  return commands;
}

/** Variables a fresh machine would not have, and every cache pointed at an empty folder. */
export function freshEnv(env: NodeJS.ProcessEnv, caches: string): NodeJS.ProcessEnv {
  const fresh: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (
      /^(TEMPORAL_|RESUMABLE_|npm_|PNPM_|COREPACK_|GOMODCACHE$|GOCACHE$|XDG_CACHE_HOME$|VITEST|NODE_OPTIONS$)/.test(
        name,
      )
    )
      continue;
    fresh[name] = value;
  }
  // A shell started by a package manager has the workspace's bins on PATH; a new user does not.
  fresh.PATH = (env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir && !dir.includes(`${'/'}node_modules${'/'}`) && !dir.endsWith('/node_modules/.bin'))
    .join(delimiter);
  return {
    ...fresh,
    XDG_CACHE_HOME: join(caches, 'xdg'), // the Temporal CLI cache, Go's build cache, Node binaries
    GOMODCACHE: join(caches, 'go-mod'),
    npm_config_cache: join(caches, 'npm'), // npx's pnpm and the packages npm fetches
    npm_config_store_dir: join(caches, 'pnpm-store'),
  };
}

function log(line: string): void {
  process.stdout.write(`[readme-commands] ${line}\n`);
}

/** Runs the demo command until its task board answers, then stops it as Ctrl-C would. */
async function runDemo(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn('bash', ['-c', command], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let board: string | undefined;
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    process.stdout.write(text);
    output += text;
    board ??= /Task board\s+(http:\/\/\S+)/.exec(output)?.[1];
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  const state = { exited: false };
  void exited.then(() => (state.exited = true));

  const deadline = Date.now() + DEMO_READY_MS;
  for (;;) {
    if (state.exited) throw new Error('the demo command exited before its task board answered');
    if (Date.now() > deadline)
      throw new Error(`the task board did not answer within ${DEMO_READY_MS / 60_000} minutes`);
    const response = board ? await fetch(board).catch(() => undefined) : undefined;
    if (response?.ok) {
      const html = await response.text();
      if (!/<html/i.test(html)) throw new Error(`${board} answered without a page`);
      log(`${board} answered ${response.status}`);
      break;
    }
    await new Promise((wait) => setTimeout(wait, 1_000));
  }
  log('Ctrl-C');
  process.kill(-child.pid!, 'SIGINT');
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), DEMO_STOP_MS);
  const { code, signal } = await exited;
  clearTimeout(timer);
  if (!output.includes('[demo] stopped')) {
    throw new Error(`the demo did not stop cleanly on Ctrl-C (code ${code}, signal ${signal})`);
  }
}

function runTest(command: string, cwd: string, env: NodeJS.ProcessEnv): void {
  const result = spawnSync('bash', ['-c', command], { cwd, env, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`the test command exited ${result.status ?? result.signal}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { dir: { type: 'string' }, only: { type: 'string' }, ref: { type: 'string' } },
  });
  const commands = readmeCommands(readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\r\n/g, '\n'));
  for (const name of ['demo', 'test']) {
    if (!commands[name]) throw new Error(`README.md has no shell block marked <!-- readme-command: ${name} -->`);
  }
  const work = resolve(values.dir ?? mkdtempSync(join(tmpdir(), 'resumable-readme-')));
  mkdirSync(work, { recursive: true });
  if (readdirSync(work).length > 0) throw new Error(`${work} is not empty`);
  const clone = join(work, 'repo');
  const caches = join(work, 'caches');
  mkdirSync(caches);
  log(`fresh clone of HEAD in ${clone}, empty caches in ${caches}`);
  const cloned = spawnSync('git', ['clone', '--quiet', ...(values.ref ? ['--branch', values.ref] : []), ROOT, clone], {
    stdio: 'inherit',
  });
  if (cloned.status !== 0) throw new Error('git clone failed');
  const env = freshEnv(process.env, caches);

  for (const name of values.only ? [values.only] : ['demo', 'test']) {
    const started = Date.now();
    log(`${name}: ${commands[name]}`);
    if (name === 'demo') await runDemo(commands.demo!, clone, env);
    else runTest(commands.test!, clone, env);
    log(`${name}: passed in ${Math.round((Date.now() - started) / 1000)} s`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error) => {
    log(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
