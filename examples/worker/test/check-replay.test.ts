import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkReplay, DEFAULT_HISTORIES } from '../src/replay-check';

const WORKER_DIR = join(import.meta.dirname, '..');
const FIXTURES = readdirSync(DEFAULT_HISTORIES)
  .filter((name) => name.endsWith('.history.json'))
  .sort();

beforeAll(() => {
  try {
    // Quiet: a failing replay is expected here, and core warns about each.
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
    });
  } catch {
    // Installed already in this process: keep it.
  }
});

describe('the replay compatibility check', () => {
  it('passes the current workflows against every committed history', { timeout: 120_000 }, async () => {
    const report = await checkReplay();
    expect(FIXTURES.length).toBeGreaterThanOrEqual(2);
    expect(report.histories).toEqual(FIXTURES.map((file) => ({ file, ok: true })));
    expect(report.ok).toBe(true);
  });

  it(
    'refuses a deliberately incompatible change, naming each history it breaks, with exit code 1',
    { timeout: 120_000 },
    async () => {
      // The script itself, as CI or a deploy would run it.
      const run = promisify(execFile)(
        join(WORKER_DIR, 'node_modules', '.bin', 'tsx'),
        [
          '--conditions=@resumable/source',
          'scripts/check-replay.ts',
          '--workflows',
          'test/fixtures/incompatible/workflows.ts',
        ],
        { cwd: WORKER_DIR },
      );
      const failure = (await run.then(
        () => expect.unreachable('the check passed an incompatible change'),
        (error: unknown) => error,
      )) as { code: number; stdout: string };
      expect(failure.code).toBe(1);
      const lines = failure.stdout.trim().split('\n');
      for (const file of FIXTURES) {
        expect(lines).toContainEqual(
          expect.stringMatching(
            new RegExp(`^FAIL  ${file.replaceAll('.', '\\.')}: nondeterminism: \\[TMPRL1100\\] Nondeterminism error`),
          ),
        );
      }
      expect(lines.at(-1)).toMatch(
        new RegExp(`^${FIXTURES.length} of ${FIXTURES.length} recorded histories do not replay`),
      );
    },
  );

  it('refuses to pass when there is no history to check', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-histories-'));
    await expect(checkReplay({ historiesDir: empty })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
