import { ResumableError, type ActionAccepted } from '@resumable/protocol';
import type { ServerContext } from '../context';
import { actionKey, objectBody, optionalString, readJsonBody } from '../http/params';
import { json } from '../http/responses';
import { callerOf, defineRoute } from '../http/route';
import { streamPlan } from './stream-plan';

/** `GET workflow/paused-stream`: `paused.initial`, then every change with a larger id. */
export const pausedStream = defineRoute({
  method: 'GET',
  path: 'workflow/paused-stream',
  auth: { action: 'read' },
  async handle(input) {
    const { server } = input;
    const caller = callerOf(input);
    await server.paused.listen();
    const counted = server.tokenStreams.admit(caller.token);
    return streamPlan((connection) => {
      connection.onClose(server.paused.add(connection, caller.claims));
      counted.bind(connection);
    });
  },
});

/** `GET workflow/paused`: the list as JSON, with its cursor. */
export const pausedList = defineRoute({
  method: 'GET',
  path: 'workflow/paused',
  auth: { action: 'read' },
  async handle(input) {
    await input.server.paused.listen();
    return json(input.server.paused.list(callerOf(input).claims));
  },
});

/**
 * `POST workflow/executions/:executionId/resume` `{ payload? }`, with an optional
 * `Idempotency-Key` header that makes a redelivery a no-op. The signal's `resumedBy` is
 * the token's subject (`'anonymous'` with auth off): the workflow records who resumed it.
 */
export const resumeExecution = defineRoute({
  method: 'POST',
  path: 'workflow/executions/:executionId/resume',
  auth: { action: 'resume', idParam: 'executionId' },
  async handle(input) {
    const { request, id: executionId, server } = input;
    const key = actionKey(request);
    const body = objectBody(await readJsonBody(request, server.maxBodyBytes, { optional: true }));
    if (await appliedBefore(server, executionId, key)) return accepted(executionId, 'resume', true);
    await server.gateway.resume(executionId, {
      payload: body.payload,
      resumedBy: callerOf(input).claims.sub,
      ...(key === undefined ? {} : { idempotencyKey: key }),
    });
    return accepted(executionId, 'resume');
  },
});

/** `POST workflow/executions/:executionId/cancel` `{ reason? }`, with an optional `Idempotency-Key`. */
export const cancelExecution = defineRoute({
  method: 'POST',
  path: 'workflow/executions/:executionId/cancel',
  auth: { action: 'cancel', idParam: 'executionId' },
  async handle({ request, id: executionId, server }) {
    const key = actionKey(request);
    const body = objectBody(await readJsonBody(request, server.maxBodyBytes, { optional: true }));
    const reason = optionalString(body, 'reason', 1024) ?? 'Cancelled by user';
    if (await appliedBefore(server, executionId, key)) return accepted(executionId, 'cancel', true);
    await server.gateway.cancel(executionId, { reason, ...(key === undefined ? {} : { idempotencyKey: key }) });
    return accepted(executionId, 'cancel');
  },
});

const accepted = (executionId: string, action: ActionAccepted['action'], duplicate?: true) =>
  json({ executionId, action, accepted: true, ...(duplicate ? { duplicate } : {}) } satisfies ActionAccepted, 202);

/**
 * `NOT_PAUSED` unless the execution waits at a pause, or false. True only for a
 * redelivery: the pause is gone because this very key ended it (its first delivery's
 * answer was lost, or another tab replayed it first), which is a success to report,
 * not a conflict. While paused the workflow itself drops a key it applied before.
 */
async function appliedBefore(server: ServerContext, executionId: string, key: string | undefined): Promise<boolean> {
  const pause = await server.gateway.readPause(executionId);
  if (pause) return false;
  if (key !== undefined && (await server.gateway.actionApplied(executionId, key))) return true;
  throw new ResumableError('NOT_PAUSED', `Execution "${executionId}" is not paused`);
}
