import { readFileSync } from 'node:fs';
import type { ConnectionOptions, TLSConfig } from '@temporalio/client';

/**
 * Where Temporal is and how to authenticate; every field falls back to the usual environment variables.
 *
 * @example
 * const target: TemporalTarget = { address: 'temporal.internal:7233', namespace: 'billing' };
 */
export interface TemporalTarget {
  /** `TEMPORAL_ADDRESS`, default `localhost:7233`. */
  address?: string | undefined;
  /** `TEMPORAL_NAMESPACE`, default `default`. */
  namespace?: string | undefined;
  /**
   * TLS, from `TEMPORAL_TLS_CERT_PATH` + `TEMPORAL_TLS_KEY_PATH` (mTLS client certificate),
   * `TEMPORAL_TLS_CA_PATH` (the CA to verify the server with), `TEMPORAL_TLS_SERVER_NAME`
   * (the name to verify it as) and `TEMPORAL_TLS` (`true`: TLS with none of those; `false`: no TLS).
   */
  tls?: ConnectionOptions['tls'];
  /** Temporal Cloud API key, sent as `authorization: Bearer <key>`: `TEMPORAL_API_KEY` (turns TLS on unless `TEMPORAL_TLS=false`). */
  apiKey?: string | undefined;
}

/**
 * The connection options `resolveTemporalTarget` fills in: valid as they are for a
 * client's `Connection` and a worker's `NativeConnection`.
 *
 * @example
 * const options: TemporalConnectionOptions = { address: 'localhost:7233', apiKey: process.env.TEMPORAL_API_KEY };
 */
export interface TemporalConnectionOptions {
  /** `host:port` of the frontend. */
  address: string;
  /** TLS settings; absent: plain gRPC, unless `apiKey` is set. */
  tls?: ConnectionOptions['tls'];
  /** Sent as `authorization: Bearer <key>` on every call. */
  apiKey?: string;
}

/** The first variable of `names` that is set and not empty. */
function first(env: Record<string, string | undefined>, ...names: string[]): [name: string, value: string] | undefined {
  for (const name of names) {
    const value = env[name];
    if (value) return [name, value];
  }
  return undefined;
}

function readPem(variable: [name: string, path: string]): Buffer {
  try {
    return readFileSync(variable[1]);
  } catch (error) {
    throw new Error(`${variable[0]}: cannot read ${variable[1]} (${(error as Error).message})`, { cause: error });
  }
}

/**
 * TLS settings from the environment; the Temporal CLI's names
 * (`TEMPORAL_TLS_CLIENT_CERT_PATH`, `…_CLIENT_KEY_PATH`, `…_SERVER_CA_CERT_PATH`) work too.
 */
function tlsFromEnv(env: Record<string, string | undefined>): TLSConfig | boolean | undefined {
  const flag = env.TEMPORAL_TLS?.toLowerCase();
  if (flag === 'false' || flag === '0') return false;
  const cert = first(env, 'TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_CLIENT_CERT_PATH');
  const key = first(env, 'TEMPORAL_TLS_KEY_PATH', 'TEMPORAL_TLS_CLIENT_KEY_PATH');
  if (Boolean(cert) !== Boolean(key)) {
    throw new Error('mTLS needs both TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH (one is set without the other)');
  }
  const ca = first(env, 'TEMPORAL_TLS_CA_PATH', 'TEMPORAL_TLS_SERVER_CA_CERT_PATH');
  const serverName = env.TEMPORAL_TLS_SERVER_NAME;
  const tls: TLSConfig = {
    ...(cert && key ? { clientCertPair: { crt: readPem(cert), key: readPem(key) } } : {}),
    ...(ca ? { serverRootCACertificate: readPem(ca) } : {}),
    ...(serverName ? { serverNameOverride: serverName } : {}),
  };
  if (Object.keys(tls).length > 0) return tls;
  return flag === 'true' || flag === '1' ? true : undefined;
}

/**
 * The connection options and namespace for `target`, the environment filling what it
 * leaves out: the one reading of `TEMPORAL_*` shared by the server and the CLI.
 *
 * @example
 * // TEMPORAL_ADDRESS=temporal.internal:7233 TEMPORAL_TLS_CERT_PATH=… TEMPORAL_TLS_KEY_PATH=…
 * // TEMPORAL_TLS_CA_PATH=… TEMPORAL_TLS_SERVER_NAME=temporal.internal
 * const { connection, namespace } = resolveTemporalTarget({});
 * const client = new Client({ connection: Connection.lazy(connection), namespace });
 */
export function resolveTemporalTarget(
  target: TemporalTarget,
  env: Record<string, string | undefined> = process.env,
): {
  /** Options for `Connection.connect`/`lazy` or a worker's `NativeConnection.connect`. */
  connection: TemporalConnectionOptions;
  /** `target.namespace`, else `TEMPORAL_NAMESPACE`, else `default`. */
  namespace: string;
} {
  const tls = target.tls ?? tlsFromEnv(env);
  const apiKey = target.apiKey ?? env.TEMPORAL_API_KEY;
  return {
    connection: {
      address: target.address ?? env.TEMPORAL_ADDRESS ?? 'localhost:7233',
      ...(tls !== undefined ? { tls } : {}),
      ...(apiKey ? { apiKey } : {}),
    },
    namespace: target.namespace ?? env.TEMPORAL_NAMESPACE ?? 'default',
  };
}
