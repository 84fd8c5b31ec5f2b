import { describe, expect, it } from 'vitest';
import type { WorkflowUpdate } from '@resumable/protocol';
import { CliError } from './errors';
import { EXIT_CODES, exitCodeForEnd, exitCodeForStatus } from './exit-codes';
import { formatPausedTable } from './paused';
import { progressOf } from './progress';
import { createTailRenderer, fit, formatBar, formatUpdate, printable, renderModeOf, type Output } from './render';

const update = (sequence: number, data: unknown, type = 'progress'): WorkflowUpdate => ({
  id: `t:${sequence}`,
  sequence,
  timestamp: Date.UTC(2026, 0, 15, 10, 30, 0),
  type,
  data,
});

const capture = (isTTY = false, columns?: number) => {
  let text = '';
  const output: Output & { text: () => string } = {
    write: (chunk) => void (text += chunk),
    isTTY,
    columns,
    text: () => text,
  };
  return output;
};

describe('formatting', () => {
  it('formats an update: sequence, time, type, text or JSON', () => {
    expect(formatUpdate(update(3, { text: 'hello', percent: 5 }))).toMatch(
      /^#3 {2}\d\d:\d\d:\d\d {2}progress {2}hello$/,
    );
    expect(formatUpdate(update(4, { n: 1 }, 'tick'))).toMatch(/ {2}tick {2}\{"n":1\}$/);
    expect(formatUpdate(update(5, undefined, 'ping'))).toMatch(/ping {2}null$/);
  });

  it('never lets update content reach the terminal as control characters', () => {
    const hostile = formatUpdate(update(1, { text: 'ok\x1b[2J\rgone\u009b' }, 'evil\nline'));
    // eslint-disable-next-line no-control-regex
    expect(hostile).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(printable('a\tb')).toBe('a\ufffdb');
  });

  it('draws bars', () => {
    expect(formatBar(0, 10)).toBe('[░░░░░░░░░░]   0%');
    expect(formatBar(0.5, 10)).toBe('[█████░░░░░]  50%');
    expect(formatBar(1, 10)).toBe('[██████████] 100%');
    expect(formatBar(undefined, 4)).toBe('[░░░░]  --%');
  });

  it('fits text to a width', () => {
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('abc', 4)).toBe('abc');
  });

  it('reads progress from the common shapes', () => {
    expect(progressOf({ percent: 25 })).toBe(0.25);
    expect(progressOf({ progress: 0.4 })).toBe(0.4);
    expect(progressOf({ progress: { current: 1, total: 4 } })).toBe(0.25);
    expect(progressOf({ step: 3, steps: 4 })).toBe(0.75);
    expect(progressOf({ completed: 2, total: 8 })).toBe(0.25);
    expect(progressOf({ percent: 250 })).toBe(1);
    expect(progressOf({ text: 'no progress' })).toBeUndefined();
    expect(progressOf({ step: 1, steps: 0 })).toBeUndefined();
    expect(progressOf('50%')).toBeUndefined();
    expect(progressOf(null)).toBeUndefined();
  });

  it('lists paused workflows as a table: id, reason, since', () => {
    const now = Date.parse('2026-01-15T10:35:00.000Z');
    const table = formatPausedTable(
      [
        {
          executionId: 'order-2',
          workflowType: 'order',
          workflowId: 'order',
          pausedAt: 'wait-payment',
          pausedTime: '2026-01-15T10:34:30.000Z',
          waitingFor: ['payment.completed'],
          timeoutAt: null,
          variables: {},
        },
        {
          executionId: 'order-1',
          workflowType: 'order',
          workflowId: 'order',
          pausedAt: 'wait-approval',
          pausedTime: '2026-01-15T08:30:00.000Z',
          waitingFor: [],
          timeoutAt: null,
          variables: {},
        },
      ],
      now,
    );
    expect(table).toBe(
      [
        `WORKFLOW ID  ${'REASON'.padEnd(44)}  SINCE`,
        `order-1      ${'wait-approval'.padEnd(44)}  2026-01-15T08:30:00.000Z (2h ago)`,
        'order-2      wait-payment (waiting for payment.completed)  2026-01-15T10:34:30.000Z (30s ago)',
        '',
      ].join('\n'),
    );
    expect(formatPausedTable([])).toBe('No paused workflows.\n');
  });
});

