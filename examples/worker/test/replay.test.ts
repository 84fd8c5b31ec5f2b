import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { expect, inject, it } from 'vitest';

// Histories recorded from earlier versions of the test cycle (v2: per-phase timings; v3:
// the SQLite store) must replay with today's code, or running cycles would break on deploy.
const FIXTURES = join(import.meta.dirname, 'fixtures');
/**
 * The fixtures are `JSON.stringify(await handle.fetchHistory())`: protobufjs objects
 * (timestamps as `{ seconds, nanos }`), which `History.fromObject` reads and the SDK's
 * proto3-JSON `historyFromJSON` does not. `@temporalio/proto` is reached through
 * `@temporalio/common`, whose dependency it is.
 */
const require = createRequire(import.meta.url);
const proto = createRequire(require.resolve('@temporalio/common'))('@temporalio/proto') as {
  temporal: { api: { history: { v1: { History: { fromObject(json: unknown): unknown } } } } };
};
const historyOf = (file: string) =>
  proto.temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')));

const files = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.history.json'))
  .sort();

it('has recorded histories of both the old (v2) and the new (v3) code path', () => {
  expect(files.filter((name) => name.startsWith('test-cycle-v2-')).length).toBeGreaterThanOrEqual(2);
  expect(files.filter((name) => name.startsWith('test-cycle-v3-')).length).toBeGreaterThanOrEqual(3);
});

it('replays every recorded test-cycle history with the current workflows, without a nondeterminism error', async () => {
  const histories = files.map((name) => ({ workflowId: name, history: historyOf(name) }));
  const results: { workflowId: string; error: string | undefined }[] = [];
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: { codePath: inject('workflowBundles').worker as string } },
    histories,
  )) {
    results.push({ workflowId: result.workflowId, error: result.error?.message });
  }
  expect(results).toEqual(files.map((workflowId) => ({ workflowId, error: undefined })));
});
