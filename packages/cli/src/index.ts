/**
 * `@resumable/cli`: the `resumable` command (`tail`, `paused`), and its pieces for
 * programs: follow a task exactly once from Node, list and act on paused workflows.
 */
export { runCli, type CliIo } from './run';
export { tail, type TailOptions, type TailResult, type TailEvent } from './tail';
export { listPaused, resumePaused, cancelPaused, formatPausedTable, type ExecutionActionResult } from './paused';
export { parseCommandLine, DEFAULT_BASE_URL, type Command, type Connection } from './args';
export { CliError, type CliErrorCode } from './errors';
export { EXIT_CODES, exitCodeForEnd, exitCodeForStatus } from './exit-codes';
export { progressOf } from './progress';
export {
  createTailRenderer,
  renderModeOf,
  formatUpdate,
  formatBar,
  printable,
  type Output,
  type RenderMode,
  type TailRenderer,
} from './render';
