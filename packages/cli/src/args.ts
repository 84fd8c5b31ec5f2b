import { parseArgs } from 'node:util';
import { CliError } from './errors';
import { MAIN_USAGE, PAUSED_USAGE, TAIL_USAGE } from './usage';

/**
 * The recovery server's base URL when neither `--url` nor `$RESUMABLE_URL` says: the
 * example app's (`next dev` on 127.0.0.1:3000, routes under `/api`).
 *
 * @example
 * const connection = { baseUrl: process.env.RESUMABLE_URL || DEFAULT_BASE_URL };
 */
export const DEFAULT_BASE_URL = 'http://127.0.0.1:3000/api';

/**
 * Where the Resumable routes are and how to authenticate.
 *
 * @example
 * const connection: Connection = { baseUrl: 'https://app.example.com/api', token: await mintTokenSomehow() };
 */
export interface Connection {
  /** The base URL the routes are mounted under, without a trailing slash (e.g. `http://127.0.0.1:3000/api`). */
  baseUrl: string;
  /** A bearer token; undefined when the server runs without auth. */
  token?: string | undefined;
}

/**
 * A command line, understood: what `parseCommandLine` returns and `runCli` runs.
 *
 * @example
 * const command: Command = parseCommandLine(process.argv.slice(2), process.env);
 * if (command.kind === 'tail') console.log(`following ${command.taskId} from #${command.since}`);
 */
export type Command =
  | {
      /** `--help`, `-h` or `help [command]`: print a usage text. */
      kind: 'help';
      /** The usage text to print to stdout. */
      text: string;
    }
  | {
      /** `tail <taskId>`: follow a task's updates until its workflow ends. */
      kind: 'tail';
      /** The server's base URL and token: `--url`/`--token`, else `$RESUMABLE_URL`/`$RESUMABLE_TOKEN`, else `DEFAULT_BASE_URL`. */
      connection: Connection;
      /** The task to follow (its Temporal workflow id). */
      taskId: string;
      /** `--since`: start after this sequence; 0 (the default) is from the first update. */
      since: number;
      /** `--json`: one JSON line per update on stdout, instead of text. */
      json: boolean;
      /** `--ok` (repeatable, comma-separated): more final statuses that exit 0; empty by default. */
      ok: string[];
      /** `--retry-for` in ms: give up after this long without a connection. Default 30 000. */
      retryForMs: number;
    }
  | {
      /** `paused` or `paused list`: list the paused workflows. */
      kind: 'paused-list';
      /** The server's base URL and token: `--url`/`--token`, else `$RESUMABLE_URL`/`$RESUMABLE_TOKEN`, else `DEFAULT_BASE_URL`. */
      connection: Connection;
      /** `--json`: print the list as JSON instead of a table. */
      json: boolean;
    }
  | {
      /** `paused resume <workflowId>`: resume a paused workflow. */
      kind: 'paused-resume';
      /** The server's base URL and token: `--url`/`--token`, else `$RESUMABLE_URL`/`$RESUMABLE_TOKEN`, else `DEFAULT_BASE_URL`. */
      connection: Connection;
      /** The paused workflow's execution id. */
      executionId: string;
      /** `--data`, parsed as JSON: the payload to resume with; absent without `--data`. */
      payload?: unknown;
      /** `--json`: print the server's answer as JSON instead of a line of text. */
      json: boolean;
    }
  | {
      /** `paused cancel <workflowId>`: cancel a paused workflow. */
      kind: 'paused-cancel';
      /** The server's base URL and token: `--url`/`--token`, else `$RESUMABLE_URL`/`$RESUMABLE_TOKEN`, else `DEFAULT_BASE_URL`. */
      connection: Connection;
      /** The paused workflow's execution id. */
      executionId: string;
      /** `--reason`: why it is cancelled; absent (the server's default reason) without a non-empty `--reason`. */
      reason?: string;
      /** `--json`: print the server's answer as JSON instead of a line of text. */
      json: boolean;
    };

const CONNECTION = { url: { type: 'string' }, token: { type: 'string' } } as const;
const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * Reads `argv` (without `node` and the script) into a `Command`; `env` supplies
 * `RESUMABLE_URL` and `RESUMABLE_TOKEN`. Throws a `CliError` with code `USAGE` (exit
 * 64) naming what is wrong.
 *
 * @example
 * parseCommandLine(['tail', 'task-1', '--since', '4'], process.env);
 * // { kind: 'tail', taskId: 'task-1', since: 4, json: false, … }
 */
export function parseCommandLine(argv: readonly string[], env: Record<string, string | undefined>): Command {
  const [command, ...rest] = argv;
  if (command === undefined) throw usageError('no command given', MAIN_USAGE);
  if (command === '-h' || command === '--help') return { kind: 'help', text: MAIN_USAGE };
  if (command === 'help') return { kind: 'help', text: usageOf(rest[0]) };
  if (command === 'tail') return parseTail(rest, env);
  if (command === 'paused') return parsePaused(rest, env);
  throw usageError(`unknown command "${command}"`, MAIN_USAGE);
}

