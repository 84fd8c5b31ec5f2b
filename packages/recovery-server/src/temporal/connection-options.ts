import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from '@temporalio/client';

/** Where Temporal is and how to authenticate; every field falls back to the usual environment variables. */
export interface TemporalTarget {
  /** `TEMPORAL_ADDRESS`, default `localhost:7233`. */
  address?: string | undefined;
  /** `TEMPORAL_NAMESPACE`, default `default`. */
  namespace?: string | undefined;
  /** mTLS: `TEMPORAL_TLS_CERT_PATH` and `TEMPORAL_TLS_KEY_PATH` (and optional `TEMPORAL_TLS_CA_PATH`). */
  tls?: ConnectionOptions['tls'];
  /** Temporal Cloud API key: `TEMPORAL_API_KEY`. */
  apiKey?: string | undefined;
}

/**
 * The connection options and namespace for `target`, the environment filling what it
 * leaves out: the one reading of `TEMPORAL_*` shared by the server and the CLI.
 */
export function resolveTemporalTarget(
  target: TemporalTarget,
  env: Record<string, string | undefined> = process.env,
): { connection: Pick<ConnectionOptions, 'address' | 'tls' | 'apiKey'> & { address: string }; namespace: string } {
  const certPath = env.TEMPORAL_TLS_CERT_PATH;
  const keyPath = env.TEMPORAL_TLS_KEY_PATH;
  const tls =
    target.tls ??
    (certPath && keyPath
      ? {
          clientCertPair: { crt: readFileSync(certPath), key: readFileSync(keyPath) },
          ...(env.TEMPORAL_TLS_CA_PATH ? { serverRootCACertificate: readFileSync(env.TEMPORAL_TLS_CA_PATH) } : {}),
        }
      : undefined);
  const apiKey = target.apiKey ?? env.TEMPORAL_API_KEY;
  return {
    connection: {
      address: target.address ?? env.TEMPORAL_ADDRESS ?? 'localhost:7233',
      ...(tls ? { tls } : {}),
      ...(apiKey ? { apiKey } : {}),
    },
    namespace: target.namespace ?? env.TEMPORAL_NAMESPACE ?? 'default',
  };
}
