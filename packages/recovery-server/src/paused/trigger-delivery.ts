import { ResumableError, type ActionKey, type ErrorContext, type TriggerSignalArgs } from '@resumable/protocol';
import type { PausedRegistry } from '@resumable/recovery-manager';
import { mayAccessTask, type TokenClaims } from '../auth/tokens';
import type { ListedWaiting, TemporalGateway } from '../temporal/gateway';

/** Exact pause lookups (and their signals) in flight at once on the visibility path. */
const LOOKUP_CONCURRENCY = 8;

export interface TriggerOutcome {
  delivered: string[];
  failed: { executionId: string; code: string }[];
}

export interface TriggerDeliveryOptions {
  registry: PausedRegistry;
  gateway: Pick<TemporalGateway, 'trigger' | 'readPause' | 'listWaiting'>;
  onError: (error: unknown, context: ErrorContext) => void;
}

/**
 * Delivers an external event to every execution waiting for it that `claims` may
 * touch. The paused registry answers at once, but it learns pauses from the bus,
 * which can lose a message (repaired only by the next resync). So Temporal
 * visibility is asked too, every time: executions it lists that the registry did
 * not route to are checked with their exact pause (visibility does not index the
 * correlation key) and signalled as well. Each execution is signalled once.
 */
export async function deliverTrigger(
  options: TriggerDeliveryOptions,
  claims: TokenClaims,
  trigger: TriggerSignalArgs & ActionKey,
): Promise<TriggerOutcome> {
  const { registry, gateway } = options;
  const { event, correlation } = trigger;
  const outcome: TriggerOutcome = { delivered: [], failed: [] };
  const attempted = new Set<string>();
  const send = async (executionId: string) => {
    try {
      await gateway.trigger(executionId, trigger);
      outcome.delivered.push(executionId);
    } catch (error) {
      outcome.failed.push({ executionId, code: ResumableError.from(error).code });
    }
  };

  // @resumable/workflow-state resumes a pause only when the correlation keys are
  // equal (both absent, or the same): target exactly those executions.
  const known = registry
    .routesFor(event, correlation)
    .filter((id) => registry.get(id)?.correlation === correlation)
    .filter((id) => mayAccessTask(claims, id));
  for (const id of known) attempted.add(id);
  const fromRegistry = Promise.all(known.map(send));

  let listed: ListedWaiting[];
  try {
    listed = await gateway.listWaiting(event);
  } catch (error) {
    await fromRegistry;
    // Nothing delivered yet: the caller can safely retry the whole trigger.
    if (outcome.delivered.length === 0) throw error;
    options.onError(error, { source: 'triggers', operation: `trigger "${event}": visibility lookup` });
    return sorted(outcome);
  }

  const candidates = listed.filter(
    (entry) =>
      !attempted.has(entry.executionId) && mayAccessTask(claims, entry.executionId) && !registryKnows(registry, entry),
  );
  for (const { executionId } of candidates) attempted.add(executionId);
  await Promise.all([
    fromRegistry,
    eachLimited(candidates, LOOKUP_CONCURRENCY, async ({ executionId }) => {
      let pause;
      try {
        pause = await gateway.readPause(executionId);
      } catch (error) {
        const failure = ResumableError.from(error);
        // Closed since it was listed: not waiting any more.
        if (failure.code !== 'TASK_NOT_FOUND') outcome.failed.push({ executionId, code: failure.code });
        return;
      }
      // Visibility lags: it may list a pause that already ended or moved on.
      if (!pause || !pause.waitingFor.includes(event) || (pause.correlation ?? undefined) !== correlation) return;
      await send(executionId);
    }),
  ]);
  return sorted(outcome);
}

/**
 * True when the registry holds the very pause visibility lists (same point, same
 * time): its routing already decided for that execution (e.g. another correlation
 * key), so no lookup is needed. A pause it lacks or holds stale is looked up.
 */
function registryKnows(registry: PausedRegistry, entry: ListedWaiting): boolean {
  const pause = registry.get(entry.executionId);
  if (!pause || entry.pausedAt === undefined || entry.pausedTime === undefined) return false;
  return pause.pausedAt === entry.pausedAt && Date.parse(pause.pausedTime) === entry.pausedTime;
}

async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

function sorted(outcome: TriggerOutcome): TriggerOutcome {
  outcome.delivered.sort();
  outcome.failed.sort((a, b) => (a.executionId < b.executionId ? -1 : a.executionId > b.executionId ? 1 : 0));
  return outcome;
}
