import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import { withFileLock, type FileLockOptions } from './file-lock';

export { FileLockError, type FileLockErrorCode, type FileLockOptions, type LockHolder } from './file-lock';

let engine: Promise<SqlJsStatic> | undefined;
/** sql.js compiles its WASM once per process. */
function sqlite(): Promise<SqlJsStatic> {
  engine ??= initSqlJs();
  return engine;
}

/**
 * A SQLite database kept in one file, through sql.js (SQLite compiled to WASM, so
 * nothing native to build). sql.js holds a database in memory, so the file is the
 * truth and every operation starts from it:
 *
 * - A write takes an exclusive lock across processes (`<file>.lock`, see
 *   {@link withFileLock}), reloads the file if it changed since this handle last loaded
 *   it (another process saved), runs in one transaction, saves atomically (a temp file
 *   renamed over the old one, so a crash leaves the old file or the new one, never half
 *   of either) and releases the lock. Two processes writing one file never lose a write.
 * - A read takes no lock: it reloads the file if it changed and runs on it, so it sees
 *   every write saved before it started (the rename makes a save all or nothing).
 *
 * The operations of one handle run one at a time (a promise queue). "Changed" is the
 * file's inode, size and mtime: each save is a new file (the rename), so a new inode.
 * Local filesystems only: the lock relies on `O_EXCL` and `rename` being atomic, which
 * NFS and the like do not promise.
 */
export interface SqliteFile {
  readonly path: string;
  /** Runs `apply` in one transaction under the file's lock and saves the file; its result is returned. */
  write<T>(apply: (db: Database) => T): Promise<T>;
  /** Runs `query` on the file as it is now; nothing is saved. */
  read<T>(query: (db: Database) => T): Promise<T>;
}

export interface SqliteFileOptions {
  /** The cross-process write lock: how long to wait for it, when a held lock is stale. */
  lock?: FileLockOptions;
}

/** What identifies one saved version of the file. */
type Version = string;

export function openSqliteFile(path: string, schema: string, options: SqliteFileOptions = {}): SqliteFile {
  const lockPath = `${path}.lock`;
  let queue: Promise<unknown> = Promise.resolve();
  // Each operation starts after the previous one settled, whatever its outcome.
  const serial = <T>(operation: () => Promise<T>): Promise<T> => {
    const next = queue.then(operation, operation);
    queue = next.catch(() => undefined);
    return next;
  };

  // The database as last loaded or saved by this handle, and the file version it matches.
  let cached: { db: Database; version: Version | undefined } | undefined;
  const drop = () => {
    cached?.db.close();
    cached = undefined;
  };

  /** The database as the file holds it now: the cached one if the file did not change. */
  async function load(): Promise<Database> {
    const SQL = await sqlite();
    // Stat and read through one handle: the version and the bytes are of the same file.
    const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    let version: Version | undefined;
    let bytes: Uint8Array | undefined;
    try {
      if (handle) {
        const info = await handle.stat({ bigint: true });
        version = `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}`;
        if (cached && cached.version === version) return cached.db;
        bytes = await handle.readFile();
      } else if (cached && cached.version === undefined) {
        return cached.db;
      }
    } finally {
      await handle?.close();
    }
    drop();
    const db = new SQL.Database(bytes);
    db.exec(schema);
    cached = { db, version };
    return db;
  }

  /** Saves `db` over the file; returns the version saved. */
  async function save(db: Database): Promise<Version> {
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.${randomUUID()}.tmp`;
    try {
      await writeFile(temp, db.export());
      // The temp file's identity is the saved file's: rename keeps inode and mtime.
      const handle = await open(temp, 'r');
      let version: Version;
      try {
        const info = await handle.stat({ bigint: true });
        version = `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}`;
      } finally {
        await handle.close();
      }
      await rename(temp, path);
      return version;
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  return {
    path,
    write: (apply) =>
      serial(() =>
        withFileLock(
          lockPath,
          async () => {
            const db = await load();
            db.exec('BEGIN');
            let result;
            try {
              result = apply(db);
              db.exec('COMMIT');
            } catch (error) {
              db.exec('ROLLBACK');
              throw error;
            }
            try {
              const version = await save(db);
              if (cached?.db === db) cached.version = version;
            } catch (error) {
              // The memory holds a commit the file does not: forget it, the next operation reloads.
              drop();
              throw error;
            }
            return result;
          },
          options.lock,
        ),
      ),
    read: (query) => serial(async () => query(await load())),
  };
}

/** Every row of `sql` as plain objects. */
export function rows<T>(db: Database, sql: string, params: (string | number | null)[] = []): T[] {
  const statement = db.prepare(sql, params);
  try {
    const result: T[] = [];
    while (statement.step()) result.push(statement.getAsObject() as T);
    return result;
  } finally {
    statement.free();
  }
}
