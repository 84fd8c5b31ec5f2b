import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { TemporalDevError } from '../errors';
import type { ServerBinaries } from './build';
import { TEMPORAL_DATABASE, VISIBILITY_DATABASE } from './layout';
import type { PostgresInstance } from './postgres';

/**
 * Creates the `temporal` and `temporal_visibility` databases when missing and migrates
 * both to the newest schema of the server release, with Temporal's own SQL tool. Safe
 * to run on every start: an existing database only gets `update-schema` (a no-op when
 * it is up to date), never setup again. Returns the databases it had to set up.
 */
export function migrateDatabases(
  binaries: ServerBinaries,
  postgres: PostgresInstance,
  log: (line: string) => void,
): string[] {
  const setUp: string[] = [];
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
    const update = () => tool('update-schema', '--schema-dir', join(binaries.schemaDir, folder, 'versioned'));
    // The update doubles as the existence check: it succeeds only on a database whose
    // schema is set up. `create-database` cannot tell: it exits 0 on an existing one too.
    if (update().status === 0) continue;
    const created = tool('create-database');
    if (created.status !== 0) fail('create-database', created.output);
    // Idempotent too: it skips a database that already has a schema version.
    const setup = tool('setup-schema', '--version', '0.0');
    if (setup.status !== 0) fail('setup-schema', setup.output);
    const migrated = update();
    if (migrated.status !== 0) fail('update-schema', migrated.output);
    log(`[temporal-cluster] created database ${database}`);
    setUp.push(database);
  }
  return setUp;
}
