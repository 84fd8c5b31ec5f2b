/**
 * The set-up the README promises: its two commands are found where CI looks for them,
 * run with empty caches, and `pnpm test` installs (or names) the system programs it needs.
 * CI runs the commands themselves (`pnpm test:readme-commands`); these are the pieces.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshEnv, readmeCommands } from '../scripts/readme-commands';
import { missing, plan, REQUIREMENTS, type Abilities } from '../scripts/system-deps';

const ROOT = resolve(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { packageManager: string };

describe('the README commands', () => {
  const commands = readmeCommands(readFileSync(join(ROOT, 'README.md'), 'utf8'));

  it('are two, one for the demo and one for the tests, each starting with the install', () => {
    expect(Object.keys(commands).sort()).toEqual(['demo', 'test']);
    const pnpm = `npx --yes ${manifest.packageManager}`;
    expect(commands.demo).toBe(`${pnpm} install && ${pnpm} demo`);
    expect(commands.test).toBe(`${pnpm} install && ${pnpm} test`);
  });

  it('run with every cache in the given folder and without this shell’s Temporal or workspace settings', () => {
    const env = freshEnv(
      {
        PATH: '/work/main/node_modules/.bin:/usr/local/bin:/usr/bin',
        HOME: '/root',
        TEMPORAL_ADDRESS: '127.0.0.1:7233',
        TEMPORAL_CLI_PATH: '/opt/temporal',
        RESUMABLE_CACHE_DIR: '/keep',
        npm_config_cache: '/root/.npm',
        XDG_CACHE_HOME: '/root/.cache',
        CI: 'true',
      },
      '/tmp/empty',
    );
    expect(env).toEqual({
      PATH: '/usr/local/bin:/usr/bin',
      HOME: '/root',
      CI: 'true',
      XDG_CACHE_HOME: '/tmp/empty/xdg',
      GOMODCACHE: '/tmp/empty/go-mod',
      npm_config_cache: '/tmp/empty/npm',
      npm_config_store_dir: '/tmp/empty/pnpm-store',
    });
  });
});

describe('system programs', () => {
  const all: Abilities = { aptGet: true, install: true, root: true, sudo: false };
  const found = (present: string[]) => (program: string) =>
    present.includes(program) ? `/usr/bin/${program}` : undefined;

  it('finds what is on PATH, and a program named by its variable instead', () => {
    const lacking = missing(
      REQUIREMENTS,
      { PATH: '/usr/bin', CHROMIUM_PATH: process.execPath },
      found(['ip', 'unshare']),
    );
    expect(lacking.map((requirement) => requirement.program)).toEqual(['redis-server', 'script']);
    const badOverride = missing(REQUIREMENTS, { CHROMIUM_PATH: '/nowhere/chromium' }, found(['chromium']));
    expect(badOverride.map((requirement) => requirement.program)).toContain('chromium');
  });

  it('installs with apt-get as root or with password-less sudo, else names the exact command', () => {
    const lacking = REQUIREMENTS.filter((requirement) => ['redis-server', 'chromium'].includes(requirement.program));
    expect(plan(lacking, all)).toEqual({
      kind: 'run',
      sudo: false,
      packages: ['redis-server', 'chromium', 'fonts-dejavu-core'],
      install: ['apt-get', 'install', '-y', '--no-install-recommends', 'redis-server', 'chromium', 'fonts-dejavu-core'],
    });
    expect(plan(lacking, { ...all, root: false, sudo: true })).toMatchObject({ kind: 'run', sudo: true });
    expect(plan(lacking, { ...all, root: false })).toEqual({
      kind: 'tell',
      command:
        'sudo apt-get update && sudo apt-get install -y --no-install-recommends redis-server chromium fonts-dejavu-core',
    });
    expect(plan(lacking, { ...all, install: false })).toMatchObject({ kind: 'tell' });
    expect(plan(lacking, { ...all, aptGet: false })).toMatchObject({
      kind: 'tell',
      command: expect.stringContaining('install redis-server, chromium with your system'),
    });
  });

  it('this machine has them all (pnpm test installed what was missing before it got here)', () => {
    expect(missing().map((requirement) => requirement.program)).toEqual([]);
  });
});
