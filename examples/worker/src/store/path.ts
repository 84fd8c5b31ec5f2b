import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the test cycle's database lives: `RESUMABLE_TEST_CYCLE_DB`, or a file in the OS temp folder. */
export function testCycleDbPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.RESUMABLE_TEST_CYCLE_DB || join(tmpdir(), 'resumable-test-cycle.sqlite');
}
