import { ResumableError, bearerToken, type UpdateBus } from '@resumable/protocol';
import {
  createTimerScheduler,
  type ComponentReport,
  type RecoveryReport,
  type TimerScheduler,
} from '@resumable/recovery-manager';
import { createInMemoryBus, createSsePublisher } from '@resumable/sse-publisher';
import { Client, type DataConverter } from '@temporalio/client';
import { namespaceRefused, type NamespaceScope } from '../auth/guard';
import { verifyToken } from '../auth/tokens';
import { corsHeaders } from '../http/cors';
import { isStreamPlan, type Outcome } from '../http/router';
import { DEFAULTS, type RecoveryServerOptions } from '../options';
import type { RecoveryServer } from '../server';

/** Builds one namespace's server (`createRecoveryServer` without `temporal.namespaces`). */
type BuildServer = (options: RecoveryServerOptions, scope: NamespaceScope) => RecoveryServer;

// Per-namespace things an app gives once; with several namespaces they would be shared
// across tenants (one paused list, one bus) or run once per namespace, so they are refused.
const SINGLE_NAMESPACE_ONLY = ['pausedRegistry', 'recoverables', 'responseHandlers'] as const;

function invalid(message: string): ResumableError {
  return new ResumableError('INVALID_PARAMETER', message);
}

/** The allow-list, checked: strings, at least one, no repeats. */
function checkNamespaces(namespaces: unknown): string[] {
  if (!Array.isArray(namespaces) || namespaces.length === 0) {
    throw invalid('temporal.namespaces must list at least one namespace');
  }
  for (const name of namespaces) {
    if (typeof name !== 'string' || name === '') throw invalid('temporal.namespaces holds a name that is not a string');
  }
  if (new Set(namespaces).size !== namespaces.length) throw invalid('temporal.namespaces names a namespace twice');
  return namespaces as string[];
}

/** A client of `namespace` on `base`'s connection, with its data converter and interceptors. */
function clientOf(base: Client, namespace: string): Client {
  return new Client({
    connection: base.connection,
    namespace,
    // Already loaded: the Client takes a loaded converter as it is (same codecs, same keys).
    dataConverter: base.options.dataConverter as DataConverter,
    interceptors: base.options.interceptors,
    identity: base.options.identity,
  });
}

/** Start-up reports of every namespace as one: components named `<namespace>/<component>`. */
function mergeReports(reports: ReadonlyMap<string, RecoveryReport | undefined>): RecoveryReport | undefined {
  const present = [...reports].filter((entry): entry is [string, RecoveryReport] => entry[1] !== undefined);
  if (present.length === 0) return undefined;
  const components: ComponentReport[] = present.flatMap(([namespace, report]) =>
    report.components.map((component) => ({ ...component, name: `${namespace}/${component.name}` })),
  );
  return {
    ok: present.every(([, report]) => report.ok),
    startedAt: present.map(([, report]) => report.startedAt).sort()[0] as string,
    durationMs: Math.max(...present.map(([, report]) => report.durationMs)),
    components,
  };
}

/**
 * @internal `createRecoveryServer` with `temporal.namespaces`: one server per
 * namespace (its own gateway, task feeds, closed logs, paused list and bus, so a task
 * id shared by two namespaces never meets), all on the caller's connection, one SSE
 * publisher and one timer scheduler. A request goes to the server of the namespace
 * its token names; that server's guard checks the signature and that the token names
 * its namespace, so routing on the claim before the check grants nothing.
 */
