/**
 * The one-command demo: a Temporal dev server with its web UI, the example worker
 * (examples/worker) and the example Next.js app (examples/next-app). Prints the
 * URLs; Ctrl-C stops everything.
 *
 *   pnpm demo                 build what is stale, then `next start`
 *   pnpm demo --dev           `next dev` instead (hot reload; slower first page loads)
 *   pnpm demo --port 7300 --ui-port 8300 --app-port 3300
 *
 * Environment: TEMPORAL_ADDRESS (use a running server instead of starting one),
 * TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, TEMPORAL_PORT (default 7233), TEMPORAL_UI_PORT
 * (default: the gRPC port + 1000), TEMPORAL_UI_URL (the web UI of a server you run yourself,
 * for the app's links), PORT (the app, default 3000), TEMPORAL_MAX_CONCURRENT_ACTIVITIES /
 * _WORKFLOWS (the worker). Flags win over the environment.
 */
import { parseArgs } from 'node:util';
import { startDevServer, type DevServer } from '../tooling/temporal-dev/src/index';
import { ensureAppBuilt, ensurePackagesBuilt, startStack, type Stack } from '@resumable/kit/example-stack';

const { values: flags } = parseArgs({
  options: {
    dev: { type: 'boolean', default: false },
    port: { type: 'string', default: process.env.TEMPORAL_PORT ?? '7233' },
    'ui-port': { type: 'string', default: process.env.TEMPORAL_UI_PORT },
    'app-port': { type: 'string', default: process.env.PORT ?? '3000' },
  },
});
const dev = flags.dev;

function portFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    console.error(`[demo] --${name} must be a port number (1-65535), not "${value}"`);
    process.exit(2);
  }
  return port;
}
const temporalPort = portFlag('port', flags.port);
const uiPort = portFlag('ui-port', flags['ui-port']);
const appPort = portFlag('app-port', flags['app-port']);

/** The web UI the app links to: the one we started, else the one TEMPORAL_UI_URL names. */
const temporalUi = (server: DevServer) => server.uiUrl ?? (process.env.TEMPORAL_UI_URL || undefined);

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
    server = await startDevServer({ ui: true, port: temporalPort, ...(uiPort ? { uiPort } : {}) });
    stack = await startStack({
      temporalAddress: server.address,
      namespace: server.namespace,
      port: appPort,
      mode: dev ? 'dev' : 'start',
      temporalUiUrl: temporalUi(server),
    });
  } catch (error) {
    console.error('[demo] could not start:', error instanceof Error ? error.message : error);
    await stop(1);
    return;
  }

  const ui = temporalUi(server) ?? '(external server: set TEMPORAL_UI_URL to its web UI)';
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
