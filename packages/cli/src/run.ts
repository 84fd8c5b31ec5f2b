import { parseCommandLine, type Command } from './args';
import { CliError } from './errors';
import { EXIT_CODES, exitCodeForEnd } from './exit-codes';
import type { Fetch } from './http';
import { cancelPaused, formatPausedTable, listPaused, resumePaused } from './paused';
import { createTailRenderer, printable, renderModeOf, type Output } from './render';
import { tail } from './tail';

/**
 * What the command line runs against: its outputs, environment, Ctrl-C and network.
 *
 * @example
 * let text = '';
 * const io: CliIo = { stdout: { write: (chunk) => void (text += chunk) }, stderr: process.stderr, env: {} };
 * await runCli(['paused', '--url', 'http://127.0.0.1:3000/api'], io);
 */
export interface CliIo {
  /** Where results go: usage texts, updates, the paused list, action answers. */
  stdout: Output;
  /** Where errors and their hints go, and `tail`'s notes in plain mode. */
  stderr: Output;
  /** `RESUMABLE_URL` and `RESUMABLE_TOKEN` are read from here. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Aborted on Ctrl-C: a running command stops and exits 130. */
  signal?: AbortSignal;
  /** The `fetch` for every request the command makes. Default the global `fetch`. */
  fetch?: Fetch;
}

/**
 * Runs the `resumable` command line `argv` (without `node` and the script) and resolves
 * to the exit code; it never throws. Errors are printed to `io.stderr` as one line
 * (`resumable: <message>`), without a stack, with their `code` (see `EXIT_CODES`).
 *
 * @example
 * const controller = new AbortController();
 * process.once('SIGINT', () => controller.abort());
 * process.exitCode = await runCli(process.argv.slice(2), {
 *   stdout: process.stdout,
 *   stderr: process.stderr,
 *   signal: controller.signal,
 * });
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const command = parseCommandLine(argv, io.env ?? process.env);
    return await runCommand(command, io);
  } catch (error) {
    return report(CliError.from(error), io.stderr);
  }
}

async function runCommand(command: Command, io: CliIo): Promise<number> {
  const { stdout, fetch } = io;
  switch (command.kind) {
    case 'help':
      stdout.write(command.text);
      return EXIT_CODES.COMPLETED;
    case 'tail':
      return runTail(command, io);
    case 'paused-list': {
      const paused = await listPaused(command.connection, { fetch });
      stdout.write(command.json ? `${JSON.stringify(paused, null, 2)}\n` : formatPausedTable(paused));
      return EXIT_CODES.COMPLETED;
    }
    case 'paused-resume':
    case 'paused-cancel': {
      const result =
        command.kind === 'paused-resume'
          ? await resumePaused(command.connection, command.executionId, command.payload, { fetch })
          : await cancelPaused(command.connection, command.executionId, command.reason, { fetch });
      const verb = command.kind === 'paused-resume' ? 'resume' : 'cancel';
      stdout.write(
        command.json ? `${JSON.stringify(result)}\n` : `${verb}: ${printable(command.executionId)} accepted\n`,
      );
      return EXIT_CODES.COMPLETED;
    }
  }
}

async function runTail(command: Extract<Command, { kind: 'tail' }>, io: CliIo): Promise<number> {
  const renderer = createTailRenderer(renderModeOf(command.json, io.stdout), io.stdout, io.stderr, command.taskId);
  let last = command.since;
  try {
    const result = await tail({
      connection: command.connection,
      taskId: command.taskId,
      since: command.since,
      retryForMs: command.retryForMs,
      onUpdate(update) {
        last = update.sequence;
        renderer.update(update);
      },
      onEvent: (event) => renderer.event(event),
      ...(io.signal ? { signal: io.signal } : {}),
      ...(io.fetch ? { fetch: io.fetch } : {}),
    });
    renderer.end(result);
    return exitCodeForEnd(result, command.ok);
  } catch (thrown) {
    const error = CliError.from(thrown);
    renderer.fail(error);
    // Where to pick up: everything up to `last` was shown.
    const again = `resumable tail ${command.taskId} --since ${last}`;
    const resumable = (error.code === 'UNREACHABLE' || error.code === 'INTERRUPTED') && last > 0;
    const hint = resumable ? `To go on from there: ${again}` : error.hint;
    return report(
      new CliError(error.code, error.message, { ...optionsOf(error), ...(hint ? { hint } : {}) }),
      io.stderr,
    );
  }
}

const optionsOf = (error: CliError) => ({ cause: error.cause, serverCode: error.serverCode, status: error.status });

/** Prints an error for people (no stack unless it is a bug) and returns its exit code. */
function report(error: CliError, stderr: Output): number {
  const code = error.serverCode && error.serverCode !== error.code ? `${error.code}, ${error.serverCode}` : error.code;
  stderr.write(`resumable: ${printable(error.message)} [${code}]\n`);
  if (error.hint) stderr.write(`${error.hint}\n`);
  if (error.code === 'INTERNAL' && error.cause instanceof Error && error.cause.stack) {
    stderr.write(`${error.cause.stack}\n`);
  }
  return error.exitCode;
}
