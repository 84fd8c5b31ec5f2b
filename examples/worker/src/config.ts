import { readFileSync } from 'node:fs';
import { keyRingFromEnv, type KeyRing } from '@resumable/workflow-state/codec';
import type { NativeConnectionOptions } from '@temporalio/worker';

/**
 * The worker's settings, from the environment (the usual Temporal variable names).
 *
 * | variable | default |
 * |---|---|
 * | `TEMPORAL_ADDRESS` | `127.0.0.1:7233` |
 * | `TEMPORAL_NAMESPACE` | `default` |
 * | `TEMPORAL_TASK_QUEUE` | `resumable-examples` |
 * | `TEMPORAL_MAX_CONCURRENT_ACTIVITIES` | `10` |
 * | `TEMPORAL_MAX_CONCURRENT_WORKFLOWS` | `10` |
 * | `TEMPORAL_MAX_CACHED_WORKFLOWS` | the SDK's (from the heap limit) |
 * | `TEMPORAL_STICKY_SCHEDULE_TO_START_TIMEOUT` | the SDK's (`10s`); ms, or `500ms` / `2s` / `1m` |
 * | `TEMPORAL_LOG_LEVEL` | `WARN` |
 * | `RESUMABLE_BUS_URL` | `http://127.0.0.1:3000/api/resumable/bus` |
 * | `RESUMABLE_BUS_SECRET` | required: the app's bus secret (32+ characters) |
 * | `RESUMABLE_WORKFLOW_BUNDLE` | a prebuilt workflow bundle to load instead of bundling at start |
 * | `RESUMABLE_PAYLOAD_KEYS` | optional `k2:<base64 32 bytes>,k1:<…>`: encrypt payloads (first key encrypts) |
 * | `TEMPORAL_TLS_CERT_PATH`, `TEMPORAL_TLS_KEY_PATH` | mTLS client certificate and key |
 * | `TEMPORAL_TLS_CA_PATH`, `TEMPORAL_TLS_SERVER_NAME` | the CA and name to verify the server with |
 * | `TEMPORAL_API_KEY` | Temporal Cloud API key (turns TLS on; `TEMPORAL_TLS=false` keeps plain gRPC) |
 */
export interface WorkerConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  maxConcurrentActivities: number;
  maxConcurrentWorkflows: number;
  /** Sticky cache size; unset: the SDK's default. See docs/operations.md, "Worker tuning". */
  maxCachedWorkflows: number | undefined;
  /** How long a workflow task waits for this worker's sticky queue, ms; unset: the SDK's 10 s. */
  stickyQueueScheduleToStartTimeoutMs: number | undefined;
  logLevel: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  busUrl: string;
  busSecret: string;
  workflowBundle: string | undefined;
  /** Payload encryption keys; unset: payloads are stored as they are. */
  payloadKeys: KeyRing | undefined;
  /** `NativeConnection` options: the address with TLS and API key (the recovery server's reading). */
  connection: Pick<NativeConnectionOptions, 'tls' | 'apiKey'> & { address: string };
}

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/** Reads and checks the configuration; throws a readable error for a bad value. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const busSecret = env.RESUMABLE_BUS_SECRET ?? '';
  if (busSecret.length < 32) {
    throw new Error('RESUMABLE_BUS_SECRET must be set to the app’s bus secret (at least 32 characters)');
  }
  const logLevel = (env.TEMPORAL_LOG_LEVEL ?? 'WARN').toUpperCase();
  if (!(LEVELS as readonly string[]).includes(logLevel)) {
    throw new Error(`TEMPORAL_LOG_LEVEL must be one of ${LEVELS.join(', ')}`);
  }
  return {
    address: env.TEMPORAL_ADDRESS || '127.0.0.1:7233',
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE || 'resumable-examples',
    maxConcurrentActivities: positiveInt(env, 'TEMPORAL_MAX_CONCURRENT_ACTIVITIES', 10),
    maxConcurrentWorkflows: positiveInt(env, 'TEMPORAL_MAX_CONCURRENT_WORKFLOWS', 10),
    maxCachedWorkflows: cacheSize(env, 'TEMPORAL_MAX_CACHED_WORKFLOWS'),
    stickyQueueScheduleToStartTimeoutMs: durationMs(env, 'TEMPORAL_STICKY_SCHEDULE_TO_START_TIMEOUT'),
    logLevel: logLevel as WorkerConfig['logLevel'],
    busUrl: env.RESUMABLE_BUS_URL || 'http://127.0.0.1:3000/api/resumable/bus',
    busSecret,
    workflowBundle: env.RESUMABLE_WORKFLOW_BUNDLE || undefined,
    payloadKeys: keyRingFromEnv(env),
    connection: connectionFromEnv(env),
  };
}

/**
 * TLS and API key as `resolveTemporalTarget` of `@resumable/recovery-server` reads
 * them (the Temporal CLI's `TEMPORAL_TLS_CLIENT_*_PATH` and `…_SERVER_CA_CERT_PATH`
 * names too), so the worker and the app share one set of variables.
 */
function connectionFromEnv(env: NodeJS.ProcessEnv): WorkerConfig['connection'] {
  const pem = (...names: string[]): Buffer | undefined => {
    const name = names.find((candidate) => env[candidate]);
    if (!name) return undefined;
    try {
      return readFileSync(env[name] as string);
    } catch (error) {
      throw new Error(`${name}: cannot read ${env[name]}`, { cause: error });
    }
  };
  const crt = pem('TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_CLIENT_CERT_PATH');
  const key = pem('TEMPORAL_TLS_KEY_PATH', 'TEMPORAL_TLS_CLIENT_KEY_PATH');
  if (Boolean(crt) !== Boolean(key)) {
    throw new Error('mTLS needs both TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH (one is set without the other)');
  }
  const ca = pem('TEMPORAL_TLS_CA_PATH', 'TEMPORAL_TLS_SERVER_CA_CERT_PATH');
  const tls = {
    ...(crt && key ? { clientCertPair: { crt, key } } : {}),
    ...(ca ? { serverRootCACertificate: ca } : {}),
    ...(env.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME } : {}),
  };
  const flag = env.TEMPORAL_TLS?.toLowerCase();
  const off = flag === 'false' || flag === '0';
  const on = flag === 'true' || flag === '1';
  return {
    address: env.TEMPORAL_ADDRESS || '127.0.0.1:7233',
    ...(off ? { tls: false } : Object.keys(tls).length > 0 ? { tls } : on ? { tls: true } : {}),
    ...(env.TEMPORAL_API_KEY ? { apiKey: env.TEMPORAL_API_KEY } : {}),
  };
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** 0 turns the sticky cache off; the SDK raises 1 to 2 with a warning, so refuse it here. */
function cacheSize(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value === 1)
    throw new Error(`${name} must be 0 (no cache) or an integer of at least 2, got "${raw}"`);
  return value;
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000 } as const;

/** A positive duration: milliseconds, or a number with `ms`, `s` or `m`. */
function durationMs(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(raw.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[(match[2] ?? 'ms') as keyof typeof UNIT_MS] : Number.NaN;
  if (!(ms >= 1)) throw new Error(`${name} must be a duration such as 2s or 500ms, got "${raw}"`);
  return Math.round(ms);
}