describe('renderers', () => {
  it('plain: one line per update on stdout, notes on stderr, no escape codes', () => {
    const out = capture();
    const err = capture();
    const renderer = createTailRenderer(renderModeOf(false, out), out, err, 'task-1');
    renderer.event({ type: 'connecting', resumeFrom: 0 });
    renderer.event({ type: 'connected', resumeFrom: 0, lastSequence: 1 });
    renderer.update(update(1, { text: 'one', percent: 50 }));
    renderer.event({ type: 'reconnecting', resumeFrom: 1, error: new CliError('UNREACHABLE', 'cut') });
    renderer.event({ type: 'reconnecting', resumeFrom: 1, error: new CliError('UNREACHABLE', 'cut') });
    renderer.event({ type: 'connected', resumeFrom: 1, lastSequence: 2 });
    renderer.update(update(2, { text: 'two', percent: 100 }));
    renderer.end({ status: 'DONE', lastSequence: 2, delivered: 2 });
    expect(out.text().split('\n')).toEqual([
      expect.stringMatching(/^#1 .* one$/),
      expect.stringMatching(/^#2 .* two$/),
      '',
    ]);
    expect(err.text()).toBe(
      'resumable: cut; reconnecting to resume after #1\n' +
        'resumable: connected; resuming after #1\n' +
        'resumable: task-1 ended: DONE (last update #2)\n',
    );
    // eslint-disable-next-line no-control-regex
    expect(out.text() + err.text()).not.toMatch(/\x1b/);
  });

  it('json: the updates as JSON lines, nothing else', () => {
    const out = capture(true);
    const err = capture();
    const renderer = createTailRenderer(renderModeOf(true, out), out, err, 'task-1');
    renderer.event({ type: 'connected', resumeFrom: 0, lastSequence: 1 });
    renderer.update(update(1, { text: 'one' }));
    renderer.end({ status: 'DONE', lastSequence: 1, delivered: 1 });
    expect(
      out
        .text()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([update(1, { text: 'one' })]);
    expect(err.text()).toBe('');
  });

  it('tty: each update once, the status line redrawn under them, fitted to the terminal', () => {
    const out = capture(true, 60);
    const renderer = createTailRenderer(renderModeOf(false, out), out, capture(), 'task-1');
    expect(renderModeOf(false, out)).toBe('tty');
    renderer.event({ type: 'connected', resumeFrom: 0, lastSequence: 2, status: 'RUNNING' });
    renderer.update(update(1, { text: 'x'.repeat(200), percent: 50 }));
    renderer.event({ type: 'status', status: 'DONE' });
    renderer.update(update(2, { text: 'two', percent: 100 }));
    renderer.end({ status: 'DONE', lastSequence: 2, delivered: 2 });
    const frames = out.text().split('\r\x1b[2K').filter(Boolean);
    expect(frames).toEqual([
      '[░░░░░░░░░░░░░░░░░░░░░░░░]  --%  RUNNING  catching up to #2',
      expect.stringMatching(/^#1 .*x…\n$/),
      '[████████████░░░░░░░░░░░░]  50%  RUNNING  #1  catching up …',
      '[████████████░░░░░░░░░░░░]  50%  DONE  #1  catching up to …',
      expect.stringMatching(/^#2 .* two\n$/),
      '[████████████████████████] 100%  DONE  #2',
      '[████████████████████████] 100%  DONE  #2  ended\n',
    ]);
    expect(frames[1]).toHaveLength(60);
  });
});

describe('exit codes', () => {
  it('map final statuses by name, whatever the case and punctuation', () => {
    expect(exitCodeForStatus('COMPLETED')).toBe(0);
    expect(exitCodeForStatus('done')).toBe(0);
    expect(exitCodeForStatus('Failed')).toBe(1);
    expect(exitCodeForStatus('canceled')).toBe(2);
    expect(exitCodeForStatus('CANCELLED')).toBe(2);
    expect(exitCodeForStatus('terminated')).toBe(3);
    expect(exitCodeForStatus('timed-out')).toBe(4);
    expect(exitCodeForStatus('Timed out')).toBe(4);
    expect(exitCodeForStatus('MERGED')).toBe(EXIT_CODES.OTHER_STATUS);
    expect(exitCodeForStatus('MERGED', ['merged'])).toBe(0);
    expect(exitCodeForStatus(undefined)).toBe(5);
  });

  it("take Temporal's outcome of the run over the log's status, when the server said it", () => {
    // A workflow that threw never wrote a failed status.
    expect(exitCodeForEnd({ status: 'IN_PROGRESS', execution: 'FAILED' })).toBe(1);
    expect(exitCodeForEnd({ status: 'IN_PROGRESS', execution: 'CANCELED' })).toBe(2);
    expect(exitCodeForEnd({ status: 'IN_PROGRESS', execution: 'TERMINATED' })).toBe(3);
    expect(exitCodeForEnd({ status: 'IN_PROGRESS', execution: 'TIMED_OUT' })).toBe(4);
    // Completed: the log's status says how it went, and an unknown one is still a success.
    expect(exitCodeForEnd({ status: 'DONE', execution: 'COMPLETED' })).toBe(0);
    expect(exitCodeForEnd({ status: 'MERGED', execution: 'COMPLETED' })).toBe(0);
    expect(exitCodeForEnd({ status: 'FAILED', execution: 'COMPLETED' })).toBe(1);
    // An older server: the log's status alone.
    expect(exitCodeForEnd({ status: 'MERGED' })).toBe(EXIT_CODES.OTHER_STATUS);
    expect(exitCodeForEnd({ status: 'MERGED' }, ['merged'])).toBe(0);
  });

  it('map errors to sysexits-style codes', () => {
    const codeOf = (value: unknown) => CliError.from(value).exitCode;
    expect(codeOf({ status: 401, code: 'TOKEN_EXPIRED', message: 'x' })).toBe(77);
    expect(codeOf({ status: 403, code: 'FORBIDDEN', message: 'x' })).toBe(77);
    expect(codeOf({ status: 404, code: 'TASK_NOT_FOUND', message: 'x' })).toBe(66);
    expect(codeOf({ status: 409, code: 'NOT_PAUSED', message: 'x' })).toBe(65);
    expect(codeOf({ status: 503, code: 'TEMPORAL_UNAVAILABLE', message: 'x' })).toBe(69);
    expect(codeOf({ code: 'NETWORK_ERROR', message: 'x' })).toBe(69);
    expect(codeOf({ code: 'INVALID_JSON', message: 'x' })).toBe(76);
    expect(codeOf(new Error('bug'))).toBe(70);
    expect(new CliError('INTERRUPTED', 'x').exitCode).toBe(130);
    expect(CliError.from({ status: 409, code: 'NOT_PAUSED', message: 'not paused' })).toMatchObject({
      code: 'REFUSED',
      serverCode: 'NOT_PAUSED',
      status: 409,
      message: 'not paused',
    });
  });
});
