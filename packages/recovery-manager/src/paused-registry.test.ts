import { describe, expect, it, vi } from 'vitest';
import { ResumableError, type PausedWorkflow } from '@resumable/protocol';
import { PausedRegistry, type PausedChange } from './paused-registry';
import { pause } from '../test/pauses';

describe('PausedRegistry', () => {
  it('adds, gets, lists and removes pauses, numbering every change', () => {
    const registry = new PausedRegistry();
    expect(registry.cursor).toBe(0);
    expect(registry.add(pause('a'))).toMatchObject({ cursor: 1, kind: 'added', pause: { executionId: 'a' } });
    expect(registry.add(pause('b'))).toMatchObject({ cursor: 2, kind: 'added' });
    expect(registry.get('a')?.variables).toEqual({ orderId: 'a' });
    expect(registry.list().map((p) => p.executionId)).toEqual(['a', 'b']);
    expect(registry.remove('a', 'resumed')).toMatchObject({ cursor: 3, kind: 'removed', cause: 'resumed' });
    expect(registry.has('a')).toBe(false);
    expect(registry.size).toBe(1);
    expect(registry.cursor).toBe(3);
  });

  it('makes no change for an identical pause or an unknown removal, and an update for a moved pause', () => {
    const registry = new PausedRegistry();
    registry.add(pause('a'));
    expect(registry.add(pause('a'))).toBeNull();
    expect(registry.remove('nobody')).toBeNull();
    expect(registry.cursor).toBe(1);

    const change = registry.add(pause('a', { pausedAt: 'wait-shipping', waitingFor: ['shipment.sent'] }));
    expect(change).toMatchObject({ cursor: 2, kind: 'updated', previous: { pausedAt: 'wait-payment' } });
    expect(registry.routesFor('payment.completed')).toEqual([]);
    expect(registry.routesFor('shipment.sent')).toEqual(['a']);
  });

  it('refuses a malformed pause with INVALID_PARAMETER and changes nothing', () => {
    const registry = new PausedRegistry();
    registry.add(pause('a'));
    const bad = [
      { ...pause('x'), executionId: '' },
      { ...pause('x'), waitingFor: 'payment.completed' },
      { ...pause('x'), waitingFor: [''] },
      { ...pause('x'), pausedTime: 'yesterday' },
      { ...pause('x'), timeoutAt: 'soon' },
      { ...pause('x'), variables: [1, 2] },
      null,
    ];
    for (const value of bad) {
      let thrown: unknown;
      try {
        registry.add(value as PausedWorkflow);
      } catch (error) {
        thrown = error;
      }
      expect(ResumableError.is(thrown) && thrown.code).toBe('INVALID_PARAMETER');
    }
    expect(registry.cursor).toBe(1);
    expect(registry.list().map((p) => p.executionId)).toEqual(['a']);
  });

  it('routes an event to every waiting execution, or only to those with the given correlation key', () => {
    const registry = new PausedRegistry();
    registry.add(pause('order-1', { correlation: 'o1' }));
    registry.add(pause('order-2', { correlation: 'o2' }));
    registry.add(pause('batch', { waitingFor: ['payment.completed', 'batch.closed'] }));
    registry.add(pause('other', { waitingFor: ['approval.granted'] }));

    expect(registry.routesFor('payment.completed').sort()).toEqual(['batch', 'order-1', 'order-2']);
    expect(registry.routesFor('payment.completed', 'o2')).toEqual(['order-2']);
    expect(registry.routesFor('payment.completed', 'nope')).toEqual([]);
    expect(registry.routesFor('batch.closed')).toEqual(['batch']);
    expect(registry.routesFor('unknown.event')).toEqual([]);

    registry.remove('order-2', 'resumed');
    expect(registry.routesFor('payment.completed', 'o2')).toEqual([]);
    expect(registry.routes()).toEqual(
      expect.arrayContaining([
        {
          event: 'payment.completed',
          targets: expect.arrayContaining([{ executionId: 'order-1', correlation: 'o1' }, { executionId: 'batch' }]),
        },
        { event: 'batch.closed', targets: [{ executionId: 'batch' }] },
        { event: 'approval.granted', targets: [{ executionId: 'other' }] },
      ]),
    );
    expect(registry.routes()).toHaveLength(3);
  });

  it('gives a subscriber exactly the changes after its snapshot, in cursor order', () => {
    const registry = new PausedRegistry();
    registry.add(pause('a'));
    registry.add(pause('b'));
    const seen: PausedChange[] = [];
    const { snapshot, unsubscribe } = registry.subscribeWithSnapshot((change) => seen.push(change));
    expect(snapshot.cursor).toBe(2);
    expect(snapshot.pausedWorkflows.map((p) => p.executionId)).toEqual(['a', 'b']);

    registry.remove('a', 'cancelled', { reason: 'user' });
    registry.add(pause('c'));
    unsubscribe();
    registry.add(pause('d'));

    expect(seen.map((change) => [change.cursor, change.kind, change.pause.executionId])).toEqual([
      [3, 'removed', 'a'],
      [4, 'added', 'c'],
    ]);
    expect(seen[0]).toMatchObject({ cause: 'cancelled', detail: { reason: 'user' } });

    // Replaying snapshot + deltas reproduces the registry as of the last delta.
    const replayed = new Map(snapshot.pausedWorkflows.map((p) => [p.executionId, p]));
    for (const change of seen) {
      if (change.kind === 'removed') replayed.delete(change.pause.executionId);
      else replayed.set(change.pause.executionId, change.pause);
    }
    expect([...replayed.keys()].sort()).toEqual(['b', 'c']);
  });

  it('delivers in cursor order when a listener changes the registry, and survives a throwing listener', () => {
    const onListenerError = vi.fn();
    const registry = new PausedRegistry({ onListenerError });
    const order: string[] = [];
    registry.subscribe(() => {
      throw new Error('listener bug');
    });
    registry.subscribe((change) => {
      order.push(`first:${change.cursor}`);
      if (change.pause.executionId === 'a' && change.kind === 'added') registry.remove('a', 'resumed');
    });
    registry.subscribe((change) => order.push(`second:${change.cursor}`));

    registry.add(pause('a'));
    expect(order).toEqual(['first:1', 'second:1', 'first:2', 'second:2']);
    expect(onListenerError).toHaveBeenCalledTimes(2);
    expect(registry.size).toBe(0);
  });

  it('a rebuild adds, updates and removes, but keeps what changed live while it ran', () => {
    const registry = new PausedRegistry();
    registry.add(pause('stale')); // paused before the restart, resumed while we were down
    registry.add(pause('moved'));
    registry.add(pause('same'));

    const rebuild = registry.beginRebuild();
    // Live traffic while recovery reads Temporal:
    registry.add(pause('live-new', { pausedAt: 'live' })); // paused after recovery listed
    registry.remove('same', 'resumed'); // resumed after recovery read it as paused

    const result = rebuild.commit([pause('moved', { pausedAt: 'wait-shipping' }), pause('same'), pause('fresh')]);
    expect(result).toEqual({ added: 1, updated: 1, removed: 1, unchanged: 0, kept: 2 });
    expect(
      registry
        .list()
        .map((p) => p.executionId)
        .sort(),
    ).toEqual(['fresh', 'live-new', 'moved']);
    expect(registry.get('moved')?.pausedAt).toBe('wait-shipping');
    expect(() => rebuild.commit([])).toThrow(/already committed/);
  });

  it('a rebuild with one malformed entry leaves the registry as it was', () => {
    const registry = new PausedRegistry();
    registry.add(pause('a'));
    const rebuild = registry.beginRebuild();
    expect(() => rebuild.commit([pause('b'), { ...pause('c'), pausedAt: '' }])).toThrow(ResumableError);
    expect(registry.list().map((p) => p.executionId)).toEqual(['a']);
    expect(registry.cursor).toBe(1);
  });
});
