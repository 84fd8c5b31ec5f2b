import { ResumableError } from './errors';
import { SEARCH_ATTRIBUTES, type SearchAttributeType } from './events';

/**
 * The name of one of Resumable's search attributes, e.g. `ResumablePaused`.
 *
 * @example
 * const name: SearchAttributeName = SEARCH_ATTRIBUTES.pausedAt.name; // 'ResumablePausedAt'
 */
export type SearchAttributeName = (typeof SEARCH_ATTRIBUTES)[keyof typeof SEARCH_ATTRIBUTES]['name'];

// temporal.api.enums.v1.IndexedValueType, by number: fixed by the wire protocol, and
// this package imports nothing from Temporal (it runs in browsers too).
const INDEXED_VALUE_TYPE = {
  Keyword: 2,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
} as const satisfies Record<SearchAttributeType, number>;

const ATTRIBUTES = Object.values(SEARCH_ATTRIBUTES);

/**
 * What `registerSearchAttributes` and `checkSearchAttributes` need of a connection:
 * its operator service. `Connection` from `@temporalio/client` and `NativeConnection`
 * from `@temporalio/worker` both fit, so neither is imported here.
 *
 * @example
 * const connection: SearchAttributeConnection = await Connection.connect({ address: 'localhost:7233' });
 * await checkSearchAttributes(connection, 'default');
 */
export interface SearchAttributeConnection {
  /** Temporal's operator service (the part of it these functions call). */
  readonly operatorService: {
    /** Lists the namespace's search attributes. */
    listSearchAttributes(request: {
      namespace: string;
    }): Promise<{ customAttributes?: { [name: string]: number } | null }>;
    /** Registers search attributes in the namespace. */
    addSearchAttributes(request: { namespace: string; searchAttributes: { [name: string]: number } }): Promise<unknown>;
  };
  /** `Connection` carries its address here; it makes the suggested command exact. */
  readonly options?: { readonly address?: string };
}

/**
 * Where the namespace lives, for the command an error suggests.
 *
 * @example
 * await checkSearchAttributes(connection, 'default', { address: 'temporal.internal:7233' });
 */
export interface SearchAttributeCheckOptions {
  /** The server's `host:port`; defaults to the connection's own address when it has one. */
  address?: string;
}

async function missingIn(connection: SearchAttributeConnection, namespace: string): Promise<SearchAttributeName[]> {
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(listed.customAttributes ?? {}));
  return ATTRIBUTES.filter((attribute) => !known.has(attribute.name)).map((attribute) => attribute.name);
}

/**
 * Registers Resumable's search attributes (`ResumablePaused`, `ResumablePausedAt`,
 * `ResumableWaitingFor`, `ResumablePausedTime`, `ResumableTimeoutAt`) in a namespace:
 * only the missing ones, so it is safe to run on every start. Returns the names it
 * added (empty when all were there). Needs Temporal's operator service, which Temporal
 * Cloud does not offer to clients: there, add them in the Cloud UI or with
 * `tcld namespace search-attributes add`.
 *
 * @example
 * const connection = await Connection.connect({ address: 'localhost:7233' });
 * const added = await registerSearchAttributes(connection, 'default');
 * console.log(added.length ? `registered ${added.join(', ')}` : 'all there');
 */
export async function registerSearchAttributes(
  connection: SearchAttributeConnection,
  namespace: string,
): Promise<SearchAttributeName[]> {
  const missing = await missingIn(connection, namespace);
  if (missing.length === 0) return [];
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((name) => [name, INDEXED_VALUE_TYPE[typeOf(name)]])),
    });
  } catch (error) {
    // Someone else registered them meanwhile ("already exists"): that is the goal reached.
    if ((await missingIn(connection, namespace).catch(() => missing)).length > 0) throw error;
  }
  return missing;
}

/**
 * Resolves when the namespace has every one of Resumable's search attributes; throws
 * a `ResumableError` `SEARCH_ATTRIBUTES_MISSING` naming the missing ones and the
 * command that registers them otherwise. Call it at worker or server start-up:
 * without them, a workflow that pauses fails its workflow task until they exist.
 *
 * @throws ResumableError `SEARCH_ATTRIBUTES_MISSING` (503).
 * @example
 * const connection = await NativeConnection.connect({ address: 'localhost:7233' });
 * await checkSearchAttributes(connection, 'default');
 */
