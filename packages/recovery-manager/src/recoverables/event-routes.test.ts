import { describe, expect, it } from 'vitest';
import { PausedRegistry, type EventRoute } from '../paused-registry';
import { RecoveryManager } from '../recovery-manager';
import { eventRoutesRecoverable } from './event-routes';

const base = {
  workflowType: 'checkout',
  workflowId: 'checkout',
  pausedAt: 'wait',
  pausedTime: '2026-01-15T10:30:00.000Z',
  timeoutAt: null,
  variables: {},
};

describe('eventRoutesRecoverable', () => {
  it('re-registers one response handler per event, with its executions and correlation keys', async () => {
    const registry = new PausedRegistry();
    registry.add({ ...base, executionId: 'o1', waitingFor: ['payment.completed'], correlation: 'order-1' });
    registry.add({ ...base, executionId: 'o2', waitingFor: ['payment.completed', 'order.cancelled'] });
    const registered: EventRoute[] = [];
    const manager = new RecoveryManager({ handlers: { register: (route) => void registered.push(route) } }).register(
      eventRoutesRecoverable({ registry, after: [] }),
    );
    const [component] = (await manager.recoverAll()).components;
    expect(component).toMatchObject({ status: 'ok', counts: { events: 2, targets: 3, correlated: 1 } });
    expect(registered).toEqual([
      { event: 'payment.completed', targets: [{ executionId: 'o1', correlation: 'order-1' }, { executionId: 'o2' }] },
      { event: 'order.cancelled', targets: [{ executionId: 'o2' }] },
    ]);
  });

  it('fails when the handler infrastructure fails, reporting how far it got', async () => {
    const registry = new PausedRegistry();
    registry.add({ ...base, executionId: 'a', waitingFor: ['one'] });
    registry.add({ ...base, executionId: 'b', waitingFor: ['two'] });
    const manager = new RecoveryManager({
      handlers: {
        register: async (route) => {
          if (route.event === 'two') throw new Error('webhook provider down');
        },
      },
    }).register(eventRoutesRecoverable({ registry, after: [] }));
    const [component] = (await manager.recoverAll()).components;
    expect(component).toMatchObject({ status: 'failed', counts: { events: 1 } });
    expect(component?.error?.message).toBe('webhook provider down');
  });
});
