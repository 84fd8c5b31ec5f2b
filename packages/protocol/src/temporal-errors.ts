import { ResumableError } from './errors';
import { missingSearchAttributesIn, searchAttributesMissingError } from './search-attributes';

// gRPC status codes Temporal answers with (https://grpc.io/docs/guides/status-codes/).
const GRPC_INVALID_ARGUMENT = 3;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_NOT_FOUND = 5;
const GRPC_FAILED_PRECONDITION = 9;
const GRPC_UNAVAILABLE = 14;

/**
 * True when `error` is the Temporal SDK error class `name`. Temporal's errors mark
 * themselves with a registry symbol, so this works across copies of the SDK and
 * without importing it (this package runs in browsers too).
 *
 * @example
 * if (isTemporalError(error, 'WorkflowNotFoundError')) return undefined;
 */
export function isTemporalError(error: unknown, name: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  return (
    (error as Record<symbol, unknown>)[Symbol.for(`__temporal_is${name}`)] === true || (error as Error).name === name
  );
}

/** The gRPC status of an error or of the first error in its `cause` chain (the SDK wraps them in `ServiceError`). */
function grpcCode(error: unknown): number | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The messages of an error and of its `cause` chain, for what only the words tell. */
function messages(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    const message = (current as { message?: unknown }).message;
    parts.push(typeof message === 'string' ? message : String(current));
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

/**
 * What the failed call was about, for the error's message.
 *
 * @example
 * throw fromTemporalError(error, { workflowId: taskId, operation: 'Query getWorkflowState' });
 */
export interface TemporalErrorContext {
  /** The workflow id the call addressed. */
  workflowId?: string;
  /** The call, in words: `'Query resumable.getUpdatesSince'`, `'Listing paused executions'`. */
  operation?: string;
  /** The client's namespace, so a `SEARCH_ATTRIBUTES_MISSING` message names the exact command. */
  namespace?: string;
  /** The server's `host:port`, for the same command. */
  address?: string;
}

/**
 * The one translation of what the Temporal client throws into a `ResumableError`
 * with the status a browser should see:
 *
 * | Temporal says | code |
 * | --- | --- |
 * | workflow not found (`WorkflowNotFoundError`, gRPC NOT_FOUND) | `TASK_NOT_FOUND` (404) |
 * | query not registered | `TASK_NOT_FOUND` (404): the workflow keeps no Resumable log |
 * | query rejected (the workflow is closed and the query was refused) | `CONFLICT` (409) |
 * | FAILED_PRECONDITION (its workflow task is failing and being retried) | `WORKFLOW_TASK_FAILING` (503) |
 * | UNAVAILABLE, DEADLINE_EXCEEDED, connection refused | `TEMPORAL_UNAVAILABLE` (503) |
 * | a Resumable search attribute the namespace lacks (BadSearchAttributes, "not a valid search attribute") | `SEARCH_ATTRIBUTES_MISSING` (503), with the command that registers them |
 * | INVALID_ARGUMENT (e.g. another search attribute not registered) | `INVALID_PARAMETER` (400) |
 * | anything else | `INTERNAL` (500) |
 *
 * @example
 * try { await handle.query(QUERY_NAMES.state); }
 * catch (error) { throw fromTemporalError(error, { workflowId: id }); }
 */
export function fromTemporalError(error: unknown, context: TemporalErrorContext | string = {}): ResumableError {
  if (ResumableError.is(error)) return error;
  const { workflowId, operation, namespace, address } = typeof context === 'string' ? { workflowId: context } : context;
  const detail = error instanceof Error ? error.message : String(error);
  const prefix = operation ? `${operation}: ` : '';
  const workflow = workflowId === undefined ? 'The workflow' : `Workflow "${workflowId}"`;
  const code = grpcCode(error);
  const missing = missingSearchAttributesIn(messages(error));
  if (missing.length > 0) {
    return searchAttributesMissingError({
      prefix,
      missing,
      cause: error,
      ...(namespace === undefined ? {} : { namespace }),
      ...(address === undefined ? {} : { address }),
    });
  }
  if (isTemporalError(error, 'WorkflowNotFoundError') || code === GRPC_NOT_FOUND) {
    return new ResumableError(
      'TASK_NOT_FOUND',
      `${prefix}${workflowId === undefined ? 'No such workflow' : `No workflow with id "${workflowId}"`}`,
      { cause: error },
    );
  }
  if (isTemporalError(error, 'QueryNotRegisteredError')) {
    return new ResumableError('TASK_NOT_FOUND', `${prefix}${workflow} does not keep a Resumable update log`, {
      cause: error,
    });
  }
  if (isTemporalError(error, 'QueryRejectedError')) {
    return new ResumableError('CONFLICT', `${prefix}${workflow} cannot answer now: ${detail}`, { cause: error });
  }
  // Temporal answers a query with FAILED_PRECONDITION while the workflow's task is
  // failing (and retried), or before its first task ran: the log exists, it just
  // cannot be read until a task succeeds.
  if (code === GRPC_FAILED_PRECONDITION) return taskFailingError(workflowId, error);
  if (
    code === GRPC_UNAVAILABLE ||
    code === GRPC_DEADLINE_EXCEEDED ||
    /UNAVAILABLE|ECONNREFUSED|DEADLINE/i.test(detail)
  ) {
    return new ResumableError('TEMPORAL_UNAVAILABLE', `${prefix}Temporal is unavailable; try again shortly`, {
      cause: error,
    });
  }
  if (code === GRPC_INVALID_ARGUMENT) {
    return new ResumableError('INVALID_PARAMETER', `${prefix}Temporal refused the request: ${detail}`, {
      cause: error,
    });
  }
  return new ResumableError('INTERNAL', `${prefix}${detail}`, { cause: error });
}

/**
 * The error for a workflow whose log cannot be read because its workflow task keeps
 * failing: 503 with its own code, so clients retry instead of giving up.
 *
 * @example
 * throw taskFailingError('order-1', error); // code WORKFLOW_TASK_FAILING, status 503
 */
export function taskFailingError(workflowId?: string, cause?: unknown): ResumableError {
  const workflow = workflowId === undefined ? 'The workflow' : `Workflow "${workflowId}"`;
  return new ResumableError(
    'WORKFLOW_TASK_FAILING',
    `${workflow} cannot answer now: its workflow task is failing and Temporal is retrying it`,
    { cause },
  );
}
