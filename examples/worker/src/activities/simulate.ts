import { Context } from '@temporalio/activity';

/**
 * Simulated work: sleeps `ms`, and stops early if Temporal cancels the activity
 * (Context.sleep rejects on cancellation, so a cancelled workflow frees the slot).
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
