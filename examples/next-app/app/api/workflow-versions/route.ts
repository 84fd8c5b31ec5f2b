// GET /api/workflow-versions/: the workflow versions the cycles ran (their `version`
// update), with how many cycles ran each and how they ended.
import { versionCounts } from '@/lib/analytics';
import { answer, json, loadMetrics } from '../workflow-metrics/respond';

export const GET = () =>
  answer(async () => {
    const { metrics, generatedAt } = await loadMetrics();
    return json({ generatedAt, versions: versionCounts(metrics) });
  });

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
