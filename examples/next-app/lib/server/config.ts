/**
 * The app's server settings, from the environment.
 *
 * | variable | what |
 * |---|---|
 * | `RESUMABLE_SECRET` | signs the browser tokens (32+ characters) |
 * | `RESUMABLE_BUS_SECRET` | the worker's secret for `POST /api/resumable/bus` (32+ characters) |
 * | `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE` | where Temporal is (`127.0.0.1:7233`, `default`) |
 * | `TEMPORAL_TASK_QUEUE` | where the worker polls (`resumable-examples`) |
 */
export interface AppConfig {
  tokenSecret: string;
  busSecret: string;
  address: string;
  namespace: string;
  taskQueue: string;
}

export function readAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return {
    tokenSecret: secret(env, 'RESUMABLE_SECRET'),
    busSecret: secret(env, 'RESUMABLE_BUS_SECRET'),
    address: env.TEMPORAL_ADDRESS || '127.0.0.1:7233',
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
