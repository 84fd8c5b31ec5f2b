// GET /api/workflow-metrics/trends?by=day|week: cycles, success rate and median duration per period.
import { trends } from '@/lib/analytics';
import { answer, json, loadMetrics, refuse } from '../respond';

export const GET = (request: Request) =>
  answer(async () => {
    const by = new URL(request.url).searchParams.get('by') ?? 'day';
    if (by !== 'day' && by !== 'week') return refuse(400, 'BAD_REQUEST', `by must be "day" or "week", got "${by}"`);
    const { metrics, generatedAt } = await loadMetrics();
    return json({ generatedAt, by, points: trends(metrics, by) });
  });

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
