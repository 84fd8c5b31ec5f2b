import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  chownSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { TemporalDevError } from '../errors';
import { POSTGRES_USER } from './layout';

/** The unprivileged system user PostgreSQL runs as when we are root (it refuses to run as root). */
const SYSTEM_USER = 'postgres';
const PROGRAMS = ['initdb', 'pg_ctl', 'postgres'] as const;

/** A PostgreSQL instance of the cluster: its files live in `dir`, owned by the user it runs as. */
export interface PostgresInstance {
  /** Folder of the `initdb`, `pg_ctl` and `postgres` binaries. */
  binDir: string;
  /** `<state>/postgres`: the data folder `data/` and `postgres.log`. */
  dir: string;
  port: number;
  user: string;
  password: string;
}

function hasPrograms(dir: string): boolean {
  return PROGRAMS.every((program) => {
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The newest `/usr/lib/postgresql/<n>/bin` (Debian's layout), else a PATH folder with `initdb`, else undefined. */
export function findPostgresBinDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.RESUMABLE_PG_BIN) return hasPrograms(env.RESUMABLE_PG_BIN) ? env.RESUMABLE_PG_BIN : undefined;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) if (hasPrograms(join(root, version, 'bin'))) return join(root, version, 'bin');
  }
  for (const dir of (env.PATH ?? '').split(':')) if (dir && hasPrograms(dir)) return dir;
  return undefined;
}

/**
 * Finds PostgreSQL's server binaries, installing Debian's `postgresql` with apt-get when
 * they are missing and we are root. Otherwise a `POSTGRES_FAILED` error says what to run.
 */
export function ensurePostgresInstalled(log: (line: string) => void): string {
  const found = findPostgresBinDir();
  if (found) return found;
  if (process.env.RESUMABLE_PG_BIN) {
    throw new TemporalDevError(
      'POSTGRES_FAILED',
      `RESUMABLE_PG_BIN=${process.env.RESUMABLE_PG_BIN} has no ${PROGRAMS.join(', ')}`,
    );
  }
  const canApt = process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!canApt || process.env.RESUMABLE_SYSTEM_INSTALL === '0') {
    throw new TemporalDevError(
      'POSTGRES_FAILED',
      'PostgreSQL server binaries (initdb, pg_ctl, postgres) not found. Install them, e.g. ' +
        '`sudo apt-get install -y postgresql`, or set RESUMABLE_PG_BIN to their folder.',
    );
  }
  log('[temporal-cluster] installing PostgreSQL with apt-get');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'postgresql']]) {
    const result = spawnSync('apt-get', args, { env, encoding: 'utf8' });
    if (result.status !== 0) {
      throw new TemporalDevError('POSTGRES_FAILED', `apt-get ${args.join(' ')} failed:\n${result.stderr.slice(-2000)}`);
    }
  }
  const installed = findPostgresBinDir();
  if (!installed) throw new TemporalDevError('POSTGRES_FAILED', 'apt-get installed postgresql but no initdb was found');
  return installed;
}

/** Owner ids for the PostgreSQL files: the `postgres` user when we are root, else ourselves. */
function systemUserIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const result = spawnSync('id', ['-u', SYSTEM_USER], { encoding: 'utf8' });
  const group = spawnSync('id', ['-g', SYSTEM_USER], { encoding: 'utf8' });
  if (result.status !== 0 || group.status !== 0) {
    throw new TemporalDevError(
      'POSTGRES_FAILED',
      `PostgreSQL refuses to run as root and there is no "${SYSTEM_USER}" user to run it as: ` +
        `create one (\`useradd --system ${SYSTEM_USER}\`) or run as an ordinary user`,
    );
  }
  return { uid: Number(result.stdout.trim()), gid: Number(group.stdout.trim()) };
}

/**
 * The command prefix that runs a PostgreSQL program: nothing for an ordinary user;
 * for root, `setpriv` to the `postgres` user. When the state folder lies under a home
 * only root may enter (~root is 0700), the process also keeps CAP_DAC_READ_SEARCH so it
 * can reach its own data folder; the data stays reachable over a password only.
 */
function runAsPrefix(instance: PostgresInstance): string[] {
  if (process.getuid?.() !== 0) return [];
  const base = ['setpriv', `--reuid=${SYSTEM_USER}`, `--regid=${SYSTEM_USER}`, '--init-groups'];
  const canReach =
    spawnSync(base[0]!, [...base.slice(1), 'test', '-w', instance.dir], { stdio: 'ignore' }).status === 0;
  return canReach ? base : [...base, '--inh-caps=+dac_read_search', '--ambient-caps=+dac_read_search'];
}

