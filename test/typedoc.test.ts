/**
 * The API reference's check (`pnpm run docs`, TypeDoc with the root `typedoc.json`): an
 * export without a doc comment, or without an `@example`, fails the build by name.
 * Runs the real configuration on the two fixture packages under
 * `test/fixtures/typedoc/`, which differ only in their doc comments.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const TYPEDOC = join(ROOT, 'node_modules/typedoc/bin/typedoc');

/** TypeDoc with the repository's options on one fixture package, writing nothing. */
function typedoc(fixture: string): { status: number | null; output: string } {
  const result = spawnSync(
    process.execPath,
    [TYPEDOC, '--options', 'typedoc.json', '--emit', 'none', '--logLevel', 'Warn', `test/fixtures/typedoc/${fixture}`],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the API reference check', () => {
  it('fails on an export without a doc comment or without an @example, naming it', () => {
    const { status, output } = typedoc('undocumented');
    expect(status).not.toBe(0);
    expect(output).toMatch(/GREETING \(Variable\).*has no @example/);
    expect(output).toMatch(/Point \(Interface\).*has no @example/);
    expect(output).toMatch(/Point \(Interface\), defined in .*does not have any documentation/);
    // Documented, with an example: not named.
    expect(output).not.toMatch(/\badd\b/);
  });

  it('passes once every export is documented with an example', () => {
    const { status, output } = typedoc('documented');
    expect(output).not.toMatch(/error|warning/i);
    expect(status).toBe(0);
  });
});
