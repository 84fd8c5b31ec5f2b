import { ResumableError, TASK_EVENTS, type ConnectedEventData } from '@resumable/protocol';
import { resumePoint } from '../http/params';
import { callerOf, defineRoute } from '../http/route';
import { typeFilterParam } from '../stream/type-filter';
import { streamPlan } from './stream-plan';

/**
 * `GET temporal/stream/:taskId?types=`: a task's updates from the resume point, then
 * `end`. With `types`, only updates of those types, and `skipped` for the rest.
 */
export const taskStream = defineRoute({
  method: 'GET',
  path: 'temporal/stream/:taskId',
  auth: { action: 'read', idParam: 'taskId' },
  async handle(input) {
    const { request, url, id: taskId, server } = input;
    const since = resumePoint(request, url);
    const filter = typeFilterParam(url);
    let feed = server.feeds.get(taskId);
    try {
      let prepared = await feed.prepare(since);
      // Stale: the feed held a closed run and the workflow id has started another since,
      // or its log began again under another epoch (a reset). A fresh feed reads the new log.
      for (let renewals = 0; prepared.stale; renewals++) {
        if (renewals === 3)
          throw new ResumableError('TEMPORAL_UNAVAILABLE', "The task's log keeps changing; try again");
        feed = server.feeds.renew(taskId);
        prepared = await feed.prepare(since);
      }
      // "HTTP 204 No Content … must prevent the user agent from reconnecting": the
      // workflow is closed and this client has everything.
      if (prepared.finished) return new Response(null, { status: 204 });
    } catch (error) {
      server.feeds.release(taskId);
      throw error;
    }
    const counted = server.tokenStreams.admit(callerOf(input).token);
    return streamPlan((connection) => {
      server.telemetry.streamOpened(connection);
      connection.onClose(() => {
        feed.remove(connection);
        server.feeds.release(taskId);
      });
      const connected: ConnectedEventData = {
        connectionId: connection.id,
        resumeFrom: since,
        lastSequence: Math.max(since, feed.lastSequence),
        ...(feed.workflowStatus ? { status: feed.workflowStatus } : {}),
        ...(feed.logEpoch !== undefined && { epoch: feed.logEpoch }),
      };
      connection.send({ event: TASK_EVENTS.connected, data: JSON.stringify(connected) });
      feed.add(connection, since, filter);
      // Last, so that an eviction (even at once) closes a fully registered stream.
      counted.bind(connection);
    });
  },
});
