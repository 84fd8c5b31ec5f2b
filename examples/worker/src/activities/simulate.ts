import { Context } from '@temporalio/activity';

/**
 * Simulated work: sleeps `ms`. Context.sleep would reject on the activity's cancellation,
 * but Temporal delivers that only in answer to a heartbeat, and these activities do not
 * heartbeat: a cancelled workflow's running attempt finishes its sleep (the test cycle's
 * store refuses that late write, see store/test-cycle-store.ts).
 */
export function work(ms: number): Promise<void> {
  return Context.current().sleep(Math.max(0, Math.round(ms)));
}

/**
 * This activity's attempt number: 1 on the first try, 2 on the first retry, … Under
 * `log.proxyActivities()` the workflow runs the retries, one execution each, and the
 * attempt is the `#n` ending of the activity id.
 */
export function attempt(): number {
  const { activityId, attempt: temporalAttempt } = Context.current().info;
  const logged = /#(\d+)$/.exec(activityId);
  return logged ? Number(logged[1]) : temporalAttempt;
}
