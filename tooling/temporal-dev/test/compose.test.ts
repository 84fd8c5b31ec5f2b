import { readFileSync } from 'node:fs';
import { dirname, posix, resolve } from 'node:path';
import { SEARCH_ATTRIBUTES } from '@resumable/protocol';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  DEFAULT_FRONTEND_PORT,
  DEFAULT_POSTGRES_PORT,
  DEFAULT_UI_PORT,
  DYNAMIC_CONFIG,
  HISTORY_SHARDS,
  TEMPORAL_DATABASE,
  TEMPORAL_UI_VERSION,
  VISIBILITY_DATABASE,
} from '../src/cluster/layout';
import { TEMPORAL_SERVER_VERSION } from '../src/paths';

/*
 * examples/docker-compose.temporal.yml cannot run here (no Docker), so this keeps it in
 * step with what `pnpm temporal cluster` runs: a drift on either side fails.
 */
const COMPOSE_FILE = resolve(import.meta.dirname, '../../../examples/docker-compose.temporal.yml');

interface Service {
  image?: string;
  ports?: string[];
  environment?: Record<string, string | number | boolean>;
  volumes?: string[];
  command?: string | string[];
  network_mode?: string;
  privileged?: boolean;
}
interface Compose {
  services: Record<string, Service>;
}

/** The server image's config paths are relative to its working folder. */
const SERVER_ROOT = '/etc/temporal';

function version(tag: string): string {
  return tag.replace(/^v/, '');
}

function commandText(service: Service | undefined): string {
  const command = service?.command;
  return Array.isArray(command) ? command.join('\n') : (command ?? '');
}

/** The dynamic config the `temporal` service reads, as `DYNAMIC_CONFIG`'s key → value. */
function mountedDynamicConfig(compose: Compose, composeDir: string): Record<string, unknown> | string {
  const server = compose.services.temporal;
  const path = server?.environment?.DYNAMIC_CONFIG_FILE_PATH;
  if (typeof path !== 'string') return 'the temporal service sets no DYNAMIC_CONFIG_FILE_PATH';
  const target = posix.resolve(SERVER_ROOT, path);
  const mount = (server?.volumes ?? []).map((volume) => volume.split(':')).find(([, inside]) => inside === target);
  if (!mount?.[0]) return `no volume mounts a file at ${target}`;
  const file = parse(readFileSync(resolve(composeDir, mount[0]), 'utf8')) as Record<string, { value: unknown }[]>;
  return Object.fromEntries(Object.entries(file).map(([key, values]) => [key, values[0]?.value]));
}

/** Everything in the compose file that disagrees with the tooling; empty when in step. */
function composeProblems(compose: Compose, composeDir: string): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  const { services } = compose;
  const server = services.temporal;
  check(
    server?.image === `temporalio/server:${version(TEMPORAL_SERVER_VERSION)}`,
    `temporal image ${server?.image} is not the tooling's server ${TEMPORAL_SERVER_VERSION}`,
  );
  check(
    services['temporal-ui']?.image === `temporalio/ui:${version(TEMPORAL_UI_VERSION)}`,
    `temporal-ui image ${services['temporal-ui']?.image} is not the tooling's UI ${TEMPORAL_UI_VERSION}`,
  );
  const adminTools = Object.entries(services).filter(([, service]) =>
    service.image?.startsWith('temporalio/admin-tools:'),
  );
  check(
    services['temporal-admin-tools']?.image?.startsWith('temporalio/admin-tools:') === true,
    'no temporal-admin-tools service',
  );
  for (const [name, service] of adminTools) {
    check(
      service.image!.startsWith(`temporalio/admin-tools:${version(TEMPORAL_SERVER_VERSION)}-`),
      `${name} image ${service.image} is not the admin tools of server ${TEMPORAL_SERVER_VERSION}`,
    );
  }

  // Published ports: exactly these, each on loopback only, as the tooling binds them.
  const expectedPorts: Record<string, string[]> = {
    'temporal-postgresql': [`127.0.0.1:${DEFAULT_POSTGRES_PORT}:5432`],
    temporal: [`127.0.0.1:${DEFAULT_FRONTEND_PORT}:7233`],
    'temporal-ui': [`127.0.0.1:${DEFAULT_UI_PORT}:8080`],
  };
  for (const [name, service] of Object.entries(services)) {
    const ports = (service.ports ?? []).map(String);
    check(
      JSON.stringify(ports) === JSON.stringify(expectedPorts[name] ?? []),
      `${name} publishes ${JSON.stringify(ports)}, expected ${JSON.stringify(expectedPorts[name] ?? [])}`,
    );
    check(service.network_mode === undefined && service.privileged !== true, `${name} escapes its container`);
  }

  const dynamicConfig = mountedDynamicConfig(compose, composeDir);
  check(
    typeof dynamicConfig !== 'string' && JSON.stringify(dynamicConfig) === JSON.stringify(DYNAMIC_CONFIG),
    `dynamic config differs from DYNAMIC_CONFIG: ${JSON.stringify(dynamicConfig)}`,
  );
  check(
    String(server?.environment?.NUM_HISTORY_SHARDS) === String(HISTORY_SHARDS),
    `NUM_HISTORY_SHARDS ${server?.environment?.NUM_HISTORY_SHARDS} is not the tooling's ${HISTORY_SHARDS}`,
  );

  const schema = commandText(services['temporal-schema']);
  for (const database of [TEMPORAL_DATABASE, VISIBILITY_DATABASE]) {
    check(schema.includes(database), `temporal-schema does not set up database ${database}`);
  }
  const admin = commandText(services['temporal-admin-tools']);
  for (const { name, type } of Object.values(SEARCH_ATTRIBUTES)) {
    check(
      admin.includes(`--name ${name} --type ${type} `),
      `temporal-admin-tools does not register search attribute ${name} (${type})`,
    );
  }
  return problems;
}

describe('examples/docker-compose.temporal.yml', () => {
  const text = readFileSync(COMPOSE_FILE, 'utf8');
  const composeDir = dirname(COMPOSE_FILE);

  it("is in step with the tooling's server, UI, ports, dynamic config and search attributes", () => {
    expect(composeProblems(parse(text) as Compose, composeDir)).toEqual([]);
  });

  it('reports a drift of either side', () => {
    const drifted = (edit: (compose: Compose) => void) => {
      const compose = parse(text) as Compose;
      edit(compose);
      return composeProblems(compose, composeDir);
    };
    expect(
      drifted((c) => {
        c.services.temporal!.image = 'temporalio/server:1.30.0';
      }),
    ).toEqual([expect.stringContaining('temporal image temporalio/server:1.30.0')]);
    expect(
      drifted((c) => {
        c.services['temporal-ui']!.ports = ['8088:8080'];
      }),
    ).toEqual([expect.stringContaining('temporal-ui publishes ["8088:8080"]')]);
    expect(
      drifted((c) => {
        c.services.temporal!.environment!.DYNAMIC_CONFIG_FILE_PATH = 'config/dynamicconfig/development-sql.yaml';
      }),
    ).toEqual([expect.stringContaining('no volume mounts a file at /etc/temporal/config/dynamicconfig/development')]);
    expect(
      drifted((c) => {
        delete c.services['temporal-admin-tools'];
      }),
    ).toEqual(expect.arrayContaining(['no temporal-admin-tools service']));
  });
});
