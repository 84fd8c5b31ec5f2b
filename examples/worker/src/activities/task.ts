import { Context } from '@temporalio/activity';
import { reportProgress } from '@resumable/workflow-state/worker';
import { work } from './simulate';

const VERBS = ['Reading', 'Planning', 'Editing', 'Compiling', 'Testing', 'Linting', 'Reviewing', 'Documenting'];

/** One step of a task: simulated work, then a line for the task's log. */
export async function performStep(input: { title: string; step: number; steps: number; ms: number }): Promise<string> {
  await work(input.ms);
  const verb = VERBS[(input.step - 1) % VERBS.length] as string;
  return `${verb} ${input.title} (step ${input.step} of ${input.steps})`;
}

/**
 * Merges a finished task's changes (DONE → MERGED), reporting its progress live in ten
 * steps. The first attempt runs into a (simulated) merge conflict at 60 %: the workflow
 * records the failure, waits and tries again, and the bar starts over.
 */
export async function mergeChanges(input: { title: string; ms: number }): Promise<string> {
  // `log.proxyActivities()` runs each attempt as its own activity, `<id>#<attempt>`.
  const firstAttempt = Context.current().info.activityId.endsWith('#1');
  for (let step = 1; step <= 10; step++) {
    await work(input.ms / 10);
    reportProgress({ percent: step * 10, text: `Merging ${input.title}: ${step * 10} %` });
    if (firstAttempt && step === 6) throw new Error('Merge conflict in README.md; rebasing and trying again');
  }
  return `Merged ${input.title} into main`;
}
