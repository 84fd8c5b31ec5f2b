// GET /api/workflow-compensation/:cycleId: one cycle's compensations, newest first.
import { compensationLog, cycleMetrics } from '@/lib/analytics';
import { loadCycle } from '@/lib/server/cycles';
import { answer, json, refuse } from '../../workflow-metrics/respond';

export const GET = (_request: Request, { params }: { params: Promise<{ cycleId: string }> }) =>
  answer(async () => {
    const { cycleId } = await params;
    const cycle = await loadCycle(cycleId);
    if (!cycle) return refuse(404, 'NOT_FOUND', `No test cycle "${cycleId}"`);
    return json({ cycleId, entries: compensationLog([cycleMetrics(cycle, Date.now())]) });
  });

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
