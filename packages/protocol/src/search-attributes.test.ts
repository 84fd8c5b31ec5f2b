import { describe, expect, it } from 'vitest';
import { ResumableError } from './errors';
import {
  checkSearchAttributes,
  missingSearchAttributesIn,
  registerSearchAttributes,
  searchAttributesMissingError,
  type SearchAttributeConnection,
} from './search-attributes';
import { fromTemporalError } from './temporal-errors';

/** An operator service over a map, the way Temporal keeps a namespace's custom attributes. */
function fakeConnection(existing: Record<string, number> = {}, options: { address?: string; failAdd?: Error } = {}) {
  const attributes = { ...existing };
  const added: Record<string, number>[] = [];
  const connection: SearchAttributeConnection = {
    operatorService: {
      async listSearchAttributes({ namespace }) {
        expect(namespace).toBe('orders');
        return { customAttributes: { ...attributes } };
      },
      async addSearchAttributes({ searchAttributes }) {
        if (options.failAdd) throw options.failAdd;
        added.push(searchAttributes);
        Object.assign(attributes, searchAttributes);
        return {};
      },
    },
    ...(options.address ? { options: { address: options.address } } : {}),
  };
  return { connection, attributes, added };
}

const ALL = [
  'ResumablePaused',
  'ResumablePausedAt',
  'ResumableWaitingFor',
  'ResumablePausedTime',
  'ResumableTimeoutAt',
];

describe('registerSearchAttributes', () => {
  it('adds only the missing ones, with their indexed value types, and says which', async () => {
    const { connection, added } = fakeConnection({ ResumablePaused: 5, CustomerId: 2 });
    expect(await registerSearchAttributes(connection, 'orders')).toEqual(ALL.slice(1));
    expect(added).toEqual([
      { ResumablePausedAt: 2, ResumableWaitingFor: 7, ResumablePausedTime: 6, ResumableTimeoutAt: 6 },
    ]);
  });

  it('is idempotent: a second run adds nothing and calls no add', async () => {
    const { connection, added } = fakeConnection();
    expect(await registerSearchAttributes(connection, 'orders')).toEqual(ALL);
    expect(await registerSearchAttributes(connection, 'orders')).toEqual([]);
    expect(added).toHaveLength(1);
  });

  it('rethrows a failed add while attributes are still missing', async () => {
    const { connection } = fakeConnection({}, { failAdd: new Error('PERMISSION_DENIED') });
    await expect(registerSearchAttributes(connection, 'orders')).rejects.toThrow('PERMISSION_DENIED');
  });
});

describe('checkSearchAttributes', () => {
  it('resolves when all five exist', async () => {
    const { connection } = fakeConnection(Object.fromEntries(ALL.map((name) => [name, 2])));
    await expect(checkSearchAttributes(connection, 'orders')).resolves.toBeUndefined();
  });

  it('throws SEARCH_ATTRIBUTES_MISSING naming the missing ones and the command, with the connection address', async () => {
    const { connection } = fakeConnection({ ResumablePaused: 5 }, { address: 'temporal.internal:7233' });
    const error = await checkSearchAttributes(connection, 'orders').catch((thrown: unknown) => thrown);
    expect(ResumableError.is(error) && [error.code, error.status]).toEqual(['SEARCH_ATTRIBUTES_MISSING', 503]);
    expect((error as ResumableError).message).toBe(
      'Temporal namespace "orders" lacks Resumable\'s search attributes ResumablePausedAt, ResumableWaitingFor, ' +
        "ResumablePausedTime, ResumableTimeoutAt: a pausing workflow's task fails (BadSearchAttributes) and paused " +
        'workflows cannot be listed. Register them once with `npx -p @resumable/recovery-server resumable-server ' +
        'search-attributes --address temporal.internal:7233 --namespace orders`, or with `temporal operator ' +
        'search-attribute create --address temporal.internal:7233 --namespace orders --name <name> --type <type>` ' +
        'for each missing one of ResumablePaused Bool, ResumablePausedAt Keyword, ResumableWaitingFor KeywordList, ' +
        'ResumablePausedTime Datetime, ResumableTimeoutAt Datetime; or pause without them: ' +
        'createUpdateLog({ searchAttributes: false }).',
    );
    expect((error as ResumableError).details).toEqual({ namespace: 'orders', missing: ALL.slice(1) });
  });
});

describe('the translation of Temporal refusals', () => {
  it('reads the attribute names a refusal gives, and nothing from other errors', () => {
    expect(
      missingSearchAttributesIn(
        'BadSearchAttributes: Namespace orders has no mapping defined for search attribute ResumablePausedAt',
      ),
    ).toEqual(['ResumablePausedAt']);
    expect(
      missingSearchAttributesIn("invalid expression: column name 'ResumablePaused' is not a valid search attribute"),
    ).toEqual(['ResumablePaused']);
    expect(missingSearchAttributesIn("column name 'CustomerId' is not a valid search attribute")).toEqual([]);
    expect(missingSearchAttributesIn('ResumablePaused = true timed out')).toEqual([]);
  });

  it('maps a visibility refusal (INVALID_ARGUMENT in the cause) to SEARCH_ATTRIBUTES_MISSING', () => {
    const grpc = Object.assign(
      new Error(
        "3 INVALID_ARGUMENT: invalid query: invalid expression: column name 'ResumablePaused' is not a valid search attribute",
      ),
      { code: 3 },
    );
    const error = fromTemporalError(new Error('Failed to list workflows', { cause: grpc }), {
      operation: 'Listing paused executions',
      namespace: 'orders',
    });
    expect([error.code, error.status]).toEqual(['SEARCH_ATTRIBUTES_MISSING', 503]);
    expect(error.message).toMatch(
      /^Listing paused executions: Temporal namespace "orders" lacks Resumable's search attribute ResumablePaused: /,
    );
    expect(error.message).toContain('resumable-server search-attributes --namespace orders`');
  });

  it('still maps another refused search attribute to INVALID_PARAMETER', () => {
    const grpc = Object.assign(new Error("column name 'CustomerId' is not a valid search attribute"), { code: 3 });
    expect(fromTemporalError(grpc).code).toBe('INVALID_PARAMETER');
  });

  it('says <namespace> when the namespace is unknown', () => {
    expect(searchAttributesMissingError().message).toContain(
      "The Temporal namespace lacks Resumable's search attributes ResumablePaused, ResumablePausedAt, ResumableWaitingFor, ResumablePausedTime, ResumableTimeoutAt: ",
    );
    expect(searchAttributesMissingError().message).toContain('search-attributes --namespace <namespace>`');
  });
});
