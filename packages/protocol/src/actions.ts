/**
 * Idempotent pause actions: a browser that queued a resume, cancel or trigger while
 * offline may deliver it more than once (a lost response, two tabs replaying one
 * store). Each action carries a key made once by the client; the server passes it on
 * with the signal and the workflow applies a key at most once.
 */

/**
 * The request header that carries an action's key (the IETF `Idempotency-Key` draft's
 * name): `POST workflow/executions/:id/resume`, `…/cancel` and `workflow/triggers`.
 *
 * @example
 * await fetch(`/api/workflow/executions/${id}/resume`, {
 *   method: 'POST',
 *   headers: { [ACTION_KEY_HEADER]: crypto.randomUUID() },
 * });
 */
export const ACTION_KEY_HEADER = 'Idempotency-Key';

/**
 * Longest key the server accepts; a UUID is 36 characters.
 *
 * @example
 * if (key.length > MAX_ACTION_KEY_LENGTH) throw new Error('key too long');
 */
export const MAX_ACTION_KEY_LENGTH = 128;

/**
 * The workflow query `(key: string) => boolean`: whether a pause action with this key
 * was applied in this run or a run it continued from. Servers ask it to answer a
 * repeated delivery as a success once the pause it ended is gone.
 *
 * @example
 * const applied = await handle.query<boolean, [string]>(ACTION_APPLIED_QUERY, key);
 */
export const ACTION_APPLIED_QUERY = 'isActionApplied';

/**
 * What a pause signal carries besides its own arguments when a client gave a key:
 * `resumable.resume`, `resumable.cancel` and `resumable.trigger` take it alike.
 *
 * @example
 * await handle.signal(SIGNAL_NAMES.resume, { payload: { approved: true }, idempotencyKey: key } satisfies ResumeSignalArgs & ActionKey);
 */
export interface ActionKey {
  /** Made once per action by the client; a second delivery with the same key is ignored. */
  idempotencyKey?: string;
}

/**
 * The pause actions a client can queue.
 *
 * @example
 * const kind: ActionKind = 'resume';
 */
export type ActionKind = 'resume' | 'cancel' | 'trigger';

/**
 * The answer of `POST workflow/executions/:id/resume` and `…/cancel` (status 202).
 *
 * @example
 * const answer: ActionAccepted = { executionId: 'order-7', action: 'resume', accepted: true, duplicate: true };
 */
export interface ActionAccepted {
  /** The execution signalled. */
  executionId: string;
  /** Which action. */
  action: Exclude<ActionKind, 'trigger'>;
  /** Always true: the signal was sent (or had been, see `duplicate`). */
  accepted: true;
  /** True when the key had been applied already: nothing was sent this time. */
  duplicate?: boolean;
}

/**
 * Whether `key` is a usable action key: 1 to `MAX_ACTION_KEY_LENGTH` printable ASCII
 * characters (it travels in a header and in workflow history).
 *
 * @example
 * isActionKey(crypto.randomUUID()); // true
 * isActionKey('line\nbreak'); // false
 */
export function isActionKey(key: unknown): key is string {
  return typeof key === 'string' && key.length > 0 && key.length <= MAX_ACTION_KEY_LENGTH && /^[\x21-\x7e]+$/.test(key);
}
