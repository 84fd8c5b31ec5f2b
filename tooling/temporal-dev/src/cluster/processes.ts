import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Starts `command` in its own session, detached from us, with stdout and stderr
 * appended to `logFile` and its pid in `pidFile`: it outlives the `cluster start` that
 * launched it, and `cluster stop` finds it from another shell.
 */
export function spawnDetached(options: {
  command: string;
  args: string[];
  cwd: string;
  logFile: string;
  pidFile: string;
  env?: NodeJS.ProcessEnv;
}): number {
  const log = openSync(options.logFile, 'a');
  try {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      detached: true,
      stdio: ['ignore', log, log],
      env: options.env ?? process.env,
    });
    if (child.pid === undefined) throw new Error(`could not start ${options.command}`);
    child.unref();
    writeFileSync(options.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/**
 * The pid in `pidFile` when that process still runs the program `command`; pid files
 * outlive reboots and crashes, and a recycled pid must never be signalled.
 */
export function runningPid(pidFile: string, command: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  try {
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
    if (argv0 !== command) return undefined;
    // A zombie (killed, not yet reaped by its parent) runs nothing any more.
    if (/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))) return undefined;
  } catch {
    // No /proc (macOS): the signal check above is all we have.
  }
  return pid;
}

/** Sends `signal` to the process in `pidFile` if it still runs `command`; true when it did. */
export function signalPid(pidFile: string, command: string, signal: NodeJS.Signals): boolean {
  const pid = runningPid(pidFile, command);
  if (pid === undefined) return false;
  process.kill(pid, signal);
  return true;
}

/**
 * Stops the process in `pidFile`: SIGTERM, then SIGKILL if it has not exited after
 * `graceMs`. Removes the pid file. Resolves once the process is gone.
 */
export async function stopPid(pidFile: string, command: string, graceMs = 20_000): Promise<void> {
  if (signalPid(pidFile, command, 'SIGTERM')) {
    const deadline = Date.now() + graceMs;
    while (runningPid(pidFile, command) !== undefined && Date.now() < deadline) await sleep(100);
    if (signalPid(pidFile, command, 'SIGKILL')) {
      while (runningPid(pidFile, command) !== undefined) await sleep(50);
    }
  }
  rmSync(pidFile, { force: true });
}

/** The last `lines` lines of a log file, for error messages. */
export function logTail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
