import { ResumableError } from '@resumable/protocol';
import type { ServerContext } from '../context';
import { objectBody, optionalString, readJsonBody } from '../http/params';
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

/** `POST workflow/executions/:executionId/resume` `{ payload? }`. */
export const resumeExecution = defineRoute({
  method: 'POST',
  path: 'workflow/executions/:executionId/resume',
  auth: { action: 'resume', idParam: 'executionId' },
  async handle({ request, id: executionId, server }) {
    const body = objectBody(await readJsonBody(request, server.maxBodyBytes, { optional: true }));
    await requirePaused(server, executionId);
    await server.gateway.resume(executionId, { payload: body.payload, resumedBy: 'api' });
    return json({ executionId, action: 'resume', accepted: true }, 202);
  },
});

/** `POST workflow/executions/:executionId/cancel` `{ reason? }`. */
export const cancelExecution = defineRoute({
  method: 'POST',
  path: 'workflow/executions/:executionId/cancel',
  auth: { action: 'cancel', idParam: 'executionId' },
  async handle({ request, id: executionId, server }) {
    const body = objectBody(await readJsonBody(request, server.maxBodyBytes, { optional: true }));
    const reason = optionalString(body, 'reason', 1024) ?? 'Cancelled by user';
    await requirePaused(server, executionId);
    await server.gateway.cancel(executionId, { reason });
    return json({ executionId, action: 'cancel', accepted: true }, 202);
  },
});

async function requirePaused(server: ServerContext, executionId: string): Promise<void> {
  const pause = await server.gateway.readPause(executionId);
  if (!pause) throw new ResumableError('NOT_PAUSED', `Execution "${executionId}" is not paused`);
}
