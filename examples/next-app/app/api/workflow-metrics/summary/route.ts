// GET /api/workflow-metrics/summary: rates, durations, retry and waiting time, and the
// bottleneck across every test cycle (shape: the README's "Workflow analytics API").
import { fleetSummary } from '@/lib/analytics';
import { answer, json, loadMetrics } from '../respond';

export const GET = () =>
  answer(async () => {
    const { metrics, unreadable, generatedAt } = await loadMetrics();
    return json({ generatedAt, ...fleetSummary(metrics), unreadable });
  });

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
