/**
 * One writer process of `test/sqlite-file-lock.test.ts`: opens the test cycle store on
 * the file it is given and, once the parent says go (so every writer starts at once),
 * writes `writes` phases of its own cycles, each a transaction of its own, and a phase
 * every writer shares (the same keys from all: still one row per key). Reports `done`.
 *
 * Run by `fork()` with `--import tsx`; argv: <db path> <writer name> <writes>.
 */
import { openTestCycleStore } from '../../src/store';

const [path, name, count] = process.argv.slice(2);
if (!path || !name || !count || !process.send)
  throw new Error('usage: fork(concurrent-writer.ts, [path, name, writes])');
const send = process.send.bind(process);
// A loaded machine runs several writers on two cores: wait long for the lock, never give up on a slow one.
const store = openTestCycleStore(path, { lock: { timeoutMs: 60_000 } });

process.once('message', async (message) => {
  if (message !== 'go') return;
  try {
    const writes: Promise<boolean>[] = [];
    for (let index = 0; index < Number(count); index++) {
      writes.push(store.writePhase({ cycleId: `${name}-${index}`, phase: 3, attempt: 1, complete: 6 }));
      if (index % 10 === 0) writes.push(store.writePhase({ cycleId: 'shared', phase: 1, attempt: 1, complete: 4 }));
    }
    const written = await Promise.all(writes);
    send({ done: name, written: written.filter(Boolean).length }, () => process.exit(0));
  } catch (error) {
    send({ failed: name, error: String(error) }, () => process.exit(1));
  }
});
send({ ready: name });
