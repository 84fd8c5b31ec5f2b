#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { Connection } from '@temporalio/client';
import { buildTemporalCli } from './build-cli';
import { clusterCommand } from './cluster/command';
import { startDevServer } from './dev-server';
import { namespaceCommand } from './namespaces';
import { findTemporalCli } from './resolve-cli';

const HEALTH_CHECK_MS = 2_000;

const USAGE = `Usage: resumable-temporal <command> [options]

Commands:
  start    run \`temporal server start-dev\` on 127.0.0.1 until Ctrl-C (default)
  ensure   make sure a Temporal CLI binary exists (builds it with Go if needed) and print its path
  cluster start|stop|status|restart <n>|balancer|run
           a Temporal cluster of real server processes on PostgreSQL, detached
           (\`cluster --help\` for its options)
  namespace create <name>|list
           register a namespace with Resumable's search attributes on the server
           at TEMPORAL_ADDRESS (TEMPORAL_TLS_* and TEMPORAL_API_KEY honoured), or
           list them

Options for start:
  --ui              serve the Temporal web UI
  --port <n>        gRPC port (default: 7233; 0 picks a free one)
  --ui-port <n>     web UI port (default: port + 1000)
  --db <file>       persist to this SQLite file (default: in memory)
  --namespace <ns>  namespace to create (default: default)
`;

async function main(): Promise<void> {
  if (process.argv[2] === 'cluster') {
    process.exitCode = await clusterCommand(process.argv.slice(3));
    return;
  }
  if (process.argv[2] === 'namespace') {
    process.exitCode = await namespaceCommand(process.argv.slice(3));
    return;
  }
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      ui: { type: 'boolean', default: false },
      port: { type: 'string' },
      'ui-port': { type: 'string' },
      db: { type: 'string' },
      namespace: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const command = positionals[0] ?? 'start';
  if (values.help) return void process.stdout.write(USAGE);

  if (command === 'ensure') {
    const found = findTemporalCli();
    const path = found?.path ?? (await buildTemporalCli());
    process.stdout.write(`${path}\n`);
    return;
  }
  if (command !== 'start') {
    process.stderr.write(`Unknown command "${command}"\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }

  const server = await startDevServer({
    ui: values.ui,
    // --port 0: any free port (the address is printed).
    ...(values.port === '0' ? {} : { port: values.port ? Number(values.port) : 7233 }),
    ...(values['ui-port'] ? { uiPort: Number(values['ui-port']) } : {}),
    ...(values.db ? { dbFilename: values.db } : {}),
    ...(values.namespace ? { namespace: values.namespace } : {}),
  });
  process.stdout.write(`TEMPORAL_ADDRESS=${server.address}\n`);
  if (server.uiUrl) process.stdout.write(`Temporal web UI: ${server.uiUrl}\n`);
  process.stdout.write('Press Ctrl-C to stop.\n');
  const outcome = await untilStopped(server.address);
  if (outcome !== 'signal') {
    process.stderr.write(`The Temporal server on ${server.address} stopped answering: ${outcome.lost}\n`);
    process.exitCode = 1;
  }
  // A server that died cannot be stopped cleanly; the reason is already said.
  await server.stop().catch((error: unknown) => {
    if (outcome === 'signal') throw error;
  });
}

/**
 * Waits for Ctrl-C (or SIGTERM) while watching the server. The server process belongs
 * to the SDK's native runtime, which holds no Node handle, so without a timer of our
 * own Node would find nothing to wait for and exit at once.
 */
async function untilStopped(address: string): Promise<'signal' | { lost: string }> {
  const connection = await Connection.connect({ address, connectTimeout: 5_000 });
  let watch: NodeJS.Timeout | undefined;
  let onSignal: (() => void) | undefined;
  try {
    return await new Promise((resolve) => {
      onSignal = () => resolve('signal');
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      let failures = 0;
      watch = setInterval(() => {
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('no answer to a health check within 2 s')), HEALTH_CHECK_MS);
        });
        Promise.race([connection.healthService.check({}), deadline])
          .finally(() => clearTimeout(timer))
          .then(
            () => void (failures = 0),
            (error: unknown) => {
              // One missed check can be a busy machine; three in a row is a dead server.
              if (++failures >= 3) resolve({ lost: error instanceof Error ? error.message : String(error) });
            },
          );
      }, HEALTH_CHECK_MS);
    });
  } finally {
    // Nothing of ours may outlive the wait: a leftover timer would hold the exit back,
    // and a second Ctrl-C during the teardown should kill the process as usual.
    clearInterval(watch);
    if (onSignal) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    await connection.close().catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
