/**
 * Test workflows for recovery-manager: a small stand-in for `@resumable/workflow-state`'s
 * pause helper, enough to exercise recovery against a real server and worker. It sets
 * the Resumable search attributes (typed, SDK 1.24) and answers `getPauseState`.
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributeUpdatePair } from '@temporalio/common';
import {
  condition,
  defineQuery,
  defineSignal,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { QUERY_NAMES, SEARCH_ATTRIBUTES, SIGNAL_NAMES, type PausedWorkflow } from '@resumable/protocol';

const keys = {
  paused: defineSearchAttributeKey(SEARCH_ATTRIBUTES.paused.name, SearchAttributeType.BOOL),
  pausedAt: defineSearchAttributeKey(SEARCH_ATTRIBUTES.pausedAt.name, SearchAttributeType.KEYWORD),
  waitingFor: defineSearchAttributeKey(SEARCH_ATTRIBUTES.waitingFor.name, SearchAttributeType.KEYWORD_LIST),
  pausedTime: defineSearchAttributeKey(SEARCH_ATTRIBUTES.pausedTime.name, SearchAttributeType.DATETIME),
  timeoutAt: defineSearchAttributeKey(SEARCH_ATTRIBUTES.timeoutAt.name, SearchAttributeType.DATETIME),
};

export interface PauseInput {
  pausedAt: string;
  waitingFor: string[];
  timeoutAt?: string | null;
  variables?: Record<string, unknown>;
  correlation?: string;
  /** After the resume signal: close at once (default), or stay open, no longer paused, until `finish`. */
  afterResume?: 'complete' | 'stay-open';
}

export const pauseStateQuery = defineQuery<PausedWorkflow | null>(QUERY_NAMES.pause);
export const resumeSignal = defineSignal<[unknown?]>(SIGNAL_NAMES.resume);
export const finishSignal = defineSignal('finish');

/** Pauses at `input.pausedAt` until `resumable.resume`, exposing the pause by query and search attributes. */
export async function pausingWorkflow(input: PauseInput): Promise<string> {
  const info = workflowInfo();
  const now = new Date();
  let pause: PausedWorkflow | null = {
    executionId: info.workflowId,
    workflowType: info.workflowType,
    workflowId: info.workflowType,
    pausedAt: input.pausedAt,
    pausedTime: now.toISOString(),
    waitingFor: input.waitingFor,
    timeoutAt: input.timeoutAt ?? null,
    variables: input.variables ?? {},
    ...(input.correlation === undefined ? {} : { correlation: input.correlation }),
  };
  const attributes: SearchAttributeUpdatePair[] = [
    { key: keys.paused, value: true },
    { key: keys.pausedAt, value: input.pausedAt },
    { key: keys.waitingFor, value: input.waitingFor },
    { key: keys.pausedTime, value: now },
  ];
  if (input.timeoutAt) attributes.push({ key: keys.timeoutAt, value: new Date(input.timeoutAt) });
  upsertSearchAttributes(attributes);

  let resumed = false;
  let finished = false;
  setHandler(pauseStateQuery, () => pause);
  setHandler(resumeSignal, () => {
    resumed = true;
  });
  setHandler(finishSignal, () => {
    finished = true;
  });

  await condition(() => resumed);
  pause = null;
  upsertSearchAttributes([
    { key: keys.paused, value: false },
    { key: keys.pausedAt, value: null },
    { key: keys.waitingFor, value: null },
    { key: keys.timeoutAt, value: null },
  ]);
  if (input.afterResume === 'stay-open') await condition(() => finished);
  return `${input.pausedAt} done`;
}
