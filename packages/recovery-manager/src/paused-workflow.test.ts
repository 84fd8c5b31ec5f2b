import { describe, expect, it } from 'vitest';
import { parsePausedWorkflow, samePause } from './paused-workflow';

const valid = {
  executionId: 'order-7',
  workflowType: 'checkout',
  workflowId: 'checkout',
  pausedAt: 'wait-payment',
  pausedTime: '2026-01-15T10:30:00.000Z',
  waitingFor: ['payment.completed', 'payment.completed'],
  timeoutAt: '2026-01-16T10:30:00.000Z',
  variables: { orderId: 'o7', lines: [{ sku: 'a', qty: 2 }] },
  correlation: 'o7',
  extra: 'dropped',
};

describe('parsePausedWorkflow', () => {
  it('keeps known fields, drops unknown ones and duplicate event names', () => {
    const pause = parsePausedWorkflow(valid);
    expect(pause).toEqual({ ...valid, extra: undefined, waitingFor: ['payment.completed'] });
    expect('extra' in pause).toBe(false);
  });

  it('fills workflowType from workflowId for a pause from an older worker, and workflowId from workflowType', () => {
    const { workflowType: _type, ...older } = valid;
    expect(parsePausedWorkflow(older)).toEqual(parsePausedWorkflow(valid));
    const { workflowId: _id, ...newer } = valid;
    expect(parsePausedWorkflow(newer)).toEqual(parsePausedWorkflow(valid));
  });

  it('refuses a workflowId that disagrees with workflowType, and a pause with neither', () => {
    expect(() => parsePausedWorkflow({ ...valid, workflowId: 'order-7' })).toThrow(
      /workflowId must equal workflowType/,
    );
    const { workflowType: _type, workflowId: _id, ...neither } = valid;
    expect(() => parsePausedWorkflow(neither)).toThrow(/workflowType must be a non-empty string/);
  });

  it('defaults missing variables to {} and a missing timeout to null', () => {
    const { variables: _v, timeoutAt: _t, ...rest } = valid;
    expect(parsePausedWorkflow(rest)).toMatchObject({ variables: {}, timeoutAt: null });
  });

  it('names the bad field in the error', () => {
    expect(() => parsePausedWorkflow({ ...valid, pausedAt: 3 })).toThrow(/pausedAt must be a non-empty string/);
    expect(() => parsePausedWorkflow({ ...valid, correlation: '' })).toThrow(/correlation/);
    expect(() => parsePausedWorkflow('x')).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
  });
});

describe('samePause', () => {
  it('compares every field, variables deeply', () => {
    const a = parsePausedWorkflow(valid);
    expect(samePause(a, parsePausedWorkflow(structuredClone(valid)))).toBe(true);
    expect(samePause(a, { ...a, variables: { ...a.variables, lines: [{ sku: 'a', qty: 3 }] } })).toBe(false);
    expect(samePause(a, { ...a, correlation: 'o8' })).toBe(false);
    expect(samePause(a, { ...a, workflowType: 'refund' })).toBe(false);
    expect(samePause(a, { ...a, waitingFor: ['payment.failed'] })).toBe(false);
  });
});
