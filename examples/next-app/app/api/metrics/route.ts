// GET /api/metrics: the recovery server's OpenTelemetry figures, collected on request,
// as JSON for the metrics page. Aggregates only (no task ids, no user data), so the demo
// serves them without a token; a real app puts its own auth or a Prometheus scrape here.
import { readFigures } from '@/lib/server/metrics';
import { resumable } from '@/lib/server/resumable';

export async function GET(): Promise<Response> {
  // Make sure the server exists, so its instruments are there even before any stream.
  resumable();
  return Response.json(await readFigures(), { headers: { 'Cache-Control': 'no-store' } });
}

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
