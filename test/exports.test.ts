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

describe('Temporal SDK ranges', () => {
  const manifests = publishedPackages().map(({ dir }) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')));
  const ranges = manifests.flatMap((manifest) =>
    Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies } as Record<string, string>)
      .filter(([dependency]) => dependency.startsWith('@temporalio/'))
      .map(([dependency, range]) => ({ pkg: manifest.name as string, dependency, range })),
  );

  it('are one range across every published package', () => {
    expect(ranges.length).toBeGreaterThan(0);
    expect(new Set(ranges.map(({ range }) => range)), JSON.stringify(ranges)).toEqual(new Set([ranges[0]?.range]));
  });

  // The whole suite runs on the SDK installed here: it must be the range's lower bound,
  // so the oldest version we accept is the one we test.
  it('are tested at their lower bound', () => {
    const lower = /^\^(\d+\.\d+\.\d+)$/.exec(ranges[0]?.range ?? '')?.[1];
    expect(lower, 'a caret range like ^1.24.0').toBeDefined();
    for (const { pkg, dependency } of ranges) {
      const dir = join(ROOT, 'packages', pkg.replace('@resumable/', ''));
      const installed = JSON.parse(readFileSync(join(dir, 'node_modules', dependency, 'package.json'), 'utf8'));
      expect(`${pkg} → ${dependency}@${installed.version}`).toBe(`${pkg} → ${dependency}@${lower}`);
    }
  });
});