export async function checkSearchAttributes(
  connection: SearchAttributeConnection,
  namespace: string,
  options: SearchAttributeCheckOptions = {},
): Promise<void> {
  const missing = await missingIn(connection, namespace);
  if (missing.length === 0) return;
  const address = options.address ?? connection.options?.address;
  throw searchAttributesMissingError({ namespace, missing, ...(address === undefined ? {} : { address }) });
}

/**
 * What `searchAttributesMissingError` says.
 *
 * @example
 * const details: SearchAttributesMissingDetails = { namespace: 'orders', prefix: 'Listing paused executions: ' };
 */
export interface SearchAttributesMissingDetails {
  /** The namespace that lacks them; `<namespace>` in the command when unknown. */
  namespace?: string;
  /** The server's `host:port`, when known (else the command's default applies). */
  address?: string;
  /** The attributes known to be missing; all of them when omitted. */
  missing?: readonly string[];
  /** Put before the message, e.g. `'Listing paused executions: '`. */
  prefix?: string;
  /** The Temporal error that revealed it, kept as the error's `cause`. */
  cause?: unknown;
}

/**
 * The `SEARCH_ATTRIBUTES_MISSING` error: which attributes the namespace lacks, what
 * that breaks, and the exact command that registers them. `checkSearchAttributes` and
 * `fromTemporalError` build it; servers answer it with 503 and `Retry-After`.
 *
 * @example
 * throw searchAttributesMissingError({ namespace: 'orders', missing: ['ResumablePaused'] });
 */
export function searchAttributesMissingError(details: SearchAttributesMissingDetails = {}): ResumableError {
  const missing = details.missing && details.missing.length > 0 ? details.missing : ATTRIBUTES.map((a) => a.name);
  const namespace = details.namespace ?? '<namespace>';
  const where = details.namespace === undefined ? 'The Temporal namespace' : `Temporal namespace "${namespace}"`;
  const address = details.address === undefined ? '' : ` --address ${details.address}`;
  const plural = missing.length === 1 ? '' : 's';
  const message =
    `${details.prefix ?? ''}${where} lacks Resumable's search attribute${plural} ${missing.join(', ')}: ` +
    "a pausing workflow's task fails (BadSearchAttributes) and paused workflows cannot be listed. " +
    `Register them once with \`npx -p @resumable/recovery-server resumable-server search-attributes${address} --namespace ${namespace}\`, ` +
    `or with \`temporal operator search-attribute create${address} --namespace ${namespace} --name <name> --type <type>\` ` +
    `for each missing one of ${ATTRIBUTES.map((a) => `${a.name} ${a.type}`).join(', ')}; ` +
    'or pause without them: createUpdateLog({ searchAttributes: false }).';
  return new ResumableError('SEARCH_ATTRIBUTES_MISSING', message, {
    cause: details.cause,
    details: { namespace: details.namespace ?? null, missing: [...missing] },
  });
}

// What Temporal says when a namespace lacks a search attribute: the visibility query
// parser ("column name 'X' is not a valid search attribute"), a failed workflow task
// ("BadSearchAttributes: Namespace n has no mapping defined for search attribute X").
const REFUSAL =
  /BadSearchAttributes|not a valid search attribute|no mapping defined for search attribute|invalid search attribute|search attribute \S+ is not defined/i;

/**
 * @internal The Resumable search attributes a Temporal error says are missing, or an
 * empty list when it is about something else (another attribute, another problem).
 */
export function missingSearchAttributesIn(text: string): SearchAttributeName[] {
  if (!REFUSAL.test(text)) return [];
  // Word boundaries: `ResumablePaused` is a prefix of `ResumablePausedAt`.
  return ATTRIBUTES.filter((attribute) => new RegExp(`\\b${attribute.name}\\b`).test(text)).map((a) => a.name);
}

function typeOf(name: SearchAttributeName): SearchAttributeType {
  return ATTRIBUTES.find((attribute) => attribute.name === name)!.type;
}
