/**
 * The one-command demo: a Temporal dev server with its web UI, the example worker
 * (examples/worker) and the example Next.js app (examples/next-app). Prints the
 * URLs; Ctrl-C stops everything.
 *
 *   pnpm demo           build what is stale, then `next start`
 *   pnpm demo --dev     `next dev` instead (hot reload; slower first page loads)
 *
 * Environment: TEMPORAL_ADDRESS (use a running server instead of starting one),
 * TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, TEMPORAL_PORT (default 7233; UI on port + 1000),
 * PORT (the app, default 3000), TEMPORAL_MAX_CONCURRENT_ACTIVITIES / _WORKFLOWS (the worker).
 */
import { startDevServer, type DevServer } from '../tooling/temporal-dev/src/index';
import { ensureAppBuilt, ensurePackagesBuilt, startStack, type Stack } from '@resumable/kit/example-stack';

const dev = process.argv.includes('--dev');

async function main(): Promise<void> {
  let server: DevServer | undefined;
  let stack: Stack | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (code: number) =>
    (stopping ??= (async () => {
      console.log('\n[demo] stopping the app, the worker and the Temporal dev server…');
      await stack?.stop();
      await server?.stop();
      console.log('[demo] stopped');
      process.exit(code);
    })());
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    const log = (line: string) => console.log(`[demo] ${line}`);
    if (dev) ensurePackagesBuilt(log);
    else ensureAppBuilt(log);
    server = await startDevServer({ ui: true, port: Number(process.env.TEMPORAL_PORT ?? 7233) });
    stack = await startStack({
      temporalAddress: server.address,
      namespace: server.namespace,
      port: Number(process.env.PORT ?? 3000),
      mode: dev ? 'dev' : 'start',
    });
  } catch (error) {
    console.error('[demo] could not start:', error instanceof Error ? error.message : error);
    await stop(1);
    return;
  }

  const ui = server.uiUrl ?? '(external server: see its own UI)';
  console.log(`
  Resumable demo is running.

    Task board         ${stack.appUrl}/tasks
    Paused workflows   ${stack.appUrl}/paused
    Test cycle         ${stack.appUrl}/test-cycle
    Temporal web UI    ${ui}

  Temporal ${server.address} (namespace ${server.namespace}), task queue ${stack.taskQueue}.
  Press Ctrl-C to stop everything.
`);
  const { name, code } = await stack.exited;
  console.error(`[demo] the ${name} exited unexpectedly (code ${code})`);
  await stop(1);
}

void main();
