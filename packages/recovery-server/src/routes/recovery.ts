import { MAX_UPDATES_PAGE, ResumableError, type UpdatesPage, type WorkflowUpdate } from '@resumable/protocol';
import { closedPageHeaders, etagMatches } from '../http/caching';
import { intParam, limitParam, objectBody, readJsonBody, sequenceField, stringField } from '../http/params';
import { json, jsonText } from '../http/responses';
import { callerOf, defineRoute } from '../http/route';
import { closedPage, closedPageAfterTime, closedPageJson, type ClosedLog } from '../stream/closed-logs';
import { filterPage, typeFilterParam, type TypeFilter } from '../stream/type-filter';
import type { TemporalGateway } from '../temporal/gateway';

const READ_TASK = { action: 'read', idParam: 'taskId' } as const;

/**
 * `GET temporal/recovery/:taskId?sinceSequence=&sinceTimestamp=&limit=&types=`: one page
 * of the log. A closed run's pages never change: they come from its log read once, with
 * a strong `ETag` naming the run, and `If-None-Match` answers 304 without a log read.
 * With `types`, only updates of those types, and `throughSequence` says how far the
 * page accounts for the log.
 */
export const recoveryPage = defineRoute({
  method: 'GET',
  path: 'temporal/recovery/:taskId',
  auth: READ_TASK,
  compress: true,
  async handle(input) {
    const { request, url, id: taskId, server } = input;
    const limit = limitParam(url);
    const byTime = url.searchParams.has('sinceTimestamp') && !url.searchParams.has('sinceSequence');
    const since = intParam(url, byTime ? 'sinceTimestamp' : 'sinceSequence', 0);
    const filter = typeFilterParam(url);
    const closedRun = await server.closedLogs?.closedRun(taskId);
    if (server.closedLogs && closedRun) {
      const etag = `"${closedRun}.${byTime ? 't' : 's'}${since}.${limit}${filter ? `.${hashKey(filter.key)}` : ''}"`;
      const headers = closedPageHeaders(callerOf(input), etag);
      if (etagMatches(request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers });
      const log = await server.closedLogs.get(taskId, closedRun);
      const page = byTime ? closedPageAfterTime(log, since, limit) : closedPage(log, since, limit);
      if (filter) return json(filteredClosedPage(log, page, filter, limit), 200, headers);
      return jsonText(closedPageJson(log, page), 200, headers);
    }
    if (filter) {
      const after = byTime ? await sequenceAtTime(server.gateway, taskId, since) : since;
      return json(await filteredPage(server.gateway, taskId, after, limit, filter));
    }
    if (byTime) return json(await updatesAfterTime(server.gateway, taskId, since, limit));
    return json(await server.gateway.readUpdates(taskId, since, limit));
  },
});

/**
 * `POST temporal/recovery/:taskId`: re-sends what came after `lastSequence` down one open
 * stream. A client that kept only the time of the last update it showed sends
 * `lastTimestamp` instead: the replay starts after the last update at or before that time
 * (updates of one workflow task share its time). `lastSequence` wins when both are given.
 */
export const recoveryReplay = defineRoute({
  method: 'POST',
  path: 'temporal/recovery/:taskId',
  auth: READ_TASK,
  async handle({ request, id: taskId, server }) {
    const body = objectBody(await readJsonBody(request, server.maxBodyBytes));
    const connectionId = stringField(body, 'connectionId', 128);
    let lastSequence: number;
    if (body.lastSequence !== undefined) lastSequence = sequenceField(body, 'lastSequence');
    else if (body.lastTimestamp !== undefined) {
      lastSequence = await sequenceAtTime(server.gateway, taskId, sequenceField(body, 'lastTimestamp'));
    } else throw new ResumableError('BAD_REQUEST', 'lastSequence (or lastTimestamp) is required');
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
  compress: true,
  handle: async ({ id: taskId, server }) => json(await server.gateway.readState(taskId)),
});

/**
 * A filtered page of a running log: reads on (in the largest pages) until `limit`
 * updates of the asked types are found or the log ends.
 */
async function filteredPage(
  gateway: TemporalGateway,
  taskId: string,
  since: number,
  limit: number,
  filter: TypeFilter,
): Promise<UpdatesPage> {
  const found: WorkflowUpdate[] = [];
  let through = since;
  for (;;) {
    const page = await gateway.readUpdates(taskId, through, MAX_UPDATES_PAGE);
    const first = page.updates[0];
    // Compacted below `through`: the page starts higher, and so does what it accounts for.
    if (first && first.sequence > through + 1) through = first.sequence - 1;
    const kept = filterPage(page.updates, 0, filter, limit - found.length);
    found.push(...kept.updates);
    through = kept.through ?? through;
    if (found.length >= limit || !page.hasMore || kept.through === undefined) {
      return filteredResult(page, found, through);
    }
  }
}

/** The same for a closed log, from the unfiltered page's starting point. */
function filteredClosedPage(log: ClosedLog, page: UpdatesPage, filter: TypeFilter, limit: number): UpdatesPage {
  const start = page.updates[0] ? page.updates[0].sequence - log.firstSequence : log.updates.length;
  const kept = filterPage(log.updates, start, filter, limit);
  const through = kept.through ?? (page.updates[0] ? page.updates[0].sequence - 1 : log.lastSequence);
  return filteredResult(log, kept.updates, through);
}

function filteredResult(
  log: Pick<UpdatesPage, 'taskId' | 'status' | 'lastSequence' | 'epoch'>,
  updates: WorkflowUpdate[],
  through: number,
): UpdatesPage {
  const { taskId, status, lastSequence, epoch } = log;
  const page: UpdatesPage = { taskId, status, lastSequence, updates, hasMore: through < lastSequence };
  page.throughSequence = through;
  if (epoch !== undefined) page.epoch = epoch;
  return page;
}

/** A short, header-safe name of a filter key (FNV-1a), for ETags. */
function hashKey(key: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(36);
}

/** The sequence of the last update at or before `time`: the first one after it, less one. */
async function sequenceAtTime(gateway: TemporalGateway, taskId: string, time: number): Promise<number> {
  const page = await updatesAfterTime(gateway, taskId, time, 1);
  const first = page.updates[0];
  return first ? first.sequence - 1 : page.lastSequence;
}

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
