import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import { connectTestClient, createTestWorker, type TestWorker } from '@resumable/temporal-dev/vitest';
import { createRecoveryServer, type RecoveryServer } from '@resumable/recovery-server';
import { toNodeHandler } from '@resumable/recovery-server/node';
import { createInMemoryBus, createSsePublisher } from '@resumable/sse-publisher';
import { createResumableSinks } from '@resumable/workflow-state/worker';

const PACKAGE = resolve(import.meta.dirname, '..');
const ROOT = resolve(PACKAGE, '../..');
const SECRET = 'cli-test-secret-that-is-at-least-32-characters';

/** A real worker (this package's test workflows), a client, and a recovery server on 127.0.0.1:0. */
export interface Stack {
  client: Client;
  worker: TestWorker;
  taskQueue: string;
  server: RecoveryServer;
  http: Server;
  port: number;
  /** A token for every task and action. */
  token: string;
  /** Stops the recovery server (every connection cut) and starts a fresh one on the same port after `downMs`. */
  restartServer(downMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const bus = createInMemoryBus();
  const client = await connectTestClient();
  const worker = await createTestWorker('cli', {
    sinks: createResumableSinks({ bus, onError: () => undefined }),
  });
  const running = worker.worker.run();
  const listen = async (port: number) => {
    const server = createRecoveryServer({
      temporal: { client },
      auth: { secret: SECRET },
      bus,
      publisher: createSsePublisher({ retryMs: 100, heartbeatMs: 5_000 }),
      stream: { tailCheckMs: 150, maxTailCheckMs: 1_000, idleMs: 2_000 },
      onError: () => undefined,
    });
    await server.start();
    const http = createServer(toNodeHandler(server));
    http.listen(port, '127.0.0.1');
    await once(http, 'listening');
    return { server, http };
  };
  const stop = async ({ server, http }: { server: RecoveryServer; http: Server }) => {
    await server.close();
    http.closeAllConnections();
    await new Promise((done) => http.close(done));
  };
  let current = await listen(0);
  const port = (current.http.address() as AddressInfo).port;
  const token = await current.server.mintToken({
    subject: 'cli-test',
    tasks: '*',
    actions: ['read', 'resume', 'cancel'],
    ttlSeconds: 600,
  });
  return {
    client,
    worker,
    taskQueue: worker.taskQueue,
    get server() {
      return current.server;
    },
    get http() {
      return current.http;
    },
    port,
    token,
    async restartServer(downMs) {
      await stop(current);
      await new Promise((done) => setTimeout(done, downMs));
      current = await listen(port);
    },
    async close() {
      await stop(current);
      worker.worker.shutdown();
      await running;
      await worker.close();
      await client.connection.close();
    },
  };
}

/**
 * A TCP proxy in front of a port that can cut every connection (`cut()`) and refuse new
 * ones until `up()`: what a dropped network looks like to the CLI, with the server alive.
 */
export interface Proxy {
  port: number;
  baseUrl: string;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Destroys every open connection and refuses new ones. */
  cut(): void;
  /** Accepts connections again. */
  up(): void;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<Proxy> {
  const open = new Set<Socket>();
  let down = false;
  let connections = 0;
  const server = createTcpServer((incoming) => {
    if (down) return void incoming.destroy();
    connections++;
    const outgoing = connect(targetPort, '127.0.0.1');
    for (const socket of [incoming, outgoing]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => undefined);
    }
    incoming.pipe(outgoing).pipe(incoming);
    incoming.on('close', () => outgoing.destroy());
    outgoing.on('close', () => incoming.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}/api`,
    get connections() {
      return connections;
    },
    cut() {
      down = true;
      for (const socket of open) socket.destroy();
    },
    up() {
      down = false;
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise((done) => server.close(done));
    },
  };
}

/** A running `resumable` process. */
export interface CliRun {
  /** What it wrote so far (stdout; under a pty, stdout and stderr together). */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when it exits, with its exit code. */
  exited: Promise<number>;
  /** Types into the terminal (pty only): `\x03` is Ctrl-C. */
  type(text: string): void;
  kill(signal?: NodeJS.Signals): void;
}

const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the CLI from its sources (tsx with the `@resumable/source` condition, as the
 * repository's tooling runs workspace code) as a child process: under a pseudo-terminal
 * made by util-linux `script` when `pty`, else with pipes. Killed after `timeoutMs`.
 */
export function spawnCli(
  args: string[],
  options: { pty?: boolean; env?: Record<string, string>; timeoutMs?: number } = {},
): CliRun {
  const command = [
    resolve(ROOT, 'node_modules/.bin/tsx'),
    '--conditions=@resumable/source',
    // Not this package's tsconfig: its `paths` point the type-check at built declarations.
    `--tsconfig=${resolve(ROOT, 'tsconfig.node.json')}`,
    'src/bin.ts',
    ...args,
  ];
  const env = { ...process.env, RESUMABLE_URL: '', RESUMABLE_TOKEN: '', ...options.env };
  // -q quiet, -e the child's exit code, -f flush at once, -c the command; the typescript file is /dev/null.
  const child = options.pty
    ? spawn('script', ['-qefc', command.map(quote).join(' '), '/dev/null'], {
        cwd: PACKAGE,
        env: { ...env, TERM: 'xterm-256color', COLUMNS: '', LINES: '' },
        stdio: ['pipe', 'pipe', 'pipe'],
      })
    : spawn(command[0] as string, command.slice(1), { cwd: PACKAGE, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
  const exited = new Promise<number>((done) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done(code ?? (signal ? 128 : 1));
    }),
  );
  return {
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    type: (text) => void child.stdin?.write(text),
    kill: (signal = 'SIGINT') => child.kill(signal),
  };
}

// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Terminal output as the lines a person sees in its history: escapes gone, each `\r` redraw a line of its own. */
export const screenLines = (output: string): string[] =>
  output
    .replace(ESCAPES, '')
    .split(/\r\n|\r|\n/)
    .filter((line) => line.trim() !== '');

/** The sequences of the update lines (`#12  …`) in output order. */
export const updateSequences = (lines: string[]): number[] =>
  lines.flatMap((line) => /^#(\d+) {2}/.exec(line)?.[1] ?? []).map(Number);

/** 1…n. */
export const range = (n: number): number[] => Array.from({ length: n }, (_, index) => index + 1);
