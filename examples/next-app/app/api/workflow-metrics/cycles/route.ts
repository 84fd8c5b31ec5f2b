// GET /api/workflow-metrics/cycles[?outcome=running|completed|failed][&limit=n]: each
// cycle's metrics, newest first (the dashboard's running cycles).
import type { CycleOutcome } from '@/lib/analytics';
import { answer, json, loadMetrics, refuse } from '../respond';

const OUTCOMES: readonly string[] = ['running', 'completed', 'failed'] satisfies CycleOutcome[];

export const GET = (request: Request) =>
  answer(async () => {
    const params = new URL(request.url).searchParams;
    const outcome = params.get('outcome');
    if (outcome !== null && !OUTCOMES.includes(outcome)) {
      return refuse(400, 'BAD_REQUEST', `outcome must be one of ${OUTCOMES.join(', ')}`);
    }
    const limit = Number(params.get('limit') ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      return refuse(400, 'BAD_REQUEST', 'limit must be an integer from 1 to 500');
    }
    const { metrics, generatedAt } = await loadMetrics();
    const cycles = metrics.filter((cycle) => outcome === null || cycle.outcome === outcome).slice(0, limit);
    return json({ generatedAt, cycles });
  });

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
