/**
 * What the worker and the app agree on: workflow type names, their inputs, the
 * statuses and update payloads each one writes into its log, and the pause events.
 * Types and constants only, so the Next.js app can import it without Temporal.
 */

/** Workflow type names, as registered by the worker and started by the app. */
export const WORKFLOWS = {
  task: 'taskWorkflow',
  order: 'orderProcessingWorkflow',
  invoice: 'invoiceProcessingWorkflow',
  testCycle: 'testCycleWorkflow',
} as const;

export type WorkflowKind = keyof typeof WORKFLOWS;

/** The external event that resumes an order waiting at `wait-payment`. */
export const PAYMENT_COMPLETED_EVENT = 'payment-service.payments.trigger.completed';
/** The event an approver's tool may send instead of pressing Resume. */
export const ORDER_APPROVED_EVENT = 'order.approved';

// ---- a task (the task board) ------------------------------------------------------------

export type TaskStatus = 'IN_PROGRESS' | 'DONE' | 'MERGED';
export type TaskUpdates = {
  message: { text: string; step: number; steps: number; percent: number };
  status: { status: TaskStatus };
};
export interface TaskInput {
  title: string;
  /** Work steps before DONE (default 12). */
  steps?: number;
  /** Simulated work per step, ms (default 600). */
  stepMs?: number;
}

// ---- an order that pauses (the paused dashboard) ------------------------------------------------

export type OrderStatus =
  'RECEIVED' | 'WAITING_APPROVAL' | 'WAITING_PAYMENT' | 'SHIPPING' | 'COMPLETED' | 'CANCELLED' | 'TIMED_OUT';
export type OrderUpdates = {
  step: { text: string; status: OrderStatus };
};
export interface OrderInput {
  orderId: string;
  customer: string;
  amount: number;
  /** How long each pause waits before it gives up (default '15 minutes'). */
  pauseTimeout?: string;
}

// ---- invoice processing with retries ----------------------------------------

export type InvoiceStatus = 'validating' | 'sending' | 'sent' | 'invalid' | 'failed';
export type InvoiceUpdates = {
  status: { status: InvoiceStatus; text: string };
  attempt: { activity: string; attempts: number; text: string };
};
export interface InvoiceInput {
  invoiceId: string;
  /** How many times the email service fails before it works (default 2; 5 or more exhausts the retries). */
  emailFailures?: number;
}

// ---- the eight-phase test cycle ----------------------------------------------

/** The eight phases, in order; phases 3 and 4 run in parallel. */
export const TEST_CYCLE_PHASES = [
  { phase: 1, name: 'Planning', kind: 'llm', compensation: 'rollback' },
  { phase: 2, name: 'Scoping', kind: 'database', compensation: 'notify' },
  { phase: 3, name: 'Sample Selection', kind: 'database', compensation: 'partial-rollback' },
  { phase: 4, name: 'Data Owner Identification', kind: 'database', compensation: 'rollback' },
  { phase: 5, name: 'Request for Information', kind: 'email', compensation: 'notify' },
  { phase: 6, name: 'Test Execution', kind: 'llm', compensation: 'partial-rollback' },
  { phase: 7, name: 'Observation Management', kind: 'database', compensation: 'skip' },
  { phase: 8, name: 'Finalize Test Report', kind: 'llm', compensation: 'rollback' },
] as const;

export type PhaseNumber = (typeof TEST_CYCLE_PHASES)[number]['phase'];
/** Activity families, each with its own retry policy (the test cycle's). */
export type ActivityKind = 'llm' | 'database' | 'email';
export type CompensationStrategy = 'rollback' | 'notify' | 'skip' | 'partial-rollback';
export type PhaseState = 'pending' | 'running' | 'completed' | 'failed' | 'compensated';

export type TestCycleStatus = 'RUNNING' | 'COMPLETED' | 'COMPENSATING' | 'FAILED';
export type TestCycleUpdates = {
  phase: {
    phase: PhaseNumber;
    name: string;
    state: PhaseState;
    /** Workflow time the phase started, ms since the epoch. */
    startedAt: number;
    /** Set once the phase finished (or failed). */
    endedAt?: number;
    durationMs?: number;
    /** Activity attempts the phase took (retries + 1). */
    attempts?: number;
    error?: string;
  };
  compensation: { phase: PhaseNumber; name: string; strategy: CompensationStrategy; text: string };
  version: { version: number; text: string };
  summary: { totalMs: number; phaseMs: Record<string, number>; text: string };
};
export interface TestCycleInput {
  cycleId: string;
  /** Phase whose activity fails for good, to show the saga compensation. */
  failAtPhase?: PhaseNumber;
  /** Scales every phase's simulated work (default 1). */
  speed?: number;
}

/** The id prefix of each kind of workflow the app starts. */
export const ID_PREFIX: Record<WorkflowKind, string> = {
  task: 'task',
  order: 'order',
  invoice: 'invoice',
  testCycle: 'cycle',
};
