import { describe, expect, it } from 'vitest';
import { ResumableError, describeErrorContext, isErrorBody, reportError, type ErrorContext } from './errors';
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

describe('ResumableError#toResponse', () => {
  it('answers with the status, the JSON body and no-store, keeping the given headers', async () => {
    const response = new ResumableError('FORBIDDEN', 'Not yours').toResponse({ 'Access-Control-Allow-Origin': '*' });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response.json()).toEqual({ error: { code: 'FORBIDDEN', message: 'Not yours' } });
  });

  it('asks for a bearer token on 401 and says when to retry on 503', () => {
    expect(new ResumableError('UNAUTHORIZED', 'x').toResponse().headers.get('www-authenticate')).toBe('Bearer');
    expect(
      new ResumableError('UNAUTHORIZED', 'x')
        .toResponse({ 'WWW-Authenticate': 'Bearer realm="bus"' })
        .headers.get('www-authenticate'),
    ).toBe('Bearer realm="bus"');
    expect(new ResumableError('WORKFLOW_TASK_FAILING', 'x').toResponse().headers.get('retry-after')).toBe('2');
    expect(new ResumableError('NOT_FOUND', 'x').toResponse().headers.get('retry-after')).toBeNull();
  });

  it("keeps an internal error's message off the wire", async () => {
    const response = new ResumableError('INTERNAL', 'password=hunter2 in stack').toResponse();
    expect(await response.json()).toEqual({ error: { code: 'INTERNAL', message: 'Internal server error' } });
  });
});

describe('reportError', () => {
  it('hands the handler a ResumableError and the context', () => {
    const seen: [ResumableError, ErrorContext][] = [];
    reportError((error, context) => void seen.push([error, context]), new Error('bus down'), {
      source: 'redis-bus',
      taskId: 't',
    });
    expect(seen.map(([error, context]) => [error.code, error.message, context])).toEqual([
      ['INTERNAL', 'bus down', { source: 'redis-bus', taskId: 't' }],
    ]);
  });

  it('swallows a handler that throws', () => {
    expect(() =>
      reportError(
        () => {
          throw new Error('logger broke');
        },
        new Error('x'),
        { source: 'timers' },
      ),
    ).not.toThrow();
  });

  it('describes a context in words', () => {
    expect(describeErrorContext({ source: 'http-bus-sender', dropped: 3 })).toBe('http-bus-sender (3 dropped)');
    expect(describeErrorContext({ source: 'server', operation: 'GET /api/x', taskId: 'a' })).toBe(
      'server GET /api/x task a',
    );
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
