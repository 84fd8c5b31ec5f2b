// GET /api/workflow-metrics/alerts: Server-Sent Events. First `alerts.initial` with
// `{ alerts }` (the newest raised since the watcher started), then one `alert` event per
// new alert. The watcher polls running cycles' logs every second (see its module).
import { resumable } from '@/lib/server/resumable';
import { ALERTS_CHANNEL, alertWatcher } from './watcher';

export function GET(request: Request): Response {
  const { server } = resumable();
  const watcher = alertWatcher();
  const { connection, response } = server.publisher.openWeb(request, { channel: ALERTS_CHANNEL });
  connection.send({ event: 'alerts.initial', data: JSON.stringify({ alerts: watcher.recent() }) });
  return response;
}

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
