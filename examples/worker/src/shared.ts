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
/** What a compensation did: rows deleted, pending rows deleted, owners notified, or a person's decision (skip). */
export type CompensationOutcome = 'rolled-back' | 'partially-rolled-back' | 'notified' | 'resumed' | 'cancelled';
/** `skipped`: not run (the input's `skipPhases`), or passed over after a person resumed at its manual wait. */
export type PhaseState = 'pending' | 'running' | 'completed' | 'failed' | 'compensated' | 'skipped';

/** The change id of version 3: records in SQLite, real compensation, logged retries, `skipPhases`. */
export const SQLITE_STORE_PATCH = 'test-cycle-sqlite-store';
/** Where a `skip` phase waits for a person: after it failed, and when a later failure would undo it. */
export const MANUAL_INTERVENTION_PAUSE = 'manual-intervention';
export const MANUAL_COMPENSATION_PAUSE = 'manual-compensation';
/** The query that answers a test cycle's {@link TestCycleVersion}. */
export const TEST_CYCLE_VERSION_QUERY = 'getTestCycleVersion';

/** `WAITING_FOR_PERSON`: paused at a skip phase's manual wait (version 3). */
export type TestCycleStatus = 'RUNNING' | 'COMPLETED' | 'COMPENSATING' | 'FAILED' | 'WAITING_FOR_PERSON' | 'CANCELLED';
/** The workflow's code version, as `getTestCycleVersion` answers: 1 original, 2 report timings, 3 SQLite store. */
export type TestCycleVersion = 1 | 2 | 3;
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
  compensation: {
    phase: PhaseNumber;
    name: string;
    strategy: CompensationStrategy;
    text: string;
    /** Version 3: what the compensation did in the database. */
    outcome?: CompensationOutcome;
    phaseState?: 'completed' | 'failed';
    undone?: string[];
    kept?: string[];
  };
  /** Version 3: a notification row was written (the `notify` strategy). */
  notification: { phase: PhaseNumber; name: string; text: string };
  version: { version: TestCycleVersion; text: string };
  summary: { totalMs: number; phaseMs: Record<string, number>; text: string };
};
export interface TestCycleInput {
  cycleId: string;
  /** Phase whose activity fails for good, to show the saga compensation. */
  failAtPhase?: PhaseNumber;
  /** Scales every phase's simulated work (default 1). */
  speed?: number;
  /** Phases not run (state `skipped`); version 3 only. */
  skipPhases?: number[];
}

/** The id prefix of each kind of workflow the app starts. */
export const ID_PREFIX: Record<WorkflowKind, string> = {
  task: 'task',
  order: 'order',
  invoice: 'invoice',
  testCycle: 'cycle',
};
