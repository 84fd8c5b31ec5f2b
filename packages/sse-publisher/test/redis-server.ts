import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accepting, freePort } from '@resumable/kit/net';

/** A real `redis-server` on 127.0.0.1, started and stopped by the test. */
export interface RedisProcess {
  port: number;
  url: string;
  /** Kills the server (SIGKILL: like a crash, nothing saved). */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  restart(): Promise<void>;
}

function findRedisServer(): string {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '') {
    throw new Error(
      'redis-server was not found on PATH. The Redis bus tests need a real Redis: install it (apt-get install redis-server) and run the tests again.',
    );
  }
  return path;
}

export async function startRedis(): Promise<RedisProcess> {
  const binary = findRedisServer();
  const port = await freePort();
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    // No persistence, no config file: a throwaway server for this test only.
    child = spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
      {
        stdio: 'ignore',
      },
    );
    const started = Date.now();
    while (!(await accepting(port))) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode} on port ${port}`);
      if (Date.now() - started > 10_000) throw new Error(`redis-server did not listen on port ${port} within 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async function kill(): Promise<void> {
    const current = child;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill('SIGKILL');
    await exited;
  }

  await start();
  return { port, url: `redis://127.0.0.1:${port}`, kill, restart: start };
}
