import { join } from 'node:path';
import { TemporalDevError } from '../errors';
import type { ServerTlsOptions } from '../tls/server-tls';
import { CONFIG_ENV, writeUiConfig } from './config';
import { logTail, runningPid, sleep, spawnDetached, stopPid } from './processes';

/** How long the web UI may take from process start to answering through node 1. */
const UI_READY_MS = 30_000;

/** One GET with a short deadline; the status, or the network error's message. */
async function status(url: string): Promise<number | string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.status;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Starts the web UI server (detached, like the nodes) on 127.0.0.1:`uiPort`, pointed at
 * node 1, and resolves to its URL once it serves its index page and proxies an API call
 * to the frontend. Throws a `CLUSTER_START_FAILED` error with the UI's log tail when it
 * does not within 30 s (the UI process is stopped then).
 *
 * @example
 * const url = await startUi({ stateDir, uiServer, pidFile, uiPort: 8088, frontendPort: 7233, namespace: 'default' });
 */
export async function startUi(options: {
  stateDir: string;
  uiServer: string;
  pidFile: string;
  uiPort: number;
  frontendPort: number;
  namespace: string;
  tls?: ServerTlsOptions;
}): Promise<string> {
  const root = writeUiConfig(options);
  const logFile = join(root, 'ui.log');
  spawnDetached({
    command: options.uiServer,
    args: ['--root', root, '--config', 'config', '--env', CONFIG_ENV, 'start'],
    cwd: root,
    logFile,
    pidFile: options.pidFile,
  });
  const url = `http://127.0.0.1:${options.uiPort}`;
  // The index page proves the embedded assets; the namespace call proves the gRPC
  // path to node 1 (with mTLS, the UI's client certificate).
  const checks = [`${url}/`, `${url}/api/v1/namespaces/${encodeURIComponent(options.namespace)}`];
  const deadline = Date.now() + UI_READY_MS;
  let last = '';
  for (;;) {
    if (runningPid(options.pidFile, options.uiServer) === undefined) {
      last = `the web UI process exited (${last || 'before answering'})`;
      break;
    }
    const answers = await Promise.all(checks.map(status));
    if (answers.every((answer) => answer === 200)) return url;
    last = checks.map((check, index) => `${check} → ${answers[index]}`).join(', ');
    if (Date.now() > deadline) {
      last = `no answer within ${UI_READY_MS / 1000} s (${last})`;
      break;
    }
    await sleep(300);
  }
  await stopPid(options.pidFile, options.uiServer, 3_000);
  throw new TemporalDevError(
    'CLUSTER_START_FAILED',
    `web UI on ${url}: ${last}\nLast lines of ${logFile}:\n${logTail(logFile)}`,
  );
}
