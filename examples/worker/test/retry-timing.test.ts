import {
  ACTIVITY_EVENTS,
  type ActivityRetryingData,
  type ActivityStartedData,
  type WorkflowState,
} from '@resumable/protocol';
import { connectTestClient, createTestWorker, type TestWorker } from '@resumable/temporal-dev/vitest';
import { createResumableSinks } from '@resumable/workflow-state/worker';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityKind } from '../src/shared';
import type { RetryTimingActivities, RetryTimingInput } from './workflows';

/** When the worker started each attempt, by the key the workflow passes: what really happened. */
const starts = new Map<string, number[]>();

const activities: RetryTimingActivities = {
  async failingAttempt({ key, failures, errorType }) {
    const times = starts.get(key) ?? [];
    times.push(Date.now());
    starts.set(key, times);
    if (times.length > failures) return `succeeded on attempt ${times.length}`;
    throw ApplicationFailure.create({
      message: `attempt ${times.length} of ${Context.current().info.activityId} failed`,
      type: errorType,
    });
  },
};

let client: Client;
let worker: TestWorker;
let running: Promise<void>;

beforeAll(async () => {
  client = await connectTestClient();
  worker = await createTestWorker('worker', {
    activities,
    sinks: createResumableSinks({ bus: { publish: async () => {} } }),
  });
  running = worker.worker.run();
});

afterAll(async () => {
  worker?.worker.shutdown();
  await running;
  await worker?.close();
  await client?.connection.close();
});

let counter = 0;

/** Runs `retryTimingWorkflow`; answers the log's activity updates and the worker's start times. */
async function run(input: Omit<RetryTimingInput, 'key'>) {
  const key = `retry-${input.kind}-${Date.now()}-${counter++}`;
  const handle = await client.workflow.start('retryTimingWorkflow', {
    taskQueue: worker.taskQueue,
    workflowId: key,
    args: [{ ...input, key } satisfies RetryTimingInput],
  });
  const status = (await handle.result()) as string;
  const { updates } = await handle.query<WorkflowState>('getWorkflowState');
  const of = <T>(type: string) => updates.filter((update) => update.type === type).map((update) => update.data as T);
  const started = of<ActivityStartedData>(ACTIVITY_EVENTS.started);
  const retrying = of<ActivityRetryingData>(ACTIVITY_EVENTS.retrying);
  const workerStarts = starts.get(key) ?? [];
  const gaps = workerStarts.slice(1).map((time, i) => time - (workerStarts[i] as number));
  return { status, updates, started, retrying, workerStarts, gaps };
}

type Shape = 'exponential' | 'linear' | 'fixed';

// Tolerances for a loaded 2-core CI: each gap is the policy's delay plus the round trip
// (failure reported, workflow task, timer, activity scheduled and polled), tens to a few
// hundred ms. Loose enough for that, tight enough that no shape passes another's check
// with 1 s intervals (the test asserts it does not): linear gaps' last ratio, 4/3 plus
// noise, stays under 1.5; exponential's first, 2 less noise, above it.
const RATIO_TOLERANCE = 0.25;
const STEP_TOLERANCE = (step: number) => Math.max(0.3 * step, 250);
const FIXED_TOLERANCE = (mean: number) => Math.max(0.25 * mean, 250);
const COEFFICIENT = 2;

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const steps = (gaps: number[]) => gaps.slice(1).map((gap, i) => gap - (gaps[i] as number));

/** Whether measured gaps have a shape, judged from the gaps alone. */
function fits(shape: Shape, gaps: number[]): boolean {
  if (shape === 'exponential') {
    // Each gap about COEFFICIENT times the one before.
    return gaps
      .slice(1)
      .every((gap, i) => Math.abs(gap / (gaps[i] as number) - COEFFICIENT) <= RATIO_TOLERANCE * COEFFICIENT);
  }
  if (shape === 'linear') {
    // Gaps grow (by a real step, not noise), and by the same step each time.
    const step = mean(steps(gaps));
    return step >= 0.25 * (gaps[0] as number) && steps(gaps).every((d) => Math.abs(d - step) <= STEP_TOLERANCE(step));
  }
  const average = mean(gaps);
  return gaps.every((gap) => Math.abs(gap - average) <= FIXED_TOLERANCE(average));
}

// Most a gap may exceed its delay by on a loaded machine.
const SLACK_MS = 1000;

