// Refuses a deploy that would break running workflows: replays every committed history
// (test/fixtures/*.history.json) with a workflows module, and exits 1 if any fails.
// Usage: pnpm check:replay [--workflows <path>] [--histories <dir>]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { checkReplay, formatReplayReport } from '../src/replay-check';

// The replay worker's own logs (and core's warning for each failing history) would bury the report.
Runtime.install({
  logger: new DefaultLogger('ERROR'),
  telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
});

try {
  const { values } = parseArgs({
    // `pnpm check:replay -- --workflows x` hands the `--` on.
    args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--')),
    options: { workflows: { type: 'string' }, histories: { type: 'string' } },
  });
  const report = await checkReplay({
    workflowsPath: values.workflows && resolve(values.workflows),
    historiesDir: values.histories && resolve(values.histories),
  });
  console.log(formatReplayReport(report));
  process.exitCode = report.ok ? 0 : 1;
} catch (error) {
  console.error(`Replay check could not run: ${(error as Error).message}`);
  process.exitCode = 1;
}
