import { fork, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileLockError, openTestCycleStore, phaseItems } from '../src/store';

const WRITER = resolve(import.meta.dirname, 'scripts/concurrent-writer.ts');
const dir = mkdtempSync(join(tmpdir(), 'sqlite-file-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const freshPath = () => join(dir, `db-${counter++}.sqlite`);

type Report = { ready: string } | { done: string; written: number } | { failed: string; error: string };

/** Forks `writers` processes on one file, starts them together, and waits for each to finish. */
async function runWriters(path: string, writers: number, writes: number): Promise<Report[]> {
  const children = Array.from({ length: writers }, (_, index) =>
    fork(WRITER, [path, `writer-${index}`, String(writes)], {
      execArgv: ['--conditions=@resumable/source', '--import', 'tsx'],
      cwd: resolve(import.meta.dirname, '..'),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const ended = children.map(
    (child) =>
      new Promise<Report>((done, fail) => {
        child.on('message', (message: Report) => {
          if (!('ready' in message)) done(message);
        });
        child.once('error', fail);
        child.once('exit', (code) => fail(new Error(`writer exited with ${code} before reporting`)));
      }),
  );
  // A barrier: no writer starts before every one has loaded, so their writes overlap.
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((ready) =>
          child.on('message', (message: Report) => {
            if ('ready' in message) ready();
          }),
        ),
    ),
  );
  for (const child of children) child.send('go');
  try {
    return await Promise.all(ended);
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill();
  }
}

describe('one SQLite file, several processes', () => {
  it('loses no write: every row of every writer process is there exactly once', { timeout: 120_000 }, async () => {
    const path = freshPath();
    const writers = 3;
    const writes = 40;
    const reports = await runWriters(path, writers, writes);
    expect(reports).toEqual(
      Array.from({ length: writers }, (_, index) => ({ done: `writer-${index}`, written: writes + writes / 10 })),
    );

    const store = openTestCycleStore(path);
    const lost: string[] = [];
    for (let writer = 0; writer < writers; writer++) {
      for (let index = 0; index < writes; index++) {
        const cycleId = `writer-${writer}-${index}`;
        const items = (await store.records(cycleId)).map((row) => row.item);
        if (JSON.stringify(items) !== JSON.stringify(phaseItems(3))) lost.push(`${cycleId}: ${items.join(',')}`);
      }
    }
    expect(lost).toEqual([]);
    // The phase all of them wrote, with the same keys: one row per key.
    expect((await store.records('shared')).map((row) => row.item)).toEqual(phaseItems(1));
    // Nothing left behind: no lock, no temp file.
    expect(readdirSync(dir).filter((name) => name.startsWith(`${basename(path)}.`))).toEqual([]);
  });
});

describe('the write lock', () => {
  const write = (path: string, options?: Parameters<typeof openTestCycleStore>[1]) =>
    openTestCycleStore(path, options).writePhase({ cycleId: 'c', phase: 2, attempt: 1, complete: 3 });

  it('times out with a typed error while a live process holds it, and the lock stays theirs', async () => {
    const path = freshPath();
    // This process is alive, and a lock is never judged stale for its own pid: a live holder.
    const holder = { pid: process.pid, host: hostname(), token: 'someone-else', at: Date.now() };
    writeFileSync(`${path}.lock`, JSON.stringify(holder));
    const error = await write(path, { lock: { timeoutMs: 300 } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FileLockError);
    expect(error).toMatchObject({ code: 'SQLITE_FILE_LOCK_TIMEOUT', lockPath: `${path}.lock`, holder });
    expect(existsSync(`${path}.lock`)).toBe(true);
    expect(existsSync(path)).toBe(false);
  });

  it('takes over a lock whose holder died', async () => {
    const path = freshPath();
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: dead, host: hostname(), token: 'dead', at: Date.now() }));
    await expect(write(path, { lock: { timeoutMs: 5_000 } })).resolves.toBe(true);
    expect(existsSync(`${path}.lock`)).toBe(false);
    expect((await openTestCycleStore(path).records('c')).map((row) => row.item)).toEqual(phaseItems(2));
  });

  it('takes over a lock left unrefreshed past the stale bound (a holder on another host, or hung)', async () => {
    const path = freshPath();
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: 1, host: 'elsewhere', token: 'old', at: 0 }));
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${path}.lock`, old, old);
    await expect(write(path, { lock: { timeoutMs: 5_000, staleMs: 30_000 } })).resolves.toBe(true);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('sees another handle’s save: a write after it starts from the file, not from its own older copy', async () => {
    const path = freshPath();
    const first = openTestCycleStore(path);
    const second = openTestCycleStore(path);
    await first.writePhase({ cycleId: 'c', phase: 1, attempt: 1, complete: 4 });
    expect(await second.records('c')).toHaveLength(4);
    await second.writePhase({ cycleId: 'c', phase: 2, attempt: 1, complete: 3 });
    // `first` cached the file at its own save; `second` saved since: first reloads before writing.
    await first.writePhase({ cycleId: 'c', phase: 4, attempt: 1, complete: 3 });
    expect((await first.records('c')).map((row) => row.phase)).toEqual([1, 1, 1, 1, 2, 2, 2, 4, 4, 4]);
    expect((await second.records('c')).map((row) => row.phase)).toEqual([1, 1, 1, 1, 2, 2, 2, 4, 4, 4]);
  });
});