function run(instance: PostgresInstance, program: string, args: string[]): { status: number | null; output: string } {
  const command = [...runAsPrefix(instance), join(instance.binDir, program), ...args];
  const result = spawnSync(command[0]!, command.slice(1), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: instance.dir,
    env: { ...process.env, LC_ALL: 'C' },
  });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

/** The data folder of an instance. */
export function dataDir(instance: PostgresInstance): string {
  return join(instance.dir, 'data');
}

/** The instance of a state folder as it is on disk, changing nothing (for `status` and `stop`). */
export function openPostgres(options: { binDir: string; stateDir: string; port: number }): PostgresInstance {
  let password = '';
  try {
    password = readFileSync(join(options.stateDir, 'postgres.password'), 'utf8').trim();
  } catch {
    // Never initialised: nothing can run, and nothing needs the password.
  }
  return {
    binDir: options.binDir,
    dir: join(options.stateDir, 'postgres'),
    port: options.port,
    user: POSTGRES_USER,
    password,
  };
}

/**
 * Creates the instance's folder and, the first time, its database cluster (initdb) with
 * a superuser `temporal` whose random password is kept in `<state>/postgres.password`.
 */
export function initPostgres(options: { binDir: string; stateDir: string; port: number }): PostgresInstance {
  const dir = join(options.stateDir, 'postgres');
  const passwordFile = join(options.stateDir, 'postgres.password');
  mkdirSync(dir, { recursive: true });
  const owner = systemUserIds();
  if (owner) chownSync(dir, owner.uid, owner.gid);
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const instance = openPostgres(options);
  if (existsSync(join(dataDir(instance), 'PG_VERSION'))) return instance;

  // initdb reads the password from a file the postgres user can read; it goes right after.
  const pwfile = join(dir, 'initdb.pw');
  writeFileSync(pwfile, `${instance.password}\n`, { mode: 0o600 });
  if (owner) chownSync(pwfile, owner.uid, owner.gid);
  try {
    const result = run(instance, 'initdb', [
      '--pgdata',
      dataDir(instance),
      '--username',
      POSTGRES_USER,
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
    ]);
    if (result.status !== 0) {
      rmSync(dataDir(instance), { recursive: true, force: true });
      throw new TemporalDevError('POSTGRES_FAILED', `initdb failed:\n${result.output}`);
    }
  } finally {
    rmSync(pwfile, { force: true });
  }
  return instance;
}

/** True when this instance's postmaster runs. */
export function postgresRunning(instance: PostgresInstance): boolean {
  return run(instance, 'pg_ctl', ['status', '--pgdata', dataDir(instance)]).status === 0;
}

/** The postmaster's pid, from its pid file (undefined when it is not running). */
export function postgresPid(instance: PostgresInstance): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir(instance), 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Starts PostgreSQL on 127.0.0.1:`port` only (no Unix socket) and waits until it accepts connections. */
export function startPostgres(instance: PostgresInstance): void {
  if (postgresRunning(instance)) return;
  const settings = [
    `-p ${instance.port}`,
    '-c listen_addresses=127.0.0.1',
    "-c unix_socket_directories=''",
    // Two nodes with 20 + 2 connections each, the schema tool and some headroom.
    '-c max_connections=200',
  ].join(' ');
  const result = run(instance, 'pg_ctl', [
    'start',
    '--pgdata',
    dataDir(instance),
    '--log',
    join(instance.dir, 'postgres.log'),
    '--wait',
    '--timeout=60',
    '-o',
    settings,
  ]);
  if (result.status !== 0) {
    throw new TemporalDevError(
      'POSTGRES_FAILED',
      `PostgreSQL did not start on 127.0.0.1:${instance.port}:\n${result.output}\n` +
        `(see ${join(instance.dir, 'postgres.log')})`,
    );
  }
}

/** Stops PostgreSQL (fast shutdown: open sessions are ended) and waits for it. */
export function stopPostgres(instance: PostgresInstance): void {
  if (!postgresRunning(instance)) return;
  const result = run(instance, 'pg_ctl', [
    'stop',
    '--pgdata',
    dataDir(instance),
    '--mode=fast',
    '--wait',
    '--timeout=60',
  ]);
  if (result.status !== 0) throw new TemporalDevError('POSTGRES_FAILED', `pg_ctl stop failed:\n${result.output}`);
}