export function createNamespacedServer(options: RecoveryServerOptions, build: BuildServer): RecoveryServer {
  const temporal = options.temporal ?? {};
  const names = checkNamespaces(temporal.namespaces);
  const base = temporal.client;
  if (!base) throw invalid('temporal.namespaces needs temporal.client: its connection serves every namespace');
  if (!('secret' in options.auth)) {
    throw invalid('temporal.namespaces needs auth.secret: the token names the namespace of each request');
  }
  for (const option of SINGLE_NAMESPACE_ONLY) {
    if (options[option] !== undefined) throw invalid(`${option} cannot be combined with temporal.namespaces`);
  }
  if (options.bus !== undefined) {
    throw invalid('With temporal.namespaces, give busOf: (namespace) => UpdateBus, one bus per namespace');
  }
  const secret = options.auth.secret;
  const busOf = options.busOf ?? ((): UpdateBus => createInMemoryBus());
  const publisher = options.publisher ?? createSsePublisher();
  const ownTimers = options.timers ? undefined : createTimerScheduler({ onError: options.onError });
  const timers = options.timers ?? (ownTimers as TimerScheduler);
  const servers = new Map<string, RecoveryServer>(
    names.map((namespace) => [
      namespace,
      build(
        {
          ...options,
          temporal: { ...temporal, namespaces: undefined, client: clientOf(base, namespace) },
          bus: busOf(namespace),
          busOf: undefined,
          publisher,
          timers,
        },
        { namespace, required: true },
      ),
    ]),
  );
  const first = servers.get(names[0] as string) as RecoveryServer;
  const basePath = options.basePath ?? DEFAULTS.basePath;
  const busPath = `${basePath}/resumable/bus`;

  function serverOf(namespace: string): RecoveryServer {
    const server = servers.get(namespace);
    if (!server) throw namespaceRefused(namespace);
    return server;
  }

  /**
   * The server to hand `request` to. A request whose token is missing or does not
   * verify goes to the first, which answers it as any server would (401, or a 404 for a
   * path that is not ours); one naming a namespace not served gets the 403 here.
   */
  async function route(request: Request, url: URL): Promise<RecoveryServer> {
    if (request.method === 'POST' && url.pathname === busPath) {
      const namespace = url.searchParams.get('namespace');
      // Never a default: a worker's messages on another namespace's bus would reach its streams.
      if (!namespace) throw new ResumableError('BAD_REQUEST', 'The bus needs ?namespace=<the worker namespace>');
      return serverOf(namespace);
    }
    const token = bearerToken(request.headers.get('authorization')) ?? url.searchParams.get('token');
    if (request.method === 'OPTIONS' || !token) return first;
    let namespace: string | undefined;
    try {
      namespace = (await verifyToken(secret, token)).ns;
    } catch {
      return first;
    }
    if (namespace === undefined) throw namespaceRefused(undefined);
    return serverOf(namespace);
  }

  const dispatch = async (request: Request): Promise<Outcome> => {
    let server: RecoveryServer;
    try {
      server = await route(request, new URL(request.url));
    } catch (error) {
      return ResumableError.from(error).toResponse(corsHeaders(options.cors, request));
    }
    return server.dispatch(request);
  };
  const every = [...servers.values()];
  const useForNamespace = (what: string) => () => {
    throw invalid(`This server serves several namespaces: use server.forNamespace(name).${what}`);
  };

  return {
    dispatch,
    async fetch(request) {
      const outcome = await dispatch(request);
      if (!isStreamPlan(outcome)) return outcome;
      const { connection, response } = publisher.openWeb(request, { headers: outcome.headers });
      outcome.start(connection);
      return response;
    },
    publisher,
    get bus(): UpdateBus {
      return useForNamespace('bus')();
    },
    get pausedRegistry(): never {
      return useForNamespace('pausedRegistry')();
    },
    getTaskSnapshot: useForNamespace('getTaskSnapshot'),
    namespace: names[0] as string,
    forNamespace: serverOf,
    async start() {
      const reports = await Promise.all(every.map((server) => server.start()));
      return mergeReports(new Map(names.map((namespace, index) => [namespace, reports[index]])));
    },
    get readiness() {
      if (every.every((server) => server.readiness === 'ready')) return 'ready';
      return every.some((server) => server.readiness === 'recovering') ? 'recovering' : 'idle';
    },
    get startReport() {
      if (every.some((server) => server.readiness !== 'ready')) return undefined;
      return mergeReports(new Map(names.map((namespace) => [namespace, serverOf(namespace).startReport])));
    },
    timers,
    async mintToken(tokenOptions) {
      if (tokenOptions.namespace === undefined) throw namespaceRefused(undefined);
      return serverOf(tokenOptions.namespace).mintToken(tokenOptions);
    },
    async close() {
      await Promise.all(every.map((server) => server.close()));
      ownTimers?.clear();
    },
  };
}
