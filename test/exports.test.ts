import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

/** Every package we publish: `packages/*` without `"private": true`. */
function publishedPackages(): { dir: string; name: string }[] {
  const dir = join(ROOT, 'packages');
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((pkgDir) => existsSync(join(pkgDir, 'package.json')))
    .map((pkgDir) => ({ dir: pkgDir, manifest: JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir: pkgDir, manifest }) => ({ dir: pkgDir, name: manifest.name as string }));
}

describe.each(publishedPackages())('$name exports', ({ dir, name }) => {
  it('is built (run `pnpm build` first)', () => {
    expect(existsSync(join(dir, 'dist')), `${name} has no dist/`).toBe(true);
  });

  it('passes publint --strict', async () => {
    const { messages, pkg } = await publint({ pkgDir: dir, strict: true, level: 'suggestion' });
    const problems = messages.map((message) => `${message.type}: ${formatMessage(message, pkg)}`);
    expect(problems).toEqual([]);
  });

  it('passes @arethetypeswrong/cli --pack', () => {
    const attw = spawnSync('pnpm', ['exec', 'attw', '--pack', dir, '--format', 'ascii'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(attw.status, `${attw.stdout}\n${attw.stderr}`).toBe(0);
  }, 120_000);
});