function usageOf(command: string | undefined): string {
  if (command === undefined) return MAIN_USAGE;
  if (command === 'tail') return TAIL_USAGE;
  if (command === 'paused') return PAUSED_USAGE;
  throw usageError(`unknown command "${command}"`, MAIN_USAGE);
}

function parseTail(args: string[], env: Record<string, string | undefined>): Command {
  const { values, positionals } = parse(
    args,
    {
      ...CONNECTION,
      ...HELP,
      since: { type: 'string' },
      json: { type: 'boolean' },
      ok: { type: 'string', multiple: true },
      'retry-for': { type: 'string' },
    },
    TAIL_USAGE,
  );
  if (values.help) return { kind: 'help', text: TAIL_USAGE };
  const [taskId, extra] = positionals;
  if (taskId === undefined || taskId === '') throw usageError('tail needs a task id', TAIL_USAGE);
  if (extra !== undefined) throw usageError(`unexpected argument "${extra}"`, TAIL_USAGE);
  const retryFor = values['retry-for'] === undefined ? 30 : Number(values['retry-for']);
  if (!(retryFor >= 0) || values['retry-for']?.trim() === '') {
    throw usageError(`--retry-for must be a number of seconds, not "${values['retry-for']}"`, TAIL_USAGE);
  }
  return {
    kind: 'tail',
    connection: connectionOf(values, env, TAIL_USAGE),
    taskId,
    since: values.since === undefined ? 0 : sequenceOf(values.since),
    json: values.json === true,
    ok: (values.ok ?? []).flatMap((status) => status.split(',')).filter((status) => status.trim() !== ''),
    retryForMs: retryFor * 1000,
  };
}

function parsePaused(args: string[], env: Record<string, string | undefined>): Command {
  const { values, positionals } = parse(
    args,
    { ...CONNECTION, ...HELP, json: { type: 'boolean' }, data: { type: 'string' }, reason: { type: 'string' } },
    PAUSED_USAGE,
  );
  if (values.help) return { kind: 'help', text: PAUSED_USAGE };
  const [action = 'list', executionId, extra] = positionals;
  const json = values.json === true;
  if (extra !== undefined) throw usageError(`unexpected argument "${extra}"`, PAUSED_USAGE);
  if (action !== 'list' && action !== 'resume' && action !== 'cancel') {
    throw usageError(`unknown paused action "${action}" (list, resume or cancel)`, PAUSED_USAGE);
  }
  if (action === 'list') {
    if (executionId !== undefined) throw usageError(`unexpected argument "${executionId}"`, PAUSED_USAGE);
    if (values.data !== undefined || values.reason !== undefined) {
      throw usageError('--data and --reason go with resume and cancel', PAUSED_USAGE);
    }
    return { kind: 'paused-list', connection: connectionOf(values, env, PAUSED_USAGE), json };
  }
  if (executionId === undefined || executionId === '') {
    throw usageError(`paused ${action} needs a workflow id`, PAUSED_USAGE);
  }
  const connection = connectionOf(values, env, PAUSED_USAGE);
  if (action === 'resume') {
    if (values.reason !== undefined) throw usageError('--reason goes with cancel', PAUSED_USAGE);
    return {
      kind: 'paused-resume',
      connection,
      executionId,
      json,
      ...(values.data === undefined ? {} : { payload: jsonOf(values.data) }),
    };
  }
  if (values.data !== undefined) throw usageError('--data goes with resume', PAUSED_USAGE);
  return { kind: 'paused-cancel', connection, executionId, json, ...(values.reason ? { reason: values.reason } : {}) };
}

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** `parseArgs`, strict, with its errors turned into usage errors. */
function parse<T extends Options>(args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options: options as Options & T, strict: true, allowPositionals: true });
  } catch (error) {
    throw usageError((error as Error).message, usage);
  }
}

function connectionOf(
  values: { url?: string | undefined; token?: string | undefined },
  env: Record<string, string | undefined>,
  usage: string,
): Connection {
  const raw = values.url ?? (env.RESUMABLE_URL || DEFAULT_BASE_URL);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(`--url must be an http(s) URL, not "${raw}"`, usage);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`--url must be an http(s) URL, not "${raw}"`, usage);
  }
  const token = values.token ?? (env.RESUMABLE_TOKEN || undefined);
  return { baseUrl: url.href.replace(/\/+$/, ''), ...(token ? { token } : {}) };
}

function sequenceOf(text: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw usageError(`--since must be a non-negative integer, not "${text}"`, TAIL_USAGE);
  }
  return Number(text);
}

function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw usageError(`--data must be JSON: ${(error as Error).message}`, PAUSED_USAGE);
  }
}

/** A usage error: what is wrong, and where the usage is (printed to stderr, exit 64). */
function usageError(problem: string, usage: string): CliError {
  const command = usage === TAIL_USAGE ? 'tail ' : usage === PAUSED_USAGE ? 'paused ' : '';
  return new CliError('USAGE', problem, { hint: `Run "resumable ${command}--help" for usage.` });
}
