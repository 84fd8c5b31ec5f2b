// GET /api/workflow-metrics/phases: per phase p50 / p95, outcomes, retries and its share
// of the critical path, with the bottleneck.
import { bottleneckOf, phaseStats } from '@/lib/analytics';
import { answer, json, loadMetrics } from '../respond';

export const GET = () =>
  answer(async () => {
    const { metrics, generatedAt } = await loadMetrics();
    const phases = phaseStats(metrics);
    return json({ generatedAt, phases, bottleneck: bottleneckOf(phases) });
  });

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
