import { Connection } from '@temporalio/client';
import { setUpNamespace } from './cluster/setup';
import { TemporalDevError } from './errors';
import { connectionOptionsFromEnv } from './tls/client-env';

/** A namespace as `listNamespaces` reports it. */
export interface NamespaceInfo {
  name: string;
  /** `REGISTERED`, `DEPRECATED` or `DELETED`. */
  state: string;
  /** How long closed workflows are kept, seconds. */
  retentionSeconds: number | undefined;
}

/** Temporal's proto enum NamespaceState, by number. */
const NAMESPACE_STATES = ['UNSPECIFIED', 'REGISTERED', 'DEPRECATED', 'DELETED'];

/** Namespace names Temporal accepts (letters, digits, `-`, `_`, `.`; 2 to 255 characters). */
const NAMESPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$/;

/**
 * Registers `namespace` on the server behind `connection` (any Temporal server: the
 * dev server or a cluster, through the gRPC API), registers Resumable's search
 * attributes on it, and resolves once a client can list and start workflows in it.
 * Safe to run again: an existing namespace and existing attributes are kept.
 *
 * @example
 * const connection = await Connection.connect({ address: '127.0.0.1:7233' });
 * await createNamespace(connection, 'tenant-a');
 */
export async function createNamespace(
  connection: Connection,
  namespace: string,
  log: (line: string) => void = () => undefined,
): Promise<void> {
  if (!NAMESPACE_NAME.test(namespace)) {
    // Checked here: the setup below retries every refusal for minutes.
    throw new TemporalDevError('CLUSTER_BAD_OPTIONS', `"${namespace}" is not a namespace name Temporal accepts`);
  }
  // The cluster's start-up does exactly this for its one namespace: register, add the
  // attributes, wait until the namespace cache and visibility serve it.
  await setUpNamespace([connection], namespace, () => true, log);
}

/**
 * Every namespace on the server behind `connection`, all pages.
 *
 * @example
 * const names = (await listNamespaces(connection)).map((namespace) => namespace.name);
 */
export async function listNamespaces(connection: Connection): Promise<NamespaceInfo[]> {
  const namespaces: NamespaceInfo[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await connection.workflowService.listNamespaces({ pageSize: 100, nextPageToken });
    for (const entry of page.namespaces ?? []) {
      const seconds = entry.config?.workflowExecutionRetentionTtl?.seconds;
      namespaces.push({
        name: entry.namespaceInfo?.name ?? '',
        state: NAMESPACE_STATES[entry.namespaceInfo?.state ?? 0] ?? 'UNSPECIFIED',
        retentionSeconds: seconds === undefined || seconds === null ? undefined : Number(seconds),
      });
    }
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return namespaces;
}

/** The help of `resumable-temporal namespace`. */
export const NAMESPACE_USAGE = `Usage: resumable-temporal namespace <create <name>|list>

  create <name>  register the namespace (kept if it exists), add Resumable's search
                 attributes to it, and wait until it serves
  list           print every namespace: name, state, retention

Works on any server at TEMPORAL_ADDRESS (default 127.0.0.1:7233), over TLS with
TEMPORAL_TLS_CERT_PATH, TEMPORAL_TLS_KEY_PATH, TEMPORAL_TLS_CA_PATH and
TEMPORAL_TLS_SERVER_NAME (\`cluster start --tls\` prints them), or with TEMPORAL_API_KEY.
`;

/** Runs `namespace create|list`; returns the exit code. */
export async function namespaceCommand(argv: string[], env = process.env): Promise<number> {
  const [command, name] = argv;
  if (command !== 'create' && command !== 'list') {
    process.stdout.write(NAMESPACE_USAGE);
    return command === '--help' || command === '-h' ? 0 : 2;
  }
  if (command === 'create' && !name) {
    process.stderr.write(`namespace create needs a name\n\n${NAMESPACE_USAGE}`);
    return 2;
  }
  const options = connectionOptionsFromEnv(env);
  const { address } = options;
  const connection = await Connection.connect({ ...options, connectTimeout: 5_000 });
  try {
    if (command === 'create') {
      // The shared setup tags its lines for the cluster's log; here they stand alone.
      const say = (line: string) => process.stdout.write(`${line.replace(/^\[temporal-cluster\] /, '')}\n`);
      await createNamespace(connection, name as string, say);
      process.stdout.write(`namespace ${name} is ready on ${address}\n`);
    } else {
      for (const namespace of await listNamespaces(connection)) {
        const days = namespace.retentionSeconds === undefined ? '' : `\t${namespace.retentionSeconds / 86_400}d`;
        process.stdout.write(`${namespace.name}\t${namespace.state}${days}\n`);
      }
    }
    return 0;
  } finally {
    await connection.close();
  }
}
