/**
 * The soak's child processes: each runs in its own process group, its output goes to
 * a log file, and it can be killed with SIGKILL (a crash: nothing flushed, nothing
 * closed) and started again with the same arguments, as an operator's supervisor would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Ready when this resolves true; polled every 100 ms. */
  ready: (output: string) => Promise<boolean> | boolean;
  /** Longest wait for ready, ms. */
  startTimeoutMs?: number;
}

/** What a fault can take down and bring back: a process of the soak, or a Temporal cluster node. */
export interface Restartable {
  /** SIGKILL (a crash); resolves once it is gone. */
  kill9(): Promise<void>;
  /** SIGTERM (an orderly stop); resolves once it is gone. */
  stop(): Promise<void>;
  /** Starts it again; resolves once it is ready. */
  start(): Promise<void>;
}

export class ManagedProcess implements Restartable {
  #child: ChildProcess | undefined;
  #output = '';
  readonly #log: WriteStream;
  starts = 0;

  constructor(
    readonly spec: ProcessSpec,
    logDir: string,
  ) {
    this.#log = createWriteStream(join(logDir, `${spec.name}.log`), { flags: 'a' });
  }

  get running(): boolean {
    return !!this.#child && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  async start(): Promise<void> {
    const { spec } = this;
    this.#output = '';
    this.starts++;
    this.#log.write(`\n--- start ${this.starts} at ${new Date().toISOString()}\n`);
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        this.#log.write(chunk);
        // Only the start of the output matters for readiness.
        if (this.#output.length < 64 * 1024) this.#output += chunk;
      });
    }
    const deadline = Date.now() + (spec.startTimeoutMs ?? 60_000);
    for (;;) {
      if (!this.running)
        throw new Error(
          `${spec.name} exited during start (code ${child.exitCode}); see its log:\n${this.#output.slice(-2000)}`,
        );
      if (await spec.ready(this.#output)) return;
      if (Date.now() > deadline)
        throw new Error(`${spec.name} was not ready after ${spec.startTimeoutMs ?? 60_000} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** SIGKILL to the whole group, then waits for the exit. */
  kill9(): Promise<void> {
    return this.#signal('SIGKILL');
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    const timer = setTimeout(() => void this.#signal('SIGKILL'), graceMs);
    await this.#signal('SIGTERM');
    clearTimeout(timer);
    // Whatever the process left in its group goes too.
    this.#group('SIGKILL');
  }

  async close(): Promise<void> {
    await this.stop();
    await new Promise((resolve) => this.#log.end(resolve));
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.#group(signal);
    await exited;
  }

  #group(signal: NodeJS.Signals): void {
    const pid = this.#child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is gone already.
    }
  }
}
