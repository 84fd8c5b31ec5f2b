import type { WorkflowUpdate } from '@resumable/protocol';
import type { CliError } from './errors';
import { progressOf } from './progress';
import type { TailEvent, TailResult } from './tail';

/**
 * Where a renderer writes: stdout or stderr, or anything with `write`.
 *
 * @example
 * const lines: string[] = [];
 * const output: Output = { write: (text) => void lines.push(text), isTTY: false };
 */
export interface Output {
  /** Writes `text` as it is (it holds its own newlines). */
  write(text: string): void;
  /** True when it is a terminal: the progress bar is drawn only then. */
  isTTY?: boolean | undefined;
  /** The terminal's width, when it is one. */
  columns?: number | undefined;
}

/**
 * How `tail` shows what it gets; `createTailRenderer` makes one per mode.
 *
 * @example
 * const renderer: TailRenderer = createTailRenderer('plain', process.stdout, process.stderr, 'task-1');
 * renderer.end(await tail({ connection, taskId: 'task-1', onUpdate: renderer.update, onEvent: renderer.event }));
 */
export interface TailRenderer {
  /** Shows one update (`tail`'s `onUpdate`). */
  update(update: WorkflowUpdate): void;
  /** Shows a connection or status change (`tail`'s `onEvent`). */
  event(event: TailEvent): void;
  /** Shows how the tail ended, once it resolved (the `json` renderer shows nothing). */
  end(result: TailResult): void;
  /** Finishes the display when the tail rejected; the error itself is reported elsewhere. */
  fail(error: CliError): void;
}

/**
 * `tty`: updates with a progress bar redrawn in place; `plain`: lines, no escape codes;
 * `json`: one JSON line per update.
 *
 * @example
 * const mode: RenderMode = process.stdout.isTTY ? 'tty' : 'plain';
 */
export type RenderMode = 'tty' | 'plain' | 'json';

// "ESC [ 2 K" erases the whole line; with CR first, the next write starts at its beginning.
const CLEAR_LINE = '\r\x1b[2K';
const BAR_WIDTH = 24;

/**
 * Control characters (C0, DEL, C1) shown as `�`: an update's text must never move the
 * cursor or inject escape sequences into the user's terminal.
 *
 * @example
 * printable('ok\x1b[2Jboom'); // 'ok�[2Jboom'
 */
// eslint-disable-next-line no-control-regex
export const printable = (text: string): string => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '\ufffd');

/** `text` cut to `width` characters, with `…` when cut. */
export const fit = (text: string, width: number): string =>
  width > 0 && text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;

/**
 * One update as a line: sequence, local time, type, and the data's `text` (or its JSON).
 *
 * @example
 * formatUpdate({ id: 't:3', sequence: 3, timestamp: 0, type: 'message', data: { text: 'hi' } });
 * // '#3  00:00:00  message  hi' (in UTC)
 */
export function formatUpdate(update: WorkflowUpdate): string {
  const data = update.data as { text?: unknown } | undefined;
  const summary = typeof data?.text === 'string' ? data.text : JSON.stringify(update.data ?? null);
  const time = Number.isFinite(update.timestamp) ? new Date(update.timestamp).toTimeString().slice(0, 8) : '--:--:--';
  return printable(`#${update.sequence}  ${time}  ${update.type}  ${summary}`);
}

/**
 * A progress bar: `[██████░░░░]  60%`, or `[░░░░░░░░░░]  --%` when progress is unknown.
 *
 * @example
 * formatBar(0.5, 10); // '[█████░░░░░]  50%'
 */
