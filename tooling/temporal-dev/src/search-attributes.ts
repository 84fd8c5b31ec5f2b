import { SEARCH_ATTRIBUTES, type SearchAttributeType } from '@resumable/protocol';
import { defineSearchAttributeKey, SearchAttributeType as TemporalType } from '@temporalio/common';

const KEY_TYPE = {
  Bool: TemporalType.BOOL,
  Keyword: TemporalType.KEYWORD,
  KeywordList: TemporalType.KEYWORD_LIST,
  Datetime: TemporalType.DATETIME,
} as const satisfies Record<SearchAttributeType, TemporalType>;

/**
 * The search attributes Resumable's packages set, as keys for `temporal server start-dev`.
 * A server we did not start gets them from `registerSearchAttributes` of `@resumable/protocol`.
 */
export function resumableSearchAttributeKeys(): ReturnType<typeof defineSearchAttributeKey<TemporalType>>[] {
  return Object.values(SEARCH_ATTRIBUTES).map((attribute) =>
    defineSearchAttributeKey(attribute.name, KEY_TYPE[attribute.type]),
  );
}
