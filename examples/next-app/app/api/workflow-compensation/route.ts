// GET /api/workflow-compensation/: every cycle's compensations (`compensation` updates), newest first.
import { compensationLog } from '@/lib/analytics';
import { answer, json, loadMetrics } from '../workflow-metrics/respond';

export const GET = () =>
  answer(async () => {
    const { metrics, generatedAt } = await loadMetrics();
    return json({ generatedAt, entries: compensationLog(metrics) });
  });

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
