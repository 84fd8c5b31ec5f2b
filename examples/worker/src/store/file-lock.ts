import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { mkdir, open, readFile, stat, unlink, utimes } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Why a lock could not be taken: `SQLITE_FILE_LOCK_TIMEOUT` (another holder kept it past the wait). */
export type FileLockErrorCode = 'SQLITE_FILE_LOCK_TIMEOUT';

/** A lock on a database file that could not be taken in time; `holder` is what its lock file said, if anything. */
export class FileLockError extends Error {
  override readonly name = 'FileLockError';
  constructor(
    readonly code: FileLockErrorCode,
    readonly lockPath: string,
    readonly holder: LockHolder | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** What a lock file holds: who took it and when. */
export interface LockHolder {
  pid: number;
  host: string;
  /** Unique per acquisition: a release removes only its own lock. */
  token: string;
  /** ms since the epoch. */
  at: number;
}

export interface FileLockOptions {
  /** Longest wait for the lock before a `FileLockError` (`SQLITE_FILE_LOCK_TIMEOUT`). Default 10 s. */
  timeoutMs?: number;
  /**
   * A lock file not refreshed for this long is stale and may be removed (its holder hung
   * or died on another host). A holder refreshes its lock every third of this. Default 30 s.
   */
  staleMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_STALE_MS = 30_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<LockHolder>;
    return typeof parsed.pid === 'number' && typeof parsed.token === 'string' ? (parsed as LockHolder) : undefined;
  } catch {
    // Gone, or caught between its creation and its write: not known yet.
    return undefined;
  }
}

/** Whether a process of this host with `pid` still runs (EPERM: it runs, as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates `path` if no one else has (O_CREAT | O_EXCL); false if it exists. */
async function create(path: string, content: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
  return true;
}

async function remove(path: string): Promise<void> {
  await unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

/**
 * Runs `critical` holding an exclusive lock on `lockPath` across processes: a lock
 * file created with `O_EXCL` (`wx`), holding the holder's pid, host, a token and the
 * time. Waiting takers poll with a short jittered backoff. A lock whose holder is a
 * dead process of this host, or whose file was not refreshed for `staleMs`, is
 * removed — under a second `O_EXCL` file (`<lock>.break`), so two takers never both
 * judge the same lock stale and one of them removes the other's fresh lock.
 *
 * Sound on a local filesystem, where `O_EXCL` and `rename` are atomic; not over NFS
 * and the like. A holder whose event loop stalls for `staleMs` can lose its lock.
 */
export async function withFileLock<T>(
  lockPath: string,
  critical: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const me: LockHolder = { pid: process.pid, host: hostname(), token: randomUUID(), at: Date.now() };
  await mkdir(dirname(lockPath), { recursive: true });

  const deadline = Date.now() + timeoutMs;
  let wait = 2;
  for (;;) {
    me.at = Date.now();
    if (await create(lockPath, JSON.stringify(me))) break;
    await breakIfStale(lockPath, staleMs);
    if (Date.now() >= deadline) {
      const holder = await readHolder(lockPath);
      throw new FileLockError(
        'SQLITE_FILE_LOCK_TIMEOUT',
        lockPath,
        holder,
        `Timed out after ${timeoutMs} ms waiting for the lock ${lockPath}` +
          (holder ? ` (held by pid ${holder.pid} on ${holder.host} since ${new Date(holder.at).toISOString()})` : ''),
      );
    }
    await sleep(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 50);
  }

  // Keeps the lock fresh while a long transaction runs, so no one judges it stale.
  const refresh = setInterval(
    () => {
      const now = new Date();
      utimes(lockPath, now, now).catch(() => undefined);
    },
    Math.max(10, Math.floor(staleMs / 3)),
  );
  refresh.unref();
  try {
    return await critical();
  } finally {
    clearInterval(refresh);
    // Only our own lock: a lock judged stale and taken over by another is theirs now.
    if ((await readHolder(lockPath))?.token === me.token) await remove(lockPath);
  }
}

/** Removes the lock at `lockPath` if its holder died (this host) or it went unrefreshed for `staleMs`. */
async function breakIfStale(lockPath: string, staleMs: number): Promise<void> {
  if (!(await isStale(lockPath, staleMs))) return;
  const breakPath = `${lockPath}.break`;
  if (!(await create(breakPath, JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now() })))) {
    // Another taker is breaking it; a breaker that died mid-way leaves this file, cleared when old.
    const since = await stat(breakPath).catch(() => undefined);
    if (since && Date.now() - since.mtimeMs > staleMs) await remove(breakPath);
    return;
  }
  try {
    // Checked again inside: the lock may have been broken and taken afresh meanwhile.
    if (await isStale(lockPath, staleMs)) await remove(lockPath);
  } finally {
    await remove(breakPath);
  }
}

async function isStale(lockPath: string, staleMs: number): Promise<boolean> {
  const [info, holder] = await Promise.all([stat(lockPath).catch(() => undefined), readHolder(lockPath)]);
  if (!info) return false;
  if (Date.now() - info.mtimeMs > staleMs) return true;
  return holder !== undefined && holder.host === hostname() && holder.pid !== process.pid && !alive(holder.pid);
}
