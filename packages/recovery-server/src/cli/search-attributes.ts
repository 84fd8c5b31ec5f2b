import { parseArgs } from 'node:util';
import {
  ResumableError,
  SEARCH_ATTRIBUTES,
  checkSearchAttributes,
  registerSearchAttributes,
  type SearchAttributeConnection,
} from '@resumable/protocol';
import { resolveTemporalTarget } from '../temporal/connection-options';

/** The options of `resumable-server search-attributes`, for `--help`. */
export const SEARCH_ATTRIBUTES_USAGE = `Usage: resumable-server search-attributes [--address <host:port>] [--namespace <name>] [--check]

Registers the search attributes Resumable's pauses set (${Object.values(SEARCH_ATTRIBUTES)
  .map((attribute) => attribute.name)
  .join(', ')}) in a Temporal namespace: only the missing ones, so it is safe to run again.
Run it once per namespace before the first workflow pauses.

Options:
  --address <host:port>  Temporal's gRPC address (default: $TEMPORAL_ADDRESS, else localhost:7233)
  --namespace <name>     the namespace (default: $TEMPORAL_NAMESPACE, else default)
  --check                register nothing; exit 1 and name the missing ones if any is missing
  -h, --help             show this help

mTLS and API keys come from TEMPORAL_TLS_CERT_PATH, TEMPORAL_TLS_KEY_PATH, TEMPORAL_TLS_CA_PATH
and TEMPORAL_API_KEY. Temporal Cloud offers no operator service to clients: add them there in
the Cloud UI or with \`tcld namespace search-attributes add\`.
`;

/** A connection the command can also close. */
export type ClosableConnection = SearchAttributeConnection & { close(): Promise<void> };

/** Where the command writes and what it connects with (a real Temporal `Connection` unless a test says otherwise). */
export interface CommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Record<string, string | undefined>;
  connect?: (options: ReturnType<typeof resolveTemporalTarget>['connection']) => Promise<ClosableConnection>;
}

// gRPC statuses that mean "not allowed here", e.g. the operator service on Temporal Cloud.
const GRPC_PERMISSION_DENIED = 7;
const GRPC_UNIMPLEMENTED = 12;
const GRPC_UNAUTHENTICATED = 16;

/** `resumable-server search-attributes …`; resolves to the exit code. */
export async function searchAttributesCommand(args: readonly string[], io: CommandIo): Promise<number> {
  let values: { address?: string | undefined; namespace?: string | undefined; check?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        address: { type: 'string' },
        namespace: { type: 'string' },
        check: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.err(`resumable-server search-attributes: ${(error as Error).message}\n\n${SEARCH_ATTRIBUTES_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(SEARCH_ATTRIBUTES_USAGE);
    return 0;
  }
  const target = resolveTemporalTarget({ address: values.address, namespace: values.namespace }, io.env);
  const { namespace } = target;
  const { address } = target.connection;
  const where = `namespace "${namespace}" on ${address}`;

  let connection: ClosableConnection;
  try {
    connection = await (io.connect ?? connectTemporal)(target.connection);
  } catch (error) {
    io.err(`resumable-server search-attributes: cannot reach Temporal at ${address}: ${messageOf(error)}\n`);
    return 1;
  }
  try {
    if (values.check) {
      await checkSearchAttributes(connection, namespace, { address });
      io.out(`The ${where} has all of Resumable's search attributes.\n`);
      return 0;
    }
    const added = await registerSearchAttributes(connection, namespace);
    const types = new Map(Object.values(SEARCH_ATTRIBUTES).map((attribute) => [attribute.name, attribute.type]));
    io.out(
      added.length === 0
        ? `The ${where} already has all of Resumable's search attributes; nothing to add.\n`
        : `Registered ${added.map((name) => `${name} (${types.get(name)})`).join(', ')} in the ${where}.\n`,
    );
    return 0;
  } catch (error) {
    if (ResumableError.is(error) && error.code === 'SEARCH_ATTRIBUTES_MISSING') {
      io.err(`${error.message}\n`);
      return 1;
    }
    const denied = [GRPC_PERMISSION_DENIED, GRPC_UNIMPLEMENTED, GRPC_UNAUTHENTICATED].includes(grpcCodeOf(error));
    io.err(
      `resumable-server search-attributes: the ${where} refused: ${messageOf(error)}\n` +
        (denied ? 'On Temporal Cloud, add them in the Cloud UI or with `tcld namespace search-attributes add`.\n' : ''),
    );
    return 1;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

async function connectTemporal(
  options: ReturnType<typeof resolveTemporalTarget>['connection'],
): Promise<ClosableConnection> {
  // Loaded here, not at the top: `--help` and usage errors work without the peer installed.
  const { Connection } = await import('@temporalio/client');
  return Connection.connect({ ...options, connectTimeout: 10_000 });
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error && !message.includes(cause.message) ? `${message} (${cause.message})` : message;
}

function grpcCodeOf(error: unknown): number {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return -1;
}
