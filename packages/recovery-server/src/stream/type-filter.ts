import { ResumableError, TASK_EVENTS, type SkippedEventData, type WorkflowUpdate } from '@resumable/protocol';
import { prepareEvent, type PreparedEvent } from '@resumable/sse-publisher';

/** Most types one `?types=` may name. */
export const MAX_FILTER_TYPES = 32;
/** Longest type name a filter may hold. */
const MAX_TYPE_LENGTH = 128;

/**
 * The update types a client asked for with `?types=a,b`: it gets those updates under
 * their own sequences, and `skipped` ranges for the rest, so its cursor still walks the
 * whole log and a gap is still a gap.
 */
export interface TypeFilter {
  /** The types, sorted and without repeats, joined by commas: one key per distinct filter. */
  readonly key: string;
  readonly types: ReadonlySet<string>;
}

/** The `types` query parameter, or undefined when absent or empty. */
export function typeFilterParam(url: URL): TypeFilter | undefined {
  const raw = url.searchParams.get('types');
  if (raw === null || raw.trim() === '') return undefined;
  const types = [...new Set(raw.split(',').map((type) => type.trim()))].sort();
  if (types.length > MAX_FILTER_TYPES) {
    throw new ResumableError('INVALID_PARAMETER', `types may name at most ${MAX_FILTER_TYPES} update types`);
  }
  for (const type of types) {
    if (type.length === 0 || type.length > MAX_TYPE_LENGTH) {
      throw new ResumableError(
        'INVALID_PARAMETER',
        `types must be a comma-separated list of update types of 1 to ${MAX_TYPE_LENGTH} characters`,
      );
    }
  }
  return { key: types.join(','), types: new Set(types) };
}

/** The `skipped` event for `from` … `to`, its `to` as the resume point. */
export function skippedFrame(from: number, to: number): PreparedEvent {
  const data: SkippedEventData = { from, to };
  return prepareEvent({ id: to, event: TASK_EVENTS.skipped, data: JSON.stringify(data) });
}

/**
 * What a filtered client gets for `updates` (contiguous, with their `frames`): the
 * frames of the asked types, and one `skipped` event per run of others, in log order.
 * The last event always names the last sequence, so the client's resume point ends
 * where the log does.
 */
export function filterFrames(
  updates: readonly WorkflowUpdate[],
  frames: readonly PreparedEvent[],
  filter: TypeFilter,
): PreparedEvent[] {
  const out: PreparedEvent[] = [];
  let skipFrom = 0;
  for (let i = 0; i < updates.length; i++) {
    const update = updates[i] as WorkflowUpdate;
    if (!filter.types.has(update.type)) {
      if (skipFrom === 0) skipFrom = update.sequence;
      continue;
    }
    if (skipFrom !== 0) out.push(skippedFrame(skipFrom, update.sequence - 1));
    skipFrom = 0;
    out.push(frames[i] as PreparedEvent);
  }
  const last = updates.at(-1);
  if (skipFrom !== 0 && last) out.push(skippedFrame(skipFrom, last.sequence));
  return out;
}

/**
 * A page of the log for a filtered client: the asked updates among `updates` from
 * index `start` (contiguous), at most `limit`, and the last sequence the page accounts
 * for (undefined when it looked at none).
 */
export function filterPage(
  updates: readonly WorkflowUpdate[],
  start: number,
  filter: TypeFilter,
  limit: number,
): { updates: WorkflowUpdate[]; through: number | undefined } {
  const kept: WorkflowUpdate[] = [];
  let through: number | undefined;
  for (let i = start; i < updates.length; i++) {
    const update = updates[i] as WorkflowUpdate;
    if (filter.types.has(update.type)) {
      if (kept.length === limit) return { updates: kept, through };
      kept.push(update);
    }
    through = update.sequence;
  }
  return { updates: kept, through };
}
