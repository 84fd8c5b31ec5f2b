import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { TemporalDevError } from '../errors';
import type { ServerBinaries } from './build';
import { TEMPORAL_DATABASE, VISIBILITY_DATABASE } from './layout';
import type { PostgresInstance } from './postgres';

/**
 * Creates the `temporal` and `temporal_visibility` databases when missing and migrates
 * both to the newest schema of the server release, with Temporal's own SQL tool. Safe
 * to run on every start: an up-to-date database is left as it is.
 */
export function migrateDatabases(
  binaries: ServerBinaries,
  postgres: PostgresInstance,
  log: (line: string) => void,
): void {
  for (const [database, folder] of [
    [TEMPORAL_DATABASE, 'temporal'],
    [VISIBILITY_DATABASE, 'visibility'],
  ] as const) {
    const tool = (...args: string[]) => {
      const result = spawnSync(binaries.sqlTool, ['--database', database, ...args], {
        encoding: 'utf8',
        env: {
          ...process.env,
          SQL_PLUGIN: 'postgres12',
          SQL_HOST: '127.0.0.1',
          SQL_PORT: String(postgres.port),
          SQL_USER: postgres.user,
          // In the environment, not argv: `ps` shows argv to every user.
          SQL_PASSWORD: postgres.password,
        },
      });
      return { status: result.status, output: `${result.stdout}${result.stderr}` };
    };
    const fail = (step: string, output: string): never => {
      throw new TemporalDevError('CLUSTER_START_FAILED', `temporal-sql-tool ${step} of ${database} failed:\n${output}`);
    };
    const created = tool('create-database');
    // "already exists" is the normal case on every start after the first.
    if (created.status !== 0 && !/already exists/.test(created.output)) fail('create-database', created.output);
    if (created.status === 0 && !/already exists/.test(created.output)) {
      log(`[temporal-cluster] created database ${database}`);
      const setup = tool('setup-schema', '--version', '0.0');
      if (setup.status !== 0) fail('setup-schema', setup.output);
    }
    const update = tool('update-schema', '--schema-dir', join(binaries.schemaDir, folder, 'versioned'));
    if (update.status !== 0) fail('update-schema', update.output);
  }
}
