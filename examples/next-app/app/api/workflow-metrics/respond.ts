import { fromTemporalError } from '@resumable/protocol';
import { cycleMetrics, type CycleMetrics } from '@/lib/analytics';
import { loadCycles } from '@/lib/server/cycles';

const NO_STORE = { 'Cache-Control': 'no-store' };

/** A JSON answer that no cache keeps (the figures move with every cycle). */
export const json = (body: unknown, status = 200) => Response.json(body, { status, headers: NO_STORE });

/** The protocol's error body: `{ error: { code, message } }`. */
export const refuse = (status: number, code: string, message: string) => json({ error: { code, message } }, status);

/**
 * Runs a route, answering Temporal's failures as the protocol's errors (503
 * TEMPORAL_UNAVAILABLE while it is down) rather than a bare 500.
 */
export async function answer(work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (error) {
    const wire = fromTemporalError(error, { operation: 'Reading test cycles' });
    if (wire.status >= 500) console.error('[analytics]', error);
    return wire.toResponse(NO_STORE);
  }
}

/** Every cycle's metrics, as of now, with what could not be read. */
export async function loadMetrics(): Promise<{ metrics: CycleMetrics[]; unreadable: string[]; generatedAt: number }> {
  const { cycles, unreadable, loadedAt } = await loadCycles();
  return { metrics: cycles.map((cycle) => cycleMetrics(cycle, loadedAt)), unreadable, generatedAt: loadedAt };
}
