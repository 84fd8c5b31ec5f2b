import { describe, expect, it } from 'vitest';
import { ResumableError, isErrorBody } from './errors';
import { sequenceFromEventId } from './sequence';

describe('ResumableError', () => {
  it('maps its code to a status and renders the wire body', () => {
    const error = new ResumableError('TASK_NOT_FOUND', 'No task "x"');
    expect(error.status).toBe(404);
    expect(error.toBody()).toEqual({ error: { code: 'TASK_NOT_FOUND', message: 'No task "x"' } });
    expect(isErrorBody(error.toBody())).toBe(true);
  });

  it('is recognised across copies of the package by its brand', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('@resumable/error')]: true });
    expect(ResumableError.is(foreign)).toBe(true);
    expect(ResumableError.is(new Error('x'))).toBe(false);
    expect(ResumableError.is(null)).toBe(false);
  });

  it('wraps unknown throws and keeps the cause', () => {
    const wrapped = ResumableError.from('boom', 'TEMPORAL_UNAVAILABLE');
    expect(wrapped.code).toBe('TEMPORAL_UNAVAILABLE');
    expect(wrapped.status).toBe(503);
    expect((wrapped.cause as Error).message).toBe('boom');
  });
});

describe('sequenceFromEventId', () => {
  it.each([
    [null, 0],
    [undefined, 0],
    ['', 0],
    ['0', 0],
    ['41', 41],
  ])('reads %j as %d', (input, expected) => {
    expect(sequenceFromEventId(input)).toBe(expected);
  });

  it.each(['-1', '1.5', 'abc', '1e3', ' 1', '1\n', '9'.repeat(16)])('refuses %j', (input) => {
    expect(() => sequenceFromEventId(input)).toThrowError(expect.objectContaining({ code: 'INVALID_LAST_EVENT_ID' }));
  });
});
