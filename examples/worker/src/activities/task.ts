import { work } from './simulate';

const VERBS = ['Reading', 'Planning', 'Editing', 'Compiling', 'Testing', 'Linting', 'Reviewing', 'Documenting'];

/** One step of a task: simulated work, then a line for the task's log. */
export async function performStep(input: { title: string; step: number; steps: number; ms: number }): Promise<string> {
  await work(input.ms);
  const verb = VERBS[(input.step - 1) % VERBS.length] as string;
  return `${verb} ${input.title} (step ${input.step} of ${input.steps})`;
}

/** Merges a finished task's changes (DONE → MERGED). */
export async function mergeChanges(input: { title: string; ms: number }): Promise<string> {
  await work(input.ms);
  return `Merged ${input.title} into main`;
}
