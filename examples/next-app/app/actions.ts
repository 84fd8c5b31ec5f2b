'use server';
import {
  ID_PREFIX,
  WORKFLOWS,
  type InvoiceInput,
  type OrderInput,
  type PhaseNumber,
  type TaskInput,
  type TestCycleInput,
  type WorkflowKind,
} from '@resumable/example-worker/shared';
import { resumable } from '@/lib/server/resumable';
import { currentUser, newWorkflowId } from '@/lib/server/session';

/** What a started workflow is known by in the browser: its id, and the run this start began. */
export interface StartedWorkflow {
  kind: WorkflowKind;
  workflowId: string;
  runId: string;
  title: string;
}

async function start<T>(
  kind: WorkflowKind,
  input: (workflowId: string) => T,
  title: (workflowId: string) => string,
): Promise<StartedWorkflow> {
  const user = await currentUser();
  const { client, config } = resumable();
  const workflowId = newWorkflowId(ID_PREFIX[kind], user);
  const handle = await client.workflow.start(WORKFLOWS[kind], {
    taskQueue: config.taskQueue,
    workflowId,
    args: [input(workflowId)],
  });
  return { kind, workflowId, runId: handle.firstExecutionRunId, title: title(workflowId) };
}

const shortId = (workflowId: string) => workflowId.slice(-4).toUpperCase();

/** Starts a task (IN_PROGRESS → DONE → MERGED). */
export async function startTask(options: { steps?: number; stepMs?: number } = {}): Promise<StartedWorkflow> {
  const steps = clamp(options.steps ?? 12, 1, 50);
  const stepMs = clamp(options.stepMs ?? 600, 50, 5_000);
  return start(
    'task',
    (id: string): TaskInput => ({ title: `feature ${shortId(id)}`, steps, stepMs }),
    (id) => `Task ${shortId(id)}`,
  );
}

/** Starts an invoice's processing; the mail service fails `emailFailures` times first. */
export async function startInvoice(options: { emailFailures?: number } = {}): Promise<StartedWorkflow> {
  const emailFailures = clamp(options.emailFailures ?? 2, 0, 9);
  return start(
    'invoice',
    (id: string): InvoiceInput => ({ invoiceId: `INV-${shortId(id)}`, emailFailures }),
    (id) => `Invoice INV-${shortId(id)}`,
  );
}

const CUSTOMERS = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Katherine Johnson', 'Edsger Dijkstra'];

/** Starts an order's processing, which pauses for approval and for payment. */
export async function startOrder(options: { timeoutSeconds?: number } = {}): Promise<StartedWorkflow> {
  const timeoutSeconds = clamp(options.timeoutSeconds ?? 15 * 60, 10, 24 * 3600);
  return start(
    'order',
    (id: string): OrderInput => ({
      orderId: `ORD-${shortId(id)}`,
      customer: CUSTOMERS[parseInt(id.slice(-2), 16) % CUSTOMERS.length] as string,
      amount: 20 + (parseInt(id.slice(-4), 16) % 480) + 0.99,
      pauseTimeout: `${timeoutSeconds}s`,
    }),
    (id) => `Order ORD-${shortId(id)}`,
  );
}

/** Starts the eight-phase test cycle; `failAtPhase` makes that phase fail for good (saga compensation). */
export async function startTestCycle(options: { failAtPhase?: PhaseNumber } = {}): Promise<StartedWorkflow> {
  // Options arrive from the browser (or the REST route) unchecked: only a phase number counts.
  const phase: unknown = options.failAtPhase;
  const failAtPhase =
    typeof phase === 'number' && Number.isInteger(phase) && phase >= 1 && phase <= 8
      ? (phase as PhaseNumber)
      : undefined;
  return start(
    'testCycle',
    (id: string): TestCycleInput => ({ cycleId: `CYCLE-${shortId(id)}`, ...(failAtPhase ? { failAtPhase } : {}) }),
    (id) => `Test cycle CYCLE-${shortId(id)}`,
  );
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : min;
}
