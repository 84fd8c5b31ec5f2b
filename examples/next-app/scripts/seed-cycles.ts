/**
 * Starts dozens of fast test cycles with varied failures and skipped phases, so the
 * /workflow-monitoring dashboard has a history on first start.
 *
 *   pnpm --filter @resumable/example-next-app seed:cycles [--count 36] [--speed 0.2]
 *
 * Talks to Temporal as the app does (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_TASK_QUEUE); the example worker must be polling that task queue.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ID_PREFIX, WORKFLOWS, type PhaseNumber, type TestCycleInput } from '@resumable/example-worker/shared';
import { Client, Connection } from '@temporalio/client';

/** Phases a seeded cycle may fail at: not 7 and 8, whose compensation waits for a person. */
const FAIL_AT: readonly PhaseNumber[] = [2, 3, 4, 5, 6];
const SKIP: readonly number[][] = [[2], [7], [2, 7]];

/**
 * The inputs of `count` cycles: about one in four fails (at a rotating phase), one in
 * five skips phases, the rest run clean. Deterministic, so a seed is reproducible.
 */
export function seedInputs(count: number, speed: number, prefix = 'SEED'): TestCycleInput[] {
  return Array.from({ length: count }, (_, index): TestCycleInput => {
    const input: TestCycleInput = { cycleId: `${prefix}-${String(index + 1).padStart(3, '0')}`, speed };
    if (index % 4 === 3) input.failAtPhase = FAIL_AT[Math.floor(index / 4) % FAIL_AT.length];
    else if (index % 5 === 1) input.skipPhases = SKIP[Math.floor(index / 5) % SKIP.length];
    return input;
  });
}

export interface SeededCycle {
  workflowId: string;
  runId: string;
  input: TestCycleInput;
}

/** Starts one test cycle per input on `taskQueue`; resolves once all are started (not finished). */
export async function seedCycles(client: Client, taskQueue: string, inputs: TestCycleInput[]): Promise<SeededCycle[]> {
  const batch = randomBytes(3).toString('hex');
  const started: SeededCycle[] = [];
  for (const [index, input] of inputs.entries()) {
    const workflowId = `${ID_PREFIX.testCycle}-seed${batch}-${index + 1}`;
    const handle = await client.workflow.start(WORKFLOWS.testCycle, { taskQueue, workflowId, args: [input] });
    started.push({ workflowId, runId: handle.firstExecutionRunId, input });
  }
  return started;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { count: { type: 'string', default: '36' }, speed: { type: 'string', default: '0.2' } },
  });
  const count = Number(values.count);
  const speed = Number(values.speed);
  if (!Number.isInteger(count) || count < 1 || count > 500) throw new Error('--count must be an integer from 1 to 500');
  if (!(speed >= 0.05 && speed <= 10)) throw new Error('--speed must be a number from 0.05 to 10');
  const address = process.env.TEMPORAL_ADDRESS || '127.0.0.1:7233';
  const taskQueue = process.env.TEMPORAL_TASK_QUEUE || 'resumable-examples';
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE || 'default' });
    const seeded = await seedCycles(client, taskQueue, seedInputs(count, speed));
    const failing = seeded.filter((cycle) => cycle.input.failAtPhase).length;
    const skipping = seeded.filter((cycle) => cycle.input.skipPhases).length;
    console.info(
      `Started ${seeded.length} test cycles on ${address} / ${taskQueue} (${failing} fail at a phase, ${skipping} skip phases). ` +
        'Open /workflow-monitoring.',
    );
  } finally {
    await connection.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
