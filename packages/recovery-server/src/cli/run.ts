import { searchAttributesCommand, SEARCH_ATTRIBUTES_USAGE, type CommandIo } from './search-attributes';

const USAGE = `Usage: resumable-server <command> [options]

Commands:
  search-attributes   register Resumable's search attributes in a Temporal namespace

${SEARCH_ATTRIBUTES_USAGE}`;

/**
 * The `resumable-server` command line: runs the command `argv` names and resolves to the exit
 * code (0 done, 1 failed or missing with `--check`, 2 a usage error).
 *
 * @example
 * process.exitCode = await runCli(['search-attributes', '--namespace', 'orders']);
 */
export async function runCli(argv: readonly string[], io: Partial<CommandIo> = {}): Promise<number> {
  const full: CommandIo = {
    out: io.out ?? ((text) => void process.stdout.write(text)),
    err: io.err ?? ((text) => void process.stderr.write(text)),
    env: io.env ?? process.env,
    ...(io.connect ? { connect: io.connect } : {}),
  };
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? full.err : full.out)(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'search-attributes') return searchAttributesCommand(rest, full);
  full.err(`resumable-server: unknown command "${command}"\n\n${USAGE}`);
  return 2;
}
