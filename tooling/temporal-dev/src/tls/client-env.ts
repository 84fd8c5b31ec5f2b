import { readFileSync } from 'node:fs';
import type { ConnectionOptions, TLSConfig } from '@temporalio/client';
import { TemporalDevError } from '../errors';
import type { ServerTlsOptions } from './server-tls';

/**
 * The `TEMPORAL_TLS_*` variables a client needs to reach a server configured with
 * `tls`: the names the recovery server, the example app and worker, and the
 * Temporal CLI (`TEMPORAL_TLS_SERVER_NAME`) read.
 *
 * @example
 * const env = clientEnvOf(serverTlsFromPki(createTestPki('/tmp/pki')));
 * // { TEMPORAL_TLS_CERT_PATH: '/tmp/pki/client.pem', …, TEMPORAL_TLS_SERVER_NAME: 'temporal.resumable.test' }
 */
export function clientEnvOf(tls: ServerTlsOptions): Record<string, string> {
  return {
    TEMPORAL_TLS_CERT_PATH: tls.clientCertFile,
    TEMPORAL_TLS_KEY_PATH: tls.clientKeyFile,
    TEMPORAL_TLS_CA_PATH: tls.caFile,
    TEMPORAL_TLS_SERVER_NAME: tls.serverName,
  };
}

type Env = Record<string, string | undefined>;

function first(env: Env, ...names: string[]): [name: string, value: string] | undefined {
  for (const name of names) {
    const value = env[name];
    if (value) return [name, value];
  }
  return undefined;
}

function readPem([name, path]: [string, string]): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new TemporalDevError('CLUSTER_BAD_OPTIONS', `${name}: cannot read ${path} (${(error as Error).message})`, {
      cause: error,
    });
  }
}

/** `false` when TEMPORAL_TLS turns it off; the files named, read; `true` for TLS with none; else undefined. */
function tlsFromEnv(env: Env): TLSConfig | boolean | undefined {
  const flag = env.TEMPORAL_TLS?.toLowerCase();
  if (flag === 'false' || flag === '0') return false;
  const cert = first(env, 'TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_CLIENT_CERT_PATH');
  const key = first(env, 'TEMPORAL_TLS_KEY_PATH', 'TEMPORAL_TLS_CLIENT_KEY_PATH');
  if (Boolean(cert) !== Boolean(key)) {
    throw new TemporalDevError(
      'CLUSTER_BAD_OPTIONS',
      'mTLS needs both TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH (one is set without the other)',
    );
  }
  const ca = first(env, 'TEMPORAL_TLS_CA_PATH', 'TEMPORAL_TLS_SERVER_CA_CERT_PATH');
  const tls: TLSConfig = {
    ...(cert && key ? { clientCertPair: { crt: readPem(cert), key: readPem(key) } } : {}),
    ...(ca ? { serverRootCACertificate: readPem(ca) } : {}),
    ...(env.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME } : {}),
  };
  if (Object.keys(tls).length > 0) return tls;
  return flag === 'true' || flag === '1' ? true : undefined;
}

/**
 * `Connection` options from `TEMPORAL_ADDRESS` (default 127.0.0.1:7233),
 * `TEMPORAL_TLS_CERT_PATH`/`_KEY_PATH`/`_CA_PATH`/`_SERVER_NAME`, `TEMPORAL_TLS` and
 * `TEMPORAL_API_KEY`, read as the recovery server's `resolveTemporalTarget` reads them
 * (the Temporal CLI's `TEMPORAL_TLS_CLIENT_*` names too). A copy of that reader, kept
 * small: tooling cannot depend on a published package it is used to test.
 *
 * @example
 * const connection = await Connection.connect(connectionOptionsFromEnv(process.env));
 */
export function connectionOptionsFromEnv(
  env: Env,
): Pick<ConnectionOptions, 'address' | 'tls' | 'apiKey'> & { address: string } {
  const apiKey = env.TEMPORAL_API_KEY;
  const tls = tlsFromEnv(env);
  return {
    address: env.TEMPORAL_ADDRESS || '127.0.0.1:7233',
    // Absent: plain gRPC, or TLS when there is an API key (the SDK's rule).
    ...(tls === undefined ? {} : { tls }),
    ...(apiKey ? { apiKey } : {}),
  };
}
