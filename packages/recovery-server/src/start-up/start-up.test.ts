import type { ErrorContext, ResumableError, UpdateBus } from '@resumable/protocol';
import { createInMemoryBus } from '@resumable/sse-publisher';
import { describe, expect, it } from 'vitest';
import type { Recoverable } from '@resumable/recovery-manager';
import { createRecoveryServer } from '../server';
import type { RecoveryServerOptions } from '../options';

const BUS_SECRET = 'start-up-test-bus-secret-0123456789abc';

/** A component that finishes when the test says so. */
function held(name = 'held'): Recoverable & { release(): void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  return { name, recover: () => released, release: () => release() };
}

/** A server that needs no Temporal: no paused-list rebuild, auth off. */
function server(options: Partial<RecoveryServerOptions> = {}) {
  const errors: [ResumableError, ErrorContext][] = [];
  const instance = createRecoveryServer({
    auth: { disabled: true },
    recoverPausedOnStart: false,
    busSecret: BUS_SECRET,
    onError: (error, context) => void errors.push([error, context]),
    ...options,
  });
  return { server: instance, errors };
}

const get = (path: string) => new Request(`http://localhost/api/${path}`);

describe('start-up with app recoverables', () => {
  it("runs the app's components, each failing alone, and resolves with the report of all of them", async () => {
    const order: string[] = [];
    const { server: instance, errors } = server({
      recoverables: [
        { name: 'first', recover: (ctx) => void (order.push('first'), ctx.count('done')) },
        {
          name: 'broken',
          recover: () => {
            throw new Error('no database');
          },
        },
        { name: 'after-broken', after: ['broken'], recover: () => void order.push('after-broken') },
        { name: 'last', after: ['first'], recover: () => void order.push('last') },
      ],
    });
    const report = await instance.start();
    expect(order).toEqual(['first', 'last']);
    expect(report?.components.map((c) => [c.name, c.status, c.error?.code])).toEqual([
      ['first', 'ok', undefined],
      ['broken', 'failed', 'INTERNAL'],
      ['after-broken', 'skipped', 'DEPENDENCY_FAILED'],
      ['last', 'ok', undefined],
    ]);
    expect(report?.components[0]?.counts).toEqual({ done: 1 });
    expect(instance.startReport).toBe(report);
    expect(instance.readiness).toBe('ready');
    // The failure is reported once, where it happened; the skip is its consequence.
    expect(errors.map(([error, context]) => [error.message, context])).toEqual([
      ['no database', { source: 'start-up', operation: 'start-up recovery of broken' }],
    ]);
    await instance.close();
  });

  it('refuses a component named like the paused list, or twice the same name, when the server is made', () => {
    expect(() =>
      server({ recoverPausedOnStart: true, recoverables: [{ name: 'paused-workflows', recover: () => undefined }] }),
    ).toThrowError(expect.objectContaining({ code: 'CONFLICT' }));
    expect(() => server({ recoverables: [{ name: '', recover: () => undefined }] })).toThrowError(
      expect.objectContaining({ code: 'INVALID_PARAMETER' }),
    );
  });

  it('later calls share the one run; with no components at all start() resolves undefined', async () => {
    const component = held();
    const { server: instance } = server({ recoverables: [component] });
    expect(instance.readiness).toBe('idle');
    const one = instance.start();
    expect(instance.start()).toBe(one);
    expect(instance.readiness).toBe('recovering');
    component.release();
    await one;
    expect(instance.start()).toBe(one);
    await instance.close();

    const { server: bare } = server();
    await expect(bare.start()).resolves.toBeUndefined();
    expect(bare.readiness).toBe('ready');
    await bare.close();
  });

  it('refuseUntilStarted answers 503 STARTING_UP with Retry-After until recovery finished; the bus route stays open', async () => {
    const component = held();
    const { server: instance } = server({ recoverables: [component], refuseUntilStarted: true });
    const before = await instance.fetch(get('workflow/paused'));
    expect(before.status).toBe(503);
    expect(before.headers.get('retry-after')).toBe('2');
    expect(await before.json()).toEqual({
      error: { code: 'STARTING_UP', message: expect.stringContaining('start-up recovery') },
    });

    const started = instance.start();
    expect((await instance.fetch(get('workflow/paused'))).status).toBe(503);
    // A worker's bus POST is not refused: a wrong secret is told so, not "starting".
    const bus = await instance.fetch(
      new Request('http://localhost/api/resumable/bus', {
        method: 'POST',
        headers: { Authorization: 'Bearer wrong', 'Content-Type': 'application/json' },
        body: '[]',
      }),
    );
    expect(bus.status).toBe(401);
    // A path that is not the server's stays not found.
    expect((await instance.fetch(get('not-ours'))).status).toBe(404);

    component.release();
    await started;
    const after = await instance.fetch(get('workflow/paused'));
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({ cursor: 0, pausedWorkflows: [] });
    await instance.close();
  });

  it('a start whose bus refused the subscription stays idle and is tried again by the next call', async () => {
    const inner = createInMemoryBus();
    let refusals = 1;
    const bus: UpdateBus = {
      publish: (message) => inner.publish(message),
      subscribe: (topic, listener) =>
        refusals-- > 0 ? Promise.reject(new Error('bus unreachable')) : inner.subscribe(topic, listener),
      close: () => inner.close(),
    };
    const runs: number[] = [];
    const { server: instance } = server({
      bus,
      refuseUntilStarted: true,
      recoverables: [{ name: 'count', recover: () => void runs.push(1) }],
    });
    await expect(instance.start()).rejects.toThrow('bus unreachable');
    expect(instance.readiness).toBe('idle');
    expect((await instance.fetch(get('workflow/paused'))).status).toBe(503);
    expect((await instance.start())?.ok).toBe(true);
    expect(runs).toEqual([1]);
    expect((await instance.fetch(get('workflow/paused'))).status).toBe(200);
    await instance.close();
  });

  it("components arm the server's timers; the default scheduler reports a failing timer and close() disarms the rest", async () => {
    let fired!: () => void;
    const firedOnce = new Promise<void>((resolve) => (fired = resolve));
    const { server: instance, errors } = server({
      recoverables: [
        {
          name: 'timers',
          recover(ctx) {
            ctx.timers.schedule({ key: 'now', at: ctx.now(), run: () => fired() });
            ctx.timers.schedule({
              key: 'failing',
              at: ctx.now(),
              run: () => {
                throw new Error('reminder mail bounced');
              },
            });
            ctx.timers.schedule({ key: 'later', at: ctx.now() + 60_000, run: () => undefined });
          },
        },
      ],
    });
    await instance.start();
    await firedOnce;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(errors.map(([error, context]) => [error.message, context.source, context.operation])).toEqual([
      ['reminder mail bounced', 'timers', 'timer failing'],
    ]);
    await instance.close();
    expect(instance.timers.cancel('later')).toBe(false);
  });

  it('passes the responseHandlers to components, and without them a component that needs them fails clearly', async () => {
    const registered: string[] = [];
    const component: Recoverable = {
      name: 'routes',
      recover: (ctx) => ctx.handlers.register({ event: 'order.approved', targets: [] }),
    };
    const { server: withHandlers } = server({
      recoverables: [component],
      responseHandlers: { register: (route) => void registered.push(route.event) },
    });
    expect((await withHandlers.start())?.ok).toBe(true);
    expect(registered).toEqual(['order.approved']);
    await withHandlers.close();

    const { server: without } = server({ recoverables: [component] });
    const report = await without.start();
    expect(report?.components[0]?.error?.message).toMatch(/given no `responseHandlers` option/);
    await without.close();
  });
});
