#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { buildTemporalCli } from './build-cli';
import { startDevServer } from './dev-server';
import { findTemporalCli } from './resolve-cli';

const USAGE = `Usage: resumable-temporal <command> [options]

Commands:
  start    run \`temporal server start-dev\` on 127.0.0.1 until Ctrl-C (default)
  ensure   make sure a Temporal CLI binary exists (builds it with Go if needed) and print its path

Options for start:
  --ui              serve the Temporal web UI
  --port <n>        gRPC port (default: 7233)
  --ui-port <n>     web UI port (default: port + 1000)
  --db <file>       persist to this SQLite file (default: in memory)
  --namespace <ns>  namespace to create (default: default)
`;

async function main(): Promise<void> {
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
    port: values.port ? Number(values.port) : 7233,
    ...(values['ui-port'] ? { uiPort: Number(values['ui-port']) } : {}),
    ...(values.db ? { dbFilename: values.db } : {}),
    ...(values.namespace ? { namespace: values.namespace } : {}),
  });
  process.stdout.write(`TEMPORAL_ADDRESS=${server.address}\n`);
  if (server.uiUrl) process.stdout.write(`Temporal web UI: ${server.uiUrl}\n`);
  process.stdout.write('Press Ctrl-C to stop.\n');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.stop();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
