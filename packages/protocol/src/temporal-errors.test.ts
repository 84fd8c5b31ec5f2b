import { describe, expect, it } from 'vitest';
import { ResumableError } from './errors';
import { fromTemporalError, isTemporalError } from './temporal-errors';

/** An error shaped like the SDK's: marked with its registry symbol, wrapping a gRPC status. */
function temporalError(name: string, grpcCode?: number): Error {
  const error = new Error(`${name} happened`);
  error.name = name;
  Object.defineProperty(error, Symbol.for(`__temporal_is${name}`), { value: true });
  if (grpcCode !== undefined) (error as Error & { cause: unknown }).cause = { code: grpcCode, message: 'grpc' };
  return error;
}

function grpc(code: number, message = 'grpc failure'): Error {
  return Object.assign(new Error(message), { code });
}

describe('fromTemporalError', () => {
  it.each([
    ['a missing workflow', temporalError('WorkflowNotFoundError'), 'TASK_NOT_FOUND', 404],
    ['gRPC NOT_FOUND', grpc(5), 'TASK_NOT_FOUND', 404],
    ['a query the workflow does not register', temporalError('QueryNotRegisteredError'), 'TASK_NOT_FOUND', 404],
    ['a rejected query', temporalError('QueryRejectedError'), 'CONFLICT', 409],
    ['a failing workflow task (FAILED_PRECONDITION)', temporalError('ServiceError', 9), 'WORKFLOW_TASK_FAILING', 503],
    ['UNAVAILABLE', grpc(14), 'TEMPORAL_UNAVAILABLE', 503],
    ['DEADLINE_EXCEEDED', grpc(4), 'TEMPORAL_UNAVAILABLE', 503],
    ['a refused connection', new Error('connect ECONNREFUSED 127.0.0.1:7233'), 'TEMPORAL_UNAVAILABLE', 503],
    ['INVALID_ARGUMENT', grpc(3, 'unknown search attribute'), 'INVALID_PARAMETER', 400],
    ['anything else', new Error('surprise'), 'INTERNAL', 500],
  ])('maps %s to %s', (_, error, code, status) => {
    const translated = fromTemporalError(error, { workflowId: 'order-1', operation: 'Query x' });
    expect([translated.code, translated.status]).toEqual([code, status]);
    expect(translated.cause).toBe(error);
  });

  it('names the workflow and the operation in the message', () => {
    expect(fromTemporalError(grpc(5), { workflowId: 'order-1', operation: 'Query x' }).message).toBe(
      'Query x: No workflow with id "order-1"',
    );
    expect(fromTemporalError(grpc(5), 'order-2').message).toBe('No workflow with id "order-2"');
  });

  it('passes a ResumableError through unchanged', () => {
    const error = new ResumableError('FORBIDDEN', 'no');
    expect(fromTemporalError(error)).toBe(error);
  });
});

describe('isTemporalError', () => {
  it('recognises the registry symbol and the name, nothing else', () => {
    expect(isTemporalError(temporalError('WorkflowNotFoundError'), 'WorkflowNotFoundError')).toBe(true);
    expect(isTemporalError(Object.assign(new Error('x'), { name: 'QueryRejectedError' }), 'QueryRejectedError')).toBe(
      true,
    );
    expect(isTemporalError(new Error('x'), 'WorkflowNotFoundError')).toBe(false);
    expect(isTemporalError('WorkflowNotFoundError', 'WorkflowNotFoundError')).toBe(false);
  });
});
