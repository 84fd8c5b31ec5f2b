import { resolveTemporalTarget, type TemporalConnectionOptions } from '@resumable/recovery-server';

/**
 * The app's server settings, from the environment.
 *
 * | variable | what |
 * |---|---|
 * | `RESUMABLE_SECRET` | signs the browser tokens (32+ characters) |
 * | `RESUMABLE_BUS_SECRET` | the worker's secret for `POST /api/resumable/bus` (32+ characters) |
 * | `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE` | where Temporal is (`127.0.0.1:7233`, `default`) |
 * | `TEMPORAL_TASK_QUEUE` | where the worker polls (`resumable-examples`) |
 * | `TEMPORAL_TLS_CERT_PATH`, `TEMPORAL_TLS_KEY_PATH` | mTLS client certificate and key |
 * | `TEMPORAL_TLS_CA_PATH`, `TEMPORAL_TLS_SERVER_NAME` | the CA and name to verify the server with |
 * | `TEMPORAL_API_KEY` | Temporal Cloud API key (`TEMPORAL_TLS=false` for plain gRPC) |
 * | `RESUMABLE_PAYLOAD_KEYS` | `k2:<base64>,k1:<base64>`: encrypt payloads and the bus (the worker's keys; see `payload-codec.ts`) |
 * | `RESUMABLE_CODEC_TOKEN`, `RESUMABLE_CODEC_ORIGINS` | the bearer token and browser origins of `/api/codec` (the web UI's codec server) |
 */
export interface AppConfig {
  tokenSecret: string;
  busSecret: string;
  address: string;
  namespace: string;
  taskQueue: string;
  /** `Connection` options: the address with TLS and API key, as the recovery server reads them. */
  connection: TemporalConnectionOptions;
}

export function readAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const address = env.TEMPORAL_ADDRESS || '127.0.0.1:7233';
  return {
    tokenSecret: secret(env, 'RESUMABLE_SECRET'),
    busSecret: secret(env, 'RESUMABLE_BUS_SECRET'),
    address,
    connection: resolveTemporalTarget({ address }, env).connection,
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE || 'resumable-examples',
  };
}

function secret(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name] ?? '';
  if (value.length < 32) {
    throw new Error(
      `${name} must be set (at least 32 characters); \`pnpm demo\` at the repository root sets it for you`,
    );
  }
  return value;
}
