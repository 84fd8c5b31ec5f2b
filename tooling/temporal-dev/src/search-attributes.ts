import { SEARCH_ATTRIBUTES, type SearchAttributeType } from '@resumable/protocol';
import { defineSearchAttributeKey, SearchAttributeType as TemporalType } from '@temporalio/common';
import type { Connection } from '@temporalio/client';

const KEY_TYPE = {
  Bool: TemporalType.BOOL,
  Keyword: TemporalType.KEYWORD,
  KeywordList: TemporalType.KEYWORD_LIST,
  Datetime: TemporalType.DATETIME,
} as const satisfies Record<SearchAttributeType, TemporalType>;

// temporal.api.enums.v1.IndexedValueType, by number: @temporalio/proto is CommonJS
// without named ESM exports, and these values are fixed by the wire protocol.
const PROTO_TYPE = {
  Keyword: 2,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
} as const satisfies Record<SearchAttributeType, number>;

/** The search attributes Resumable's packages set, as keys for `temporal server start-dev`. */
export function resumableSearchAttributeKeys(): ReturnType<typeof defineSearchAttributeKey<TemporalType>>[] {
  return Object.values(SEARCH_ATTRIBUTES).map((attribute) =>
    defineSearchAttributeKey(attribute.name, KEY_TYPE[attribute.type]),
  );
}

/**
 * Registers Resumable's search attributes on an already running server (one we did
 * not start). Attributes that exist already are left alone.
 */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = Object.values(SEARCH_ATTRIBUTES).filter((attribute) => !known.has(attribute.name));
  if (missing.length === 0) return;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((attribute) => [attribute.name, PROTO_TYPE[attribute.type]])),
  });
}
