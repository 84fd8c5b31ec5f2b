import { SEARCH_ATTRIBUTES, type PausedWorkflow } from '@resumable/protocol';
import type { upsertSearchAttributes } from '@temporalio/workflow';
import { utf8Length } from './utf8';

/** `SearchAttributeUpdatePair`, taken from the workflow API so only @temporalio/workflow is needed. */
type UpdatePair = Extract<Parameters<typeof upsertSearchAttributes>[0], readonly unknown[]>[number];

// Keys as `defineSearchAttributeKey` would make them ({ name, type }); built by hand
// because that helper lives in @temporalio/common, outside the workflow entry's imports.
const KEYS = {
  paused: { name: SEARCH_ATTRIBUTES.paused.name, type: 'BOOL' },
  pausedAt: { name: SEARCH_ATTRIBUTES.pausedAt.name, type: 'KEYWORD' },
  waitingFor: { name: SEARCH_ATTRIBUTES.waitingFor.name, type: 'KEYWORD_LIST' },
  pausedTime: { name: SEARCH_ATTRIBUTES.pausedTime.name, type: 'DATETIME' },
  timeoutAt: { name: SEARCH_ATTRIBUTES.timeoutAt.name, type: 'DATETIME' },
} as const;

/** Search attributes of a paused execution, so `ResumablePaused = true` lists it. */
export function pausedAttributes(pause: PausedWorkflow<unknown>): UpdatePair[] {
  return [
    { key: KEYS.paused, value: true },
    { key: KEYS.pausedAt, value: pause.pausedAt },
    // An empty keyword list reads as "unset"; say so explicitly.
    { key: KEYS.waitingFor, value: pause.waitingFor.length > 0 ? [...pause.waitingFor] : null },
    { key: KEYS.pausedTime, value: new Date(pause.pausedTime) },
    { key: KEYS.timeoutAt, value: pause.timeoutAt === null ? null : new Date(pause.timeoutAt) },
  ];
}

/** Search attributes once a pause ended: not paused, details removed. */
export function resumedAttributes(): UpdatePair[] {
  return [
    { key: KEYS.paused, value: false },
    { key: KEYS.pausedAt, value: null },
    { key: KEYS.waitingFor, value: null },
    { key: KEYS.pausedTime, value: null },
    { key: KEYS.timeoutAt, value: null },
  ];
}

/**
 * Temporal's default limit on one search attribute value (`frontend.searchAttributesSizeOfValueLimit`,
 * 2 KiB, counted on the value's JSON payload). Over it the server does not fail the
 * upsert: it terminates the workflow (`BadSearchAttributes`).
 */
export const SEARCH_ATTRIBUTE_VALUE_BYTES = 2048;

/** Why the pause's search attributes would be refused by the server, or undefined when they fit. */
export function oversizedPauseAttribute(pause: PausedWorkflow<unknown>): string | undefined {
  const values: [string, unknown][] = [
    ['name', pause.pausedAt],
    ['waitingFor', pause.waitingFor],
  ];
  for (const [field, value] of values) {
    const bytes = utf8Length(JSON.stringify(value));
    if (bytes > SEARCH_ATTRIBUTE_VALUE_BYTES) {
      return (
        `${field} is ${bytes} bytes as a search attribute; Temporal's limit per value is ` +
        `${SEARCH_ATTRIBUTE_VALUE_BYTES} (frontend.searchAttributesSizeOfValueLimit), and over it the server terminates the ` +
        `workflow. Wait for fewer or shorter event names, or create the log with searchAttributes: false`
      );
    }
  }
  return undefined;
}
