import { ResumableError, type UpdatesPage, type WorkflowUpdate } from '@resumable/protocol';
import { intParam, limitParam, objectBody, readJsonBody, sequenceField, stringField } from '../http/params';
import { json } from '../http/responses';
import { defineRoute } from '../http/route';
import type { TemporalGateway } from '../temporal/gateway';

const READ_TASK = { action: 'read', idParam: 'taskId' } as const;

/** `GET temporal/recovery/:taskId?sinceSequence=&sinceTimestamp=&limit=`: one page of the log. */
export const recoveryPage = defineRoute({
  method: 'GET',
  path: 'temporal/recovery/:taskId',
  auth: READ_TASK,
  async handle({ url, id: taskId, server }) {
    const limit = limitParam(url);
    if (url.searchParams.has('sinceTimestamp') && !url.searchParams.has('sinceSequence')) {
      return json(await updatesAfterTime(server.gateway, taskId, intParam(url, 'sinceTimestamp', 0), limit));
    }
    return json(await server.gateway.readUpdates(taskId, intParam(url, 'sinceSequence', 0), limit));
  },
});

/** `POST temporal/recovery/:taskId`: re-sends what came after `lastSequence` down one open stream. */
export const recoveryReplay = defineRoute({
  method: 'POST',
  path: 'temporal/recovery/:taskId',
  auth: READ_TASK,
  async handle({ request, id: taskId, server }) {
    const body = objectBody(await readJsonBody(request, server.maxBodyBytes));
    const connectionId = stringField(body, 'connectionId', 128);
    const lastSequence = sequenceField(body, 'lastSequence');
    const result = await server.feeds.find(taskId)?.replay(connectionId, lastSequence);
    if (!result) throw new ResumableError('NOT_FOUND', `No open stream ${connectionId} for this task on this server`);
    return json(result);
  },
});

/** `GET temporal/recovery/:taskId/latest`: the whole `WorkflowState`. */
export const latestState = defineRoute({
  method: 'GET',
  path: 'temporal/recovery/:taskId/latest',
  auth: READ_TASK,
  handle: async ({ id: taskId, server }) => json(await server.gateway.readState(taskId)),
});

/** Pages through the log for updates newer than a timestamp (timestamps never decrease). */
async function updatesAfterTime(
  gateway: TemporalGateway,
  taskId: string,
  after: number,
  limit: number,
): Promise<UpdatesPage> {
  let cursor = 0;
  const found: WorkflowUpdate[] = [];
  for (;;) {
    const page = await gateway.readUpdates(taskId, cursor, limit);
    for (const update of page.updates) if (update.timestamp > after && found.length < limit) found.push(update);
    const last = page.updates.at(-1);
    if (found.length >= limit || !page.hasMore || !last) {
      const hasMore = found.length >= limit ? (found.at(-1)?.sequence ?? 0) < page.lastSequence : false;
      return { taskId, status: page.status, lastSequence: page.lastSequence, updates: found, hasMore };
    }
    cursor = last.sequence;
  }
}
