import { describe, expect, it } from 'vitest';
import { PausedRegistry } from '../paused-registry';
import { RecoveryManager } from '../recovery-manager';
import { pausedWorkflowsRecoverable, type ListedPause, type PauseLookup, type PauseSource } from './paused-workflows';
import { pause } from '../../test/pauses';

type Answer = PauseLookup | Error | 'hang';

/** An in-memory PauseSource (our interface): a listed set and a scripted answer per execution. */
function fakeSource(
  listed: ListedPause[],
  answers: Record<string, Answer>,
  observe?: { inFlight: number; max: number },
): PauseSource {
  return {
    async *list() {
      for (const entry of listed) yield entry;
    },
    async lookup(executionId, signal) {
      if (observe) observe.max = Math.max(observe.max, ++observe.inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, 5));
        const answer = answers[executionId];
        if (answer === 'hang') {
          signal.throwIfAborted();
          return await new Promise<never>((_, reject) =>
            signal.addEventListener('abort', () => reject(new Error('cancelled'))),
          );
        }
        if (answer instanceof Error) throw answer;
        return answer ?? { status: 'closed' };
      } finally {
        if (observe) observe.inFlight -= 1;
      }
    },
  };
}

async function recover(source: PauseSource, registry = new PausedRegistry(), extra = {}) {
  const manager = new RecoveryManager().register(pausedWorkflowsRecoverable({ source, registry, ...extra }));
  const report = await manager.recoverAll();
  return { registry, component: report.components[0]! };
}

describe('pausedWorkflowsRecoverable', () => {
  it('fills the registry with the exact pause of each listed execution', async () => {
    const source = fakeSource([{ executionId: 'a' }, { executionId: 'b' }], {
      a: { status: 'paused', pause: pause('a', { variables: { amount: 12 } }) },
      b: { status: 'paused', pause: pause('b', { correlation: 'order-b' }) },
    });
    const { registry, component } = await recover(source);
    expect(component.status).toBe('ok');
    expect(component.counts).toMatchObject({ listed: 2, paused: 2, added: 2 });
    expect(registry.get('a')?.variables).toEqual({ amount: 12 });
    expect(registry.routesFor('payment.completed', 'order-b')).toEqual(['b']);
  });

  it('skips executions that closed or stopped pausing after they were listed, without an issue', async () => {
    const source = fakeSource([{ executionId: 'paused' }, { executionId: 'closed' }, { executionId: 'resumed' }], {
      paused: { status: 'paused', pause: pause('paused') },
      closed: { status: 'closed' },
      resumed: { status: 'not-paused' },
    });
    const { registry, component } = await recover(source);
    expect(component).toMatchObject({
      status: 'ok',
      counts: { listed: 3, paused: 1, closed: 1, notPaused: 1 },
      issues: [],
    });
    expect(registry.list().map((p) => p.executionId)).toEqual(['paused']);
  });

  it('falls back to the pause visibility describes when a lookup fails or times out, with an issue', async () => {
    const visibility = (id: string) => pause(id, { variables: {} });
    const source = fakeSource(
      [
        { executionId: 'no-worker', visibility: visibility('no-worker') },
        { executionId: 'broken', visibility: visibility('broken') },
        { executionId: 'liar', visibility: visibility('liar') },
        { executionId: 'no-attributes' },
      ],
      {
        'no-worker': 'hang',
        broken: new Error('query handler threw'),
        liar: { status: 'paused', pause: { ...pause('liar'), waitingFor: 'nope' } },
        'no-attributes': new Error('query handler threw'),
      },
    );
    const { registry, component } = await recover(source, new PausedRegistry(), { lookupTimeoutMs: 50 });
    expect(component.status).toBe('ok');
    expect(component.counts).toMatchObject({ listed: 4, fromVisibility: 3, failed: 1, paused: 3 });
    expect(
      registry
        .list()
        .map((p) => p.executionId)
        .sort(),
    ).toEqual(['broken', 'liar', 'no-worker']);
    const codes = Object.fromEntries(component.issues.map((issue) => [issue.subject, issue.code]));
    expect(codes).toEqual({
      'no-worker': 'TIMEOUT',
      broken: 'INTERNAL',
      liar: 'INVALID_PARAMETER',
      'no-attributes': 'INTERNAL',
    });
  });

  it('leaves failed lookups out when asked to skip', async () => {
    const source = fakeSource([{ executionId: 'x', visibility: pause('x') }], { x: new Error('boom') });
    const { registry, component } = await recover(source, new PausedRegistry(), { whenLookupFails: 'skip' });
    expect(component.counts).toMatchObject({ failed: 1, paused: 0 });
    expect(registry.size).toBe(0);
  });

  it('removes pauses that are no longer listed and keeps lookups within the concurrency limit', async () => {
    const registry = new PausedRegistry();
    registry.add(pause('stale'));
    const ids = Array.from({ length: 20 }, (_, i) => `e${i}`);
    const observe = { inFlight: 0, max: 0 };
    const source = fakeSource(
      ids.map((executionId) => ({ executionId })),
      Object.fromEntries(ids.map((id) => [id, { status: 'paused', pause: pause(id) }])),
      observe,
    );
    const { component } = await recover(source, registry, { concurrency: 3 });
    expect(observe.max).toBe(3);
    expect(component.counts).toMatchObject({ listed: 20, paused: 20, added: 20, removed: 1 });
    expect(registry.has('stale')).toBe(false);
  });

  it('fails the component (and leaves the registry alone) when listing fails', async () => {
    const registry = new PausedRegistry();
    registry.add(pause('kept'));
    const source: PauseSource = {
      // eslint-disable-next-line require-yield
      async *list() {
        throw Object.assign(new Error('connect ECONNREFUSED'), { code: 14 });
      },
      lookup: async () => ({ status: 'closed' }),
    };
    const { component } = await recover(source, registry);
    expect(component.status).toBe('failed');
    expect(component.error?.message).toMatch(/ECONNREFUSED/);
    expect(registry.list().map((p) => p.executionId)).toEqual(['kept']);
  });

  it('needs a client or a source, not both', () => {
    const registry = new PausedRegistry();
    const source = fakeSource([], {});
    expect(() => pausedWorkflowsRecoverable({ registry })).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER' }),
    );
    expect(() => pausedWorkflowsRecoverable({ registry, source, client: {} as never })).toThrow(/either/);
    expect(() => pausedWorkflowsRecoverable({ registry, source, concurrency: 0 })).toThrow(/concurrency/);
  });
});
