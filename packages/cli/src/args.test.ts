import { describe, expect, it } from 'vitest';
import { DEFAULT_BASE_URL, parseCommandLine } from './args';
import { CliError } from './errors';
import { MAIN_USAGE, PAUSED_USAGE, TAIL_USAGE } from './usage';

const usageError = (argv: string[], env: Record<string, string> = {}) => {
  try {
    parseCommandLine(argv, env);
  } catch (error) {
    expect(CliError.is(error)).toBe(true);
    expect((error as CliError).code).toBe('USAGE');
    expect((error as CliError).exitCode).toBe(64);
    return (error as CliError).message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
};

describe('parseCommandLine', () => {
  it('reads tail with its defaults, and every option', () => {
    expect(parseCommandLine(['tail', 'task-1'], {})).toEqual({
      kind: 'tail',
      connection: { baseUrl: DEFAULT_BASE_URL },
      taskId: 'task-1',
      since: 0,
      json: false,
      ok: [],
      retryForMs: 30_000,
    });
    expect(
      parseCommandLine(
        [
          'tail',
          'task 2',
          '--url',
          'https://example.com/base/',
          '--token',
          't0k',
          '--since',
          '12',
          '--json',
          '--ok',
          'MERGED,SHIPPED',
          '--ok',
          'sent',
          '--retry-for',
          '2.5',
        ],
        {},
      ),
    ).toEqual({
      kind: 'tail',
      connection: { baseUrl: 'https://example.com/base', token: 't0k' },
      taskId: 'task 2',
      since: 12,
      json: true,
      ok: ['MERGED', 'SHIPPED', 'sent'],
      retryForMs: 2_500,
    });
  });

  it('takes the URL and token from the environment; options win', () => {
    const env = { RESUMABLE_URL: 'http://10.0.0.1:8080/api', RESUMABLE_TOKEN: 'from-env' };
    expect(parseCommandLine(['paused'], env)).toEqual({
      kind: 'paused-list',
      connection: { baseUrl: 'http://10.0.0.1:8080/api', token: 'from-env' },
      json: false,
    });
    expect(parseCommandLine(['paused', '--url', 'http://a/api', '--token', 'mine'], env)).toMatchObject({
      connection: { baseUrl: 'http://a/api', token: 'mine' },
    });
    // Empty variables count as unset.
    expect(parseCommandLine(['paused'], { RESUMABLE_URL: '', RESUMABLE_TOKEN: '' })).toMatchObject({
      connection: { baseUrl: DEFAULT_BASE_URL },
    });
  });

  it('reads paused resume and cancel', () => {
    expect(parseCommandLine(['paused', 'resume', 'order-1', '--data', '{"approvedBy":"ada"}'], {})).toEqual({
      kind: 'paused-resume',
      connection: { baseUrl: DEFAULT_BASE_URL },
      executionId: 'order-1',
      payload: { approvedBy: 'ada' },
      json: false,
    });
    expect(parseCommandLine(['paused', 'resume', 'order-1'], {})).not.toHaveProperty('payload');
    expect(parseCommandLine(['paused', 'cancel', 'order-1', '--reason', 'late', '--json'], {})).toEqual({
      kind: 'paused-cancel',
      connection: { baseUrl: DEFAULT_BASE_URL },
      executionId: 'order-1',
      reason: 'late',
      json: true,
    });
    expect(parseCommandLine(['paused', 'list'], {})).toMatchObject({ kind: 'paused-list' });
  });

  it('answers help for every command', () => {
    expect(parseCommandLine(['--help'], {})).toEqual({ kind: 'help', text: MAIN_USAGE });
    expect(parseCommandLine(['help'], {})).toEqual({ kind: 'help', text: MAIN_USAGE });
    expect(parseCommandLine(['help', 'tail'], {})).toEqual({ kind: 'help', text: TAIL_USAGE });
    expect(parseCommandLine(['tail', '-h'], {})).toEqual({ kind: 'help', text: TAIL_USAGE });
    expect(parseCommandLine(['paused', 'resume', '--help'], {})).toEqual({ kind: 'help', text: PAUSED_USAGE });
  });

  it('refuses bad usage with a USAGE error that names the problem', () => {
    expect(usageError([])).toBe('no command given');
    expect(usageError(['tial'])).toBe('unknown command "tial"');
    expect(usageError(['tail'])).toBe('tail needs a task id');
    expect(usageError(['tail', 'a', 'b'])).toBe('unexpected argument "b"');
    expect(usageError(['tail', 'a', '--since=-1'])).toMatch(/--since must be a non-negative integer/);
    expect(usageError(['tail', 'a', '--since', '1.5'])).toMatch(/--since/);
    expect(usageError(['tail', 'a', '--since', '99999999999999999999'])).toMatch(/--since/);
    expect(usageError(['tail', 'a', '--retry-for', 'soon'])).toMatch(/--retry-for/);
    expect(usageError(['tail', 'a', '--verbose'])).toMatch(/Unknown option '--verbose'/);
    expect(usageError(['tail', 'a', '--url', 'ftp://x'])).toMatch(/--url must be an http\(s\) URL/);
    expect(usageError(['tail', 'a', '--url', 'not a url'])).toMatch(/--url/);
    expect(usageError(['tail', 'a'], { RESUMABLE_URL: 'nope' })).toMatch(/"nope"/);
    expect(usageError(['paused', 'pause', 'x'])).toMatch(/unknown paused action "pause"/);
    expect(usageError(['paused', 'resume'])).toBe('paused resume needs a workflow id');
    expect(usageError(['paused', 'resume', 'x', '--data', '{oops'])).toMatch(/--data must be JSON/);
    expect(usageError(['paused', 'resume', 'x', '--reason', 'r'])).toBe('--reason goes with cancel');
    expect(usageError(['paused', 'cancel', 'x', '--data', '{}'])).toBe('--data goes with resume');
    expect(usageError(['paused', '--data', '{}'])).toMatch(/--data and --reason go with resume and cancel/);
  });

  it('points a usage error at the help of its command', () => {
    try {
      parseCommandLine(['paused', 'resume'], {});
    } catch (error) {
      expect((error as CliError).hint).toBe('Run "resumable paused --help" for usage.');
    }
  });
});
