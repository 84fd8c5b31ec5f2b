/**
 * Starts dozens of fast test cycles with varied failures and skipped phases, so the
 * /workflow-monitoring dashboard has a history on first start.
 *
 *   pnpm --filter @resumable/example-next-app seed:cycles [--count 36] [--speed 0.2]
 *     [--address HOST:PORT] [--namespace NS] [--task-queue Q] [--json]
 *
 * Talks to Temporal as the app does (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_TASK_QUEUE; the flags win); the example worker must be polling that task
 * queue. The cycles start now: Temporal cannot backdate a start, so the dashboard's
 * trends show the day(s) they actually ran.
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

export const USAGE = `Usage: seed:cycles [--count N] [--speed X] [--address HOST:PORT] [--namespace NS] [--task-queue Q] [--json]

  --count N          cycles to start, 1 to 500 (default 36)
  --speed X          phase-duration factor, 0.05 to 10 (default 0.2; smaller is faster)
  --address A        Temporal frontend (default $TEMPORAL_ADDRESS or 127.0.0.1:7233)
  --namespace NS     Temporal namespace (default $TEMPORAL_NAMESPACE or default)
  --task-queue Q     the worker's task queue (default $TEMPORAL_TASK_QUEUE or resumable-examples)
  --json             print the started cycles as JSON instead of a sentence`;

/** What `seed:cycles` was asked to do. */
export interface SeedOptions {
  count: number;
  speed: number;
  address: string;
  namespace: string;
  taskQueue: string;
  json: boolean;
}

/** A bad command line: its message and the usage are printed, and the script exits 2. */
export class UsageError extends Error {}

/** Reads the command line (flags win over the environment); throws `UsageError` on anything it cannot use. */
export function parseSeedArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): SeedOptions {
  let values;
  try {
    // `npm run seed:cycles -- --count 5` passes the `--` along.
    ({ values } = parseArgs({
      args: argv[0] === '--' ? argv.slice(1) : [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        count: { type: 'string', default: '36' },
        speed: { type: 'string', default: '0.2' },
        address: { type: 'string' },
        namespace: { type: 'string' },
        'task-queue': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const count = Number(values.count);
  const speed = Number(values.speed);
  if (!/^\d+$/.test(values.count) || !Number.isInteger(count) || count < 1 || count > 500) {
    throw new UsageError(`--count must be an integer from 1 to 500 (got "${values.count}")`);
  }
  if (!(speed >= 0.05 && speed <= 10))
    throw new UsageError(`--speed must be a number from 0.05 to 10 (got "${values.speed}")`);
  const text = (flag: string, value: string | undefined, fallback: string) => {
    const chosen = value ?? fallback;
    if (chosen.trim() === '') throw new UsageError(`--${flag} must not be empty`);
    return chosen;
  };
  const address = text('address', values.address, env.TEMPORAL_ADDRESS || '127.0.0.1:7233');
  if (!/^[^\s:]+:\d+$/.test(address)) throw new UsageError(`--address must be HOST:PORT (got "${address}")`);
  return {
    count,
    speed,
    address,
    namespace: text('namespace', values.namespace, env.TEMPORAL_NAMESPACE || 'default'),
    taskQueue: text('task-queue', values['task-queue'], env.TEMPORAL_TASK_QUEUE || 'resumable-examples'),
    json: values.json,
  };
}

async function main(): Promise<void> {
  let options: SeedOptions;
  try {
    options = parseSeedArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`seed:cycles: ${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const { count, speed, address, namespace, taskQueue } = options;
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection, namespace });
    const seeded = await seedCycles(client, taskQueue, seedInputs(count, speed));
    if (options.json) {
      console.info(JSON.stringify({ address, namespace, taskQueue, cycles: seeded }));
      return;
    }
    const failing = seeded.filter((cycle) => cycle.input.failAtPhase).length;
    const skipping = seeded.filter((cycle) => cycle.input.skipPhases).length;
    console.info(
      `Started ${seeded.length} test cycles on ${address} / ${namespace} / ${taskQueue} ` +
        `(${failing} fail at a phase, ${skipping} skip phases). Open /workflow-monitoring.`,
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
