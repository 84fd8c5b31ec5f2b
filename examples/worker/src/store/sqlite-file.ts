import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';

let engine: Promise<SqlJsStatic> | undefined;
/** sql.js compiles its WASM once per process. */
function sqlite(): Promise<SqlJsStatic> {
  engine ??= initSqlJs();
  return engine;
}

/**
 * A SQLite database kept in one file, through sql.js (SQLite compiled to WASM, so
 * nothing native to build). sql.js holds a database in memory, so each operation
 * loads the file, runs, and (for writes) saves it back atomically: a temp file
 * renamed over the old one, so a crash leaves the old file or the new one, never
 * half of either. Operations of this process run one at a time (a promise queue);
 * reloading per operation lets another process's saved writes show up.
 */
export interface SqliteFile {
  readonly path: string;
  /** Runs `apply` in one transaction and saves the file; its result is returned. */
  write<T>(apply: (db: Database) => T): Promise<T>;
  /** Runs `query` on the file as it is now; nothing is saved. */
  read<T>(query: (db: Database) => T): Promise<T>;
}

export function openSqliteFile(path: string, schema: string): SqliteFile {
  let queue: Promise<unknown> = Promise.resolve();
  // Each operation starts after the previous one settled, whatever its outcome.
  const serial = <T>(operation: () => Promise<T>): Promise<T> => {
    const next = queue.then(operation, operation);
    queue = next.catch(() => undefined);
    return next;
  };

  async function load(): Promise<Database> {
    const SQL = await sqlite();
    const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    const db = new SQL.Database(bytes);
    db.exec(schema);
    return db;
  }

  async function save(db: Database): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.${randomUUID()}.tmp`;
    try {
      await writeFile(temp, db.export());
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  return {
    path,
    write: (apply) =>
      serial(async () => {
        const db = await load();
        try {
          db.exec('BEGIN');
          let result;
          try {
            result = apply(db);
            db.exec('COMMIT');
          } catch (error) {
            db.exec('ROLLBACK');
            throw error;
          }
          await save(db);
          return result;
        } finally {
          db.close();
        }
      }),
    read: (query) =>
      serial(async () => {
        const db = await load();
        try {
          return query(db);
        } finally {
          db.close();
        }
      }),
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