describe('the test cycle retry policies on a real worker', () => {
  it('retry each family three times with its own delays; a database ConstraintViolation is not retried', async () => {
    const [llm, database, email, constraint] = await Promise.all([
      run({ kind: 'llm', failures: 9 }),
      run({ kind: 'database', failures: 9 }),
      run({ kind: 'email', failures: 2 }),
      run({ kind: 'database', failures: 9, errorType: 'ConstraintViolation' }),
    ]);
    expect(llm.status).toBe('FAILED');
    expect(database.status).toBe('FAILED');
    // The third (last) attempt of the email succeeds.
    expect(email.status).toBe('COMPLETED');
    expect(llm.retrying.map((data) => data.nextDelayMs)).toEqual([300, 600]);
    expect(database.retrying.map((data) => data.nextDelayMs)).toEqual([200, 400]);
    expect(email.retrying.map((data) => data.nextDelayMs)).toEqual([250, 250]);
    for (const { workerStarts, started, retrying, gaps } of [llm, database, email]) {
      expect(workerStarts).toHaveLength(3);
      // No attempt starts on the worker before its delay ran out.
      gaps.forEach((gap, n) => expect(gap).toBeGreaterThanOrEqual(retrying[n]!.nextDelayMs));
      expect(started.map((data) => [data.attempt, data.maxAttempts])).toEqual([
        [1, 3],
        [2, 3],
        [3, 3],
      ]);
    }
    expect(email.updates.at(-1)?.type).toBe(ACTIVITY_EVENTS.completed);

    expect(constraint.status).toBe('FAILED');
    expect(constraint.workerStarts).toHaveLength(1);
    expect(constraint.updates.map((update) => update.type)).toEqual([ACTIVITY_EVENTS.started, ACTIVITY_EVENTS.failed]);
  });

  // Five attempts, not the policies' three: three attempts leave two gaps, and two gaps
  // (e.g. 300 then 600 ms) fit both "doubling" and "growing by a constant step"; four
  // tell them apart. Each family's policy with a 1 s initial interval: Temporal does not
  // promise sub-second timers, and the dev server fires a shorter one after about 1 s (a
  // 300 ms one measured at ~1,030 ms), so shorter delays would all look alike.
  const timed: Record<Shape, { kind: ActivityKind; delays: number[] }> = {
    exponential: { kind: 'llm', delays: [1000, 2000, 4000, 8000] },
    linear: { kind: 'database', delays: [1000, 2000, 3000, 4000] },
    fixed: { kind: 'email', delays: [1000, 1000, 1000, 1000] },
  };

  it('spaces the attempts as measured on the worker: exponential, linear and fixed, and no other', async () => {
    const shapes = Object.keys(timed) as Shape[];
    const runs = await Promise.all(
      shapes.map((shape) => run({ kind: timed[shape].kind, failures: 9, maximumAttempts: 5, initialInterval: 1000 })),
    );
    const measured: Record<string, number[]> = {};
    shapes.forEach((shape, i) => {
      const { status, updates, retrying, started, workerStarts, gaps } = runs[i] as Awaited<ReturnType<typeof run>>;
      const { delays } = timed[shape];
      measured[shape] = gaps;
      expect(status).toBe('FAILED');
      // The workflow's decisions, in the log.
      expect(retrying.map((data) => data.nextDelayMs)).toEqual(delays);
      expect(workerStarts).toHaveLength(5);
      // What the worker saw: a durable timer never fires early, and the round trip is bounded.
      gaps.forEach((gap, n) => {
        expect(gap).toBeGreaterThanOrEqual(delays[n] as number);
        expect(gap).toBeLessThanOrEqual((delays[n] as number) + SLACK_MS);
      });
      // Every attempt's updates name it and when it was scheduled; the worker took it after.
      expect(started.map((data) => data.attempt)).toEqual([1, 2, 3, 4, 5]);
      started.forEach((data, n) => {
        expect(data.scheduledAt).toBeTypeOf('number');
        expect(workerStarts[n]! - data.scheduledAt!).toBeGreaterThanOrEqual(0);
        expect(workerStarts[n]! - data.scheduledAt!).toBeLessThanOrEqual(SLACK_MS);
      });
      expect(retrying.map((data) => data.scheduledAt)).toEqual(started.slice(0, 4).map((data) => data.scheduledAt));
      expect(updates.at(-1)).toMatchObject({
        type: ACTIVITY_EVENTS.failed,
        data: { attempt: 5, scheduledAt: started[4]!.scheduledAt },
      });
      // The shape: this one fits, the other two do not.
      for (const other of shapes)
        expect({ shape: other, gaps, fits: fits(other, gaps) }).toEqual({ shape: other, gaps, fits: other === shape });
    });
    console.info(`[retry-timing] measured gaps (ms): ${JSON.stringify(measured)}`);
  });
});
