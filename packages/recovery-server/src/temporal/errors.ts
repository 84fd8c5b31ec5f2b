import { ResumableError } from '@resumable/protocol';

// gRPC status codes Temporal answers with.
const GRPC_NOT_FOUND = 5;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;
const GRPC_INVALID_ARGUMENT = 3;
const GRPC_FAILED_PRECONDITION = 9;

function grpcCode(error: unknown): number | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Turns what the Temporal client throws into a `ResumableError` with the wire
 * status a browser should see. Matched by name, so it works across SDK copies.
 */
export function fromTemporalError(error: unknown, id: string): ResumableError {
  if (ResumableError.is(error)) return error;
  const name = (error as { name?: string } | undefined)?.name;
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'WorkflowNotFoundError' || grpcCode(error) === GRPC_NOT_FOUND) {
    return new ResumableError('TASK_NOT_FOUND', `No workflow with id "${id}"`, { cause: error });
  }
  if (name === 'QueryNotRegisteredError') {
    return new ResumableError('TASK_NOT_FOUND', `Workflow "${id}" does not keep a Resumable update log`, {
      cause: error,
    });
  }
  if (name === 'QueryRejectedError' || grpcCode(error) === GRPC_INVALID_ARGUMENT) {
    return new ResumableError('CONFLICT', `Workflow "${id}" cannot answer now: ${message}`, { cause: error });
  }
  const code = grpcCode(error);
  // Temporal answers a query with FAILED_PRECONDITION while the workflow's task is
  // failing (and retried), or before its first task ran: the log exists, it just
  // cannot be read until a task succeeds.
  if (code === GRPC_FAILED_PRECONDITION) return taskFailing(id, error);
  if (code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED || /UNAVAILABLE|ECONNREFUSED|DEADLINE/i.test(message)) {
    return new ResumableError('TEMPORAL_UNAVAILABLE', 'Temporal is unavailable; try again shortly', { cause: error });
  }
  return new ResumableError('INTERNAL', message, { cause: error });
}

/**
 * The wire error for a workflow whose log cannot be read because its workflow task
 * keeps failing: 503 with a clear code, so clients retry instead of giving up.
 */
export function taskFailing(id: string, cause?: unknown): ResumableError {
  return new ResumableError(
    'WORKFLOW_TASK_FAILING',
    `Workflow "${id}" cannot answer now: its workflow task is failing and Temporal is retrying it`,
    { cause },
  );
}
