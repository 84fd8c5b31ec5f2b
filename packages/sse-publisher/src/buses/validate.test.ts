import { ResumableError } from '@resumable/protocol';
import { describe, expect, it } from 'vitest';
import { busMessageProblem, isBusMessage, parseBusMessage } from './validate';

const update = {
  kind: 'update',
  taskId: 't1',
  update: { id: 't1:1', timestamp: 1, sequence: 1, type: 'step', data: { a: 1 } },
};
const pause = {
  kind: 'pause',
  event: 'workflow.resumed',
  taskId: 't1',
  sequence: 4,
  data: { executionId: 't1', workflowId: 'wf', resumedFrom: 'wait' },
};

describe('bus message validation', () => {
  it('accepts well-formed update and pause messages', () => {
    expect(isBusMessage(update)).toBe(true);
    expect(isBusMessage(pause)).toBe(true);
    expect(parseBusMessage(update)).toBe(update);
  });

  it.each([
    ['null', null],
    ['an array', [update]],
    ['a string', 'update'],
    ['an unknown kind', { ...update, kind: 'other' }],
    ['an empty task id', { ...update, taskId: '' }],
    ['sequence 0', { ...update, update: { ...update.update, sequence: 0 } }],
    ['a fractional sequence', { ...update, update: { ...update.update, sequence: 1.5 } }],
    ['a string sequence', { ...update, update: { ...update.update, sequence: '1' } }],
    ['a NaN timestamp', { ...update, update: { ...update.update, timestamp: Number.NaN } }],
    ['a missing update', { kind: 'update', taskId: 't1' }],
    ['a numeric status', { ...update, status: 3 }],
    ['an unknown pause event', { ...pause, event: 'paused.initial' }],
    ['pause data that is not an object', { ...pause, data: 'x' }],
    ['a negative pause sequence', { ...pause, sequence: -1 }],
  ])('refuses %s with BAD_REQUEST', (_, value) => {
    expect(busMessageProblem(value)).toEqual(expect.any(String));
    expect(isBusMessage(value)).toBe(false);
    let thrown: unknown;
    try {
      parseBusMessage(value);
    } catch (error) {
      thrown = error;
    }
    expect(ResumableError.is(thrown) && thrown.code).toBe('BAD_REQUEST');
  });
});
