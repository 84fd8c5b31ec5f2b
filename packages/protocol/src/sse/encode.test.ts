import { describe, expect, it } from 'vitest';
import { ResumableError } from '../errors';
import { encodeJsonEvent, encodeSseComment, encodeSseEvent, encodeSseRetry } from './encode';

describe('encodeSseEvent', () => {
  it('writes id, event and data lines', () => {
    expect(encodeSseEvent({ id: 7, event: 'update', data: '{"a":1}' })).toBe('id: 7\nevent: update\ndata: {"a":1}\n\n');
  });

  it('splits data on LF into one data line each', () => {
    expect(encodeSseEvent({ data: 'a\nb\n\nc' })).toBe('data: a\ndata: b\ndata: \ndata: c\n\n');
  });

  it.each(['a\rb', 'a\r\nb', 'a\r'])('refuses CR in data (%j), which clients would turn into LF', (data) => {
    expect(() => encodeSseEvent({ data })).toThrowError(expect.objectContaining({ code: 'INVALID_SSE_FIELD' }));
  });

  it('refuses an empty event name, which clients would read as "message"', () => {
    expect(() => encodeSseEvent({ event: '', data: '' })).toThrow(/event must not be empty/);
  });

  it('writes an empty data line for empty data, so the event is still dispatched', () => {
    expect(encodeSseEvent({ event: 'ping', data: '' })).toBe('event: ping\ndata: \n\n');
  });

  it.each(['\n', '\r', '\r\n', 'a\nevent: admin'])('refuses a line break in event (%j)', (bad) => {
    expect(() => encodeSseEvent({ event: `x${bad}`, data: '' })).toThrowError(
      expect.objectContaining({ code: 'INVALID_SSE_FIELD' }),
    );
  });

  it.each(['\n', '\r', '\0'])('refuses %j in id', (bad) => {
    expect(() => encodeSseEvent({ id: `1${bad}2`, data: '' })).toThrow(ResumableError);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses retry %s', (retry) => {
    expect(() => encodeSseEvent({ data: '', retry })).toThrow(/retry must be a non-negative integer/);
    expect(() => encodeSseRetry(retry)).toThrow(ResumableError);
  });

  it('refuses non-string data', () => {
    expect(() => encodeSseEvent({ data: 42 as unknown as string })).toThrow(/data must be a string/);
  });
});

describe('encodeJsonEvent', () => {
  it('serialises the value on one line', () => {
    expect(encodeJsonEvent('update', { text: 'a\nb' }, 3)).toBe('id: 3\nevent: update\ndata: {"text":"a\\nb"}\n\n');
  });

  it('refuses values JSON cannot represent', () => {
    expect(() => encodeJsonEvent('x', undefined)).toThrow(/JSON-serialisable/);
  });
});

describe('encodeSseComment', () => {
  it('turns every line into a comment, so a comment cannot start a field', () => {
    expect(encodeSseComment('a\ndata: evil')).toBe(': a\n: data: evil\n\n');
  });

  it('writes a bare heartbeat', () => {
    expect(encodeSseComment()).toBe(': \n\n');
  });
});