export function formatBar(fraction: number | undefined, width = BAR_WIDTH): string {
  if (fraction === undefined) return `[${'░'.repeat(width)}]  --%`;
  const filled = Math.round(fraction * width);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${percent}`;
}

/**
 * Picks the mode: `--json` wins; otherwise a bar only where stdout is a terminal.
 *
 * @example
 * renderModeOf(false, process.stdout); // 'tty' in a terminal, 'plain' in a pipe
 */
export const renderModeOf = (json: boolean, out: Output): RenderMode => (json ? 'json' : out.isTTY ? 'tty' : 'plain');

/**
 * The renderer of a mode. Updates go to `out`; notes (reconnects, the end) go to `err`
 * in `plain` mode, and nowhere in `json` mode, so stdout holds only updates there.
 *
 * @example
 * const renderer = createTailRenderer('plain', process.stdout, process.stderr, 'task-1');
 * await tail({ connection, taskId: 'task-1', onUpdate: renderer.update, onEvent: renderer.event });
 */
export function createTailRenderer(mode: RenderMode, out: Output, err: Output, taskId: string): TailRenderer {
  if (mode === 'json') return jsonRenderer(out);
  if (mode === 'plain') return plainRenderer(out, err, taskId);
  return ttyRenderer(out);
}

function jsonRenderer(out: Output): TailRenderer {
  return {
    update: (update) => out.write(`${JSON.stringify(update)}\n`),
    event: () => undefined,
    end: () => undefined,
    fail: () => undefined,
  };
}

function plainRenderer(out: Output, err: Output, taskId: string): TailRenderer {
  let cut = false;
  let connected = false;
  return {
    update: (update) => out.write(`${formatUpdate(update)}\n`),
    event(event) {
      if (event.type === 'reconnecting' && !cut) {
        cut = true;
        const next = connected ? `reconnecting to resume after #${event.resumeFrom}` : 'retrying';
        err.write(`resumable: ${printable(event.error.message)}; ${next}\n`);
      } else if (event.type === 'connected') {
        if (cut) err.write(`resumable: connected; resuming after #${event.resumeFrom}\n`);
        cut = false;
        connected = true;
      }
    },
    end: (result) =>
      err.write(
        `resumable: ${printable(taskId)} ended: ${printable(result.status ?? 'unknown status')} (last update #${result.lastSequence})\n`,
      ),
    fail: () => undefined,
  };
}

/** The terminal renderer: every update once, as a line, and one status line under them, redrawn in place. */
function ttyRenderer(out: Output): TailRenderer {
  let progress: number | undefined;
  let status: string | undefined;
  let head = 0;
  let catchUpTo = 0;
  let note = 'connecting…';
  const width = () => Math.max(20, (out.columns || 80) - 1);
  const statusLine = () => {
    const parts = [formatBar(progress), status ? printable(status) : undefined, head ? `#${head}` : undefined];
    if (catchUpTo > head) parts.push(`catching up to #${catchUpTo}`);
    if (note) parts.push(note);
    return fit(parts.filter(Boolean).join('  '), width());
  };
  const draw = () => out.write(`${CLEAR_LINE}${statusLine()}`);
  return {
    update(update) {
      head = update.sequence;
      progress = progressOf(update.data) ?? progress;
      out.write(`${CLEAR_LINE}${fit(formatUpdate(update), width())}\n`);
      draw();
    },
    event(event) {
      if (event.type === 'connecting')
        note = event.resumeFrom ? `reconnecting after #${event.resumeFrom}…` : 'connecting…';
      else if (event.type === 'reconnecting') note = `reconnecting: ${printable(event.error.message)}`;
      else if (event.type === 'recovering') note = `recovering after #${event.from}…`;
      else if (event.type === 'connected') {
        note = '';
        catchUpTo = event.lastSequence;
        status = event.status ?? status;
      } else status = event.status;
      draw();
    },
    end(result) {
      status = result.status;
      note = 'ended';
      out.write(`${CLEAR_LINE}${statusLine()}\n`);
    },
    fail(error) {
      note = error.code === 'INTERRUPTED' ? 'interrupted' : `stopped (${error.code})`;
      out.write(`${CLEAR_LINE}${statusLine()}\n`);
    },
  };
}
