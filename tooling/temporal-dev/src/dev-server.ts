import { registerSearchAttributes } from '@resumable/protocol';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { buildTemporalCli, hasGo } from './build-cli';
import { TemporalDevError } from './errors';
import { downloadDir } from './paths';
import { findTemporalCli } from './resolve-cli';
import { resumableSearchAttributeKeys } from './search-attributes';

export interface DevServerOptions {
  /** Serve the Temporal web UI. */
  ui?: boolean;
  /** gRPC port; a free one when omitted. */
  port?: number;
  /** UI port; `port + 1000` when omitted. */
  uiPort?: number;
  namespace?: string;
  /** SQLite file to persist to; in memory when omitted. */
  dbFilename?: string;
  /** Progress lines ("building…", "started on…"). */
  log?: (line: string) => void;
  /**
   * Try `@temporalio/testing`'s download when no binary is installed. On by default;
   * `RESUMABLE_TEMPORAL_DOWNLOAD=0` turns it off.
   */
  allowDownload?: boolean;
  /** Build the CLI with Go when nothing else works. On by default. */
  allowGoBuild?: boolean;
}

/** Where the server came from. */
export type DevServerSource = 'TEMPORAL_ADDRESS' | 'TEMPORAL_CLI_PATH' | 'PATH' | 'cache' | 'download' | 'go-build';

/** A running (or external) Temporal server. */
export interface DevServer {
  /** `host:port` for `Connection.connect` and `NativeConnection.connect`. */
  address: string;
  namespace: string;
  /** The web UI, when it was asked for and we started the server. */
  uiUrl: string | undefined;
  source: DevServerSource;
  /** Path of the CLI binary we ran, if we ran one. */
  cliPath: string | undefined;
  /** Stops the server we started (a no-op for `TEMPORAL_ADDRESS`). Safe to call twice. */
  stop(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';

/**
 * Gives you a Temporal server: `TEMPORAL_ADDRESS` when set; otherwise runs
 * `temporal server start-dev` on 127.0.0.1 from an installed binary
 * (`TEMPORAL_CLI_PATH`, `PATH`, the cache), else `@temporalio/testing`'s download,
 * else a Go build of the CLI. Resumable's search attributes are registered.
 *
 * @example
 * const server = await startDevServer({ ui: true });
 * console.log(server.address, server.uiUrl);
 * await server.stop();
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const namespace = options.namespace ?? process.env.TEMPORAL_NAMESPACE ?? 'default';

  if (process.env.TEMPORAL_ADDRESS) return useExternalServer(process.env.TEMPORAL_ADDRESS, namespace, log);

  const attempts: string[] = [];
  const found = findTemporalCli();
  if (found)
    return launch({ type: 'existing-path', path: found.path }, found.source, found.path, options, namespace, log);
  attempts.push('no `temporal` binary in TEMPORAL_CLI_PATH, PATH or the cache');

  const allowDownload = options.allowDownload ?? process.env.RESUMABLE_TEMPORAL_DOWNLOAD !== '0';
  if (allowDownload) {
    log('[temporal-dev] no Temporal CLI installed; trying the @temporalio/testing download');
    try {
      return await launch(
        { type: 'cached-download', downloadDir: downloadDir() },
        'download',
        undefined,
        options,
        namespace,
        log,
      );
    } catch (error) {
      attempts.push(`download failed: ${firstLine(error)}`);
      log(`[temporal-dev] download failed (${firstLine(error)})`);
    }
  }

  if ((options.allowGoBuild ?? true) && hasGo()) {
    const path = await buildTemporalCli({ log });
    return launch({ type: 'existing-path', path }, 'go-build', path, options, namespace, log);
  }
  attempts.push('no Go toolchain on PATH to build the CLI');
  throw new TemporalDevError(
    'CLI_NOT_FOUND',
    `No Temporal server available:\n - ${attempts.join('\n - ')}\n` +
      'Set TEMPORAL_ADDRESS to use a running server, TEMPORAL_CLI_PATH to a `temporal` binary, or install Go.',
  );
}

type Executable = { type: 'existing-path'; path: string } | { type: 'cached-download'; downloadDir: string };

async function launch(
  executable: Executable,
  source: DevServerSource,
  cliPath: string | undefined,
  options: DevServerOptions,
  namespace: string,
  log: (line: string) => void,
): Promise<DevServer> {
  const ui = options.ui ?? false;
  let env: TestWorkflowEnvironment;
  try {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable,
        ip: LOOPBACK,
        namespace,
        ui,
        ...(options.port === undefined ? {} : { port: options.port }),
        ...(options.uiPort === undefined ? {} : { uiPort: options.uiPort }),
        ...(options.dbFilename === undefined ? {} : { dbFilename: options.dbFilename }),
        searchAttributes: resumableSearchAttributeKeys(),
        log: { format: 'pretty', level: 'warn' },
      },
    });
  } catch (cause) {
    throw new TemporalDevError('SERVER_START_FAILED', `temporal server start-dev failed: ${firstLine(cause)}`, {
      cause,
    });
  }
  const address = env.address;
  const port = Number(address.split(':').pop());
  const uiUrl = ui ? `http://${LOOPBACK}:${options.uiPort ?? port + 1000}` : undefined;
  log(`[temporal-dev] Temporal dev server (${source}) on ${address}${uiUrl ? `, web UI ${uiUrl}` : ''}`);
  let stopped: Promise<void> | undefined;
  return {
    address,
    namespace,
    uiUrl,
    source,
    cliPath,
    stop: () => (stopped ??= env.teardown()),
  };
}

async function useExternalServer(address: string, namespace: string, log: (line: string) => void): Promise<DevServer> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, connectTimeout: 10_000 });
  } catch (cause) {
    throw new TemporalDevError(
      'SERVER_UNREACHABLE',
      `TEMPORAL_ADDRESS=${address} is not reachable: ${firstLine(cause)}`,
      {
        cause,
      },
    );
  }
  try {
    const added = await registerSearchAttributes(connection, namespace);
    if (added.length > 0) log(`[temporal-dev] registered ${added.join(', ')} in namespace ${namespace}`);
  } catch (error) {
    log(`[temporal-dev] could not register search attributes on ${address}: ${firstLine(error)}`);
  } finally {
    await connection.close();
  }
  log(`[temporal-dev] using the Temporal server at TEMPORAL_ADDRESS=${address}`);
  return { address, namespace, uiUrl: undefined, source: 'TEMPORAL_ADDRESS', cliPath: undefined, stop: async () => {} };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
