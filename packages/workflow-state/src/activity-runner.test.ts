import { describe, expect, it } from 'vitest';
import { loggedActivities, policyOf, retryDelayMs, type ActivityRetry } from './activity-runner';

/** The delays after attempts 1…n-1 of a policy of n attempts. */
const delays = (retry: ActivityRetry) => {
  const policy = policyOf(retry);
  return Array.from({ length: policy.maximumAttempts - 1 }, (_, i) => retryDelayMs(policy, i + 1));
};

describe('retry delays', () => {
  it('back off exponentially by default (coefficient 2), capped at maximumInterval', () => {
    expect(delays({ maximumAttempts: 5, initialInterval: '300ms' })).toEqual([300, 600, 1200, 2400]);
    expect(delays({ maximumAttempts: 5, initialInterval: '300ms', maximumInterval: '1s' })).toEqual([
      300, 600, 1000, 1000,
    ]);
    expect(delays({ maximumAttempts: 4, initialInterval: '100ms', backoffCoefficient: 3 })).toEqual([100, 300, 900]);
  });

  it('grow by initialInterval each attempt when linear, capped at maximumInterval', () => {
    expect(delays({ maximumAttempts: 5, initialInterval: '200ms', backoff: 'linear' })).toEqual([200, 400, 600, 800]);
    expect(delays({ maximumAttempts: 5, initialInterval: '200ms', backoff: 'linear', maximumInterval: 500 })).toEqual([
      200, 400, 500, 500,
    ]);
  });

  it('stay at initialInterval when fixed (a coefficient of 1 agrees)', () => {
    expect(delays({ maximumAttempts: 5, initialInterval: '250ms', backoff: 'fixed' })).toEqual([250, 250, 250, 250]);
    expect(delays({ maximumAttempts: 3, initialInterval: 250, backoff: 'fixed', backoffCoefficient: 1 })).toEqual([
      250, 250,
    ]);
  });

  it('keep the 1 s / 3 attempts defaults', () => {
    expect(delays({})).toEqual([1000, 2000]);
  });
});

describe('retry policy checks', () => {
  const emit = () => ({ sequence: 1 });
  const next = () => 1;
  // The check runs when the proxy is made: a bad policy is a bug in the workflow code.
  const make = (retry: ActivityRetry) => () => loggedActivities(emit, next, { startToCloseTimeout: '1s', retry });

  it.each<[string, ActivityRetry]>([
    ['fixed with a growing coefficient', { backoff: 'fixed', backoffCoefficient: 2 }],
    ['linear with any coefficient', { backoff: 'linear', backoffCoefficient: 1 }],
    ['an unknown backoff', { backoff: 'random' as never }],
    ['a coefficient below 1', { backoffCoefficient: 0.5 }],
    ['zero attempts', { maximumAttempts: 0 }],
  ])('refuses %s with INVALID_PARAMETER', (_name, retry) => {
    expect(make(retry)).toThrowError(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
  });

  it('accepts each backoff on its own', () => {
    for (const backoff of ['exponential', 'linear', 'fixed'] as const) expect(make({ backoff })).not.toThrow();
  });
});
