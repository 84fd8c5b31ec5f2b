// GET /api/workflow-metrics/cycles/:cycleId: one cycle's metrics (its workflow id).
import { cycleMetrics } from '@/lib/analytics';
import { loadCycle } from '@/lib/server/cycles';
import { answer, json, refuse } from '../../respond';

export const GET = (_request: Request, { params }: { params: Promise<{ cycleId: string }> }) =>
  answer(async () => {
    const { cycleId } = await params;
    const cycle = await loadCycle(cycleId);
    if (!cycle) return refuse(404, 'NOT_FOUND', `No test cycle "${cycleId}"`);
    return json(cycleMetrics(cycle, Date.now()));
  });

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
