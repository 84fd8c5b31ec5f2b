// The programs `pnpm test` runs for real that are not npm packages: found, or installed,
// or the exact command to install them, before anything else runs.
//
//   tsx scripts/system-deps.ts          check, install what is missing if we may
//   tsx scripts/system-deps.ts --check  only report (exit 1 when something is missing)
//
// Installing needs Debian or Ubuntu (apt-get) and root, or sudo that does not ask for a
// password. Otherwise the script stops at once with the command to run yourself.
// RESUMABLE_SYSTEM_INSTALL=0 never installs (the same as --check).
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A program the tests need, and the Debian packages that provide it. */
export interface Requirement {
  program: string;
  /** A variable that points at the program instead of PATH. */
  env?: string;
  apt: string[];
  why: string;
}

/** How to install what is missing: run apt-get (`sudo` or as root), or tell the user the command. */
export type Plan =
  { kind: 'run'; sudo: boolean; packages: string[]; install: string[] } | { kind: 'tell'; command: string };

/** What this machine allows: apt-get present, installing wanted, running as root, sudo without a password. */
export interface Abilities {
  aptGet: boolean;
  install: boolean;
  root: boolean;
  sudo: boolean;
}

/** What the tests need, in the order they are reported. */
export const REQUIREMENTS: Requirement[] = [
  { program: 'redis-server', apt: ['redis-server'], why: 'the Redis bus tests and the soak' },
  {
    program: 'chromium',
    env: 'CHROMIUM_PATH',
    apt: ['chromium', 'fonts-dejavu-core'],
    why: 'the browser tests (headless Chromium)',
  },
  { program: 'ip', apt: ['iproute2'], why: 'the loopback-only browser test (a network namespace)' },
  { program: 'unshare', apt: ['util-linux'], why: 'the loopback-only browser test (a network namespace)' },
  { program: 'script', apt: ['bsdutils'], why: 'the CLI tests (a pseudo-terminal)' },
];

/** The absolute path of `program` on PATH, or undefined. */
export function which(program: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/** The requirements not met on this machine. */
export function missing(
  requirements = REQUIREMENTS,
  env: NodeJS.ProcessEnv = process.env,
  find = which,
): Requirement[] {
  return requirements.filter((requirement) => {
    const override = requirement.env && env[requirement.env];
    if (override) {
      try {
        accessSync(override, constants.X_OK);
        return false;
      } catch {
        return true;
      }
    }
    return !find(requirement.program, env.PATH ?? '');
  });
}

/** How to install `lacking` on a machine that can do `can`. */
export function plan(lacking: Requirement[], can: Abilities): Plan {
  const packages = [...new Set(lacking.flatMap((requirement) => requirement.apt))];
  const install = ['apt-get', 'install', '-y', '--no-install-recommends', ...packages];
  if (!can.aptGet) {
    return {
      kind: 'tell',
      command: `install ${lacking.map((requirement) => requirement.program).join(', ')} with your system's package manager (Debian/Ubuntu: sudo ${install.join(' ')})`,
    };
  }
  if (can.install && can.root) return { kind: 'run', sudo: false, packages, install };
  if (can.install && can.sudo) return { kind: 'run', sudo: true, packages, install };
  return { kind: 'tell', command: `sudo apt-get update && sudo ${install.join(' ')}` };
}

function canSudo(): boolean {
  if (!which('sudo')) return false;
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
}

function runAs(sudo: boolean, args: string[]): boolean {
  const [command = 'apt-get', ...rest] = sudo ? ['sudo', '-n', ...args] : args;
  const result = spawnSync(command, rest, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0;
}

function main(): number {
  const checkOnly = process.argv.includes('--check') || process.env.RESUMABLE_SYSTEM_INSTALL === '0';
  const lacking = missing();
  if (lacking.length === 0) return 0;
  for (const requirement of lacking) {
    console.error(`[system-deps] missing ${requirement.program}: ${requirement.why}`);
  }
  const steps = plan(lacking, {
    aptGet: Boolean(which('apt-get')),
    install: !checkOnly,
    root: process.getuid?.() === 0,
    sudo: !checkOnly && canSudo(),
  });
  if (steps.kind === 'tell') {
    console.error(`[system-deps] not installing them from here; run:\n\n  ${steps.command}\n`);
    return 1;
  }
  console.error(`[system-deps] apt-get install ${steps.packages.join(' ')}${steps.sudo ? ' (sudo)' : ''}`);
  if (!runAs(steps.sudo, ['apt-get', 'update', '-qq']) || !runAs(steps.sudo, [...steps.install, '-qq'])) {
    console.error(
      `[system-deps] apt-get failed; run it yourself:\n\n  sudo apt-get update && sudo ${steps.install.join(' ')}\n`,
    );
    return 1;
  }
  const still = missing();
  if (still.length > 0) {
    console.error(
      `[system-deps] still missing after apt-get: ${still.map((requirement) => requirement.program).join(', ')}`,
    );
    return 1;
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) process.exit(main());
