import { describe, expect, it } from 'vitest';
import { ResumableError } from '@resumable/protocol';
import type { EventRoute } from './paused-registry';
import type { Recoverable, RecoveryContext } from './recoverable';
import { RecoveryManager } from './recovery-manager';
import { formatRecoveryReport, reportToJSON } from './report';
import type { ScheduledTimer, TimerScheduler } from './timer-scheduler';

/** An in-memory TimerScheduler (our interface) that records what was armed. */
function recordingTimers(): TimerScheduler & { armed: Map<string, ScheduledTimer> } {
  const armed = new Map<string, ScheduledTimer>();
  return {
    armed,
    schedule: (timer) => void armed.set(timer.key, timer),
    cancel: (key) => armed.delete(key),
  };
}

function component(
  name: string,
  recover: (ctx: RecoveryContext) => void | Promise<void>,
  extra: Partial<Recoverable> = {},
): Recoverable {
  return { name, recover, ...extra };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RecoveryManager', () => {
  it('runs every component and reports counts, issues and durations', async () => {
    const timers = recordingTimers();
    const routes: EventRoute[] = [];
    const manager = new RecoveryManager({ timers, handlers: { register: (route) => void routes.push(route) } });
    manager.register(
      component('timers', (ctx) => {
        ctx.timers.schedule({ key: 't1', at: ctx.now() + 1000, run: () => undefined });
        ctx.count('armed');
        ctx.count('armed');
        ctx.issue({ code: 'INVALID_PARAMETER', message: 'bad deadline', subject: 't2' });
      }),
      component('routes', async (ctx) => {
        await sleep(20);
        await ctx.handlers.register({ event: 'payment.completed', targets: [{ executionId: 'a' }] });
        ctx.count('events', 1);
      }),
    );

    const report = await manager.recoverAll();
    expect(report.ok).toBe(true);
    expect(report.components.map((c) => [c.name, c.status])).toEqual([
      ['timers', 'ok'],
      ['routes', 'ok'],
    ]);
    expect(report.components[0]).toMatchObject({
      counts: { armed: 2 },
      issues: [{ code: 'INVALID_PARAMETER', message: 'bad deadline', subject: 't2' }],
      issuesDropped: 0,
    });
    expect(report.components[1]?.durationMs).toBeGreaterThanOrEqual(15);
    expect(timers.armed.has('t1')).toBe(true);
    expect(routes).toEqual([{ event: 'payment.completed', targets: [{ executionId: 'a' }] }]);
    expect(manager.lastReport).toBe(report);
  });

  it('isolates failures: a throwing component fails alone, with a typed error code', async () => {
    const ran: string[] = [];
    const manager = new RecoveryManager().register(
      component('plain-throw', (ctx) => {
        ctx.count('before', 3);
        throw new Error('database gone');
      }),
      component('typed-throw', () => {
        throw new ResumableError('TEMPORAL_UNAVAILABLE', 'no Temporal');
      }),
      component('rejects-string', () => Promise.reject('just a string')),
      component('healthy', () => void ran.push('healthy')),
    );
    const report = await manager.recoverAll();
    expect(report.ok).toBe(false);
    const byName = Object.fromEntries(report.components.map((c) => [c.name, c]));
    expect(byName['plain-throw']).toMatchObject({ status: 'failed', counts: { before: 3 } });
    expect(byName['plain-throw']?.error?.code).toBe('INTERNAL');
    expect(byName['plain-throw']?.error?.message).toBe('database gone');
    expect(byName['typed-throw']?.error?.code).toBe('TEMPORAL_UNAVAILABLE');
    expect(byName['rejects-string']?.error?.code).toBe('INTERNAL');
    expect(byName.healthy?.status).toBe('ok');
    expect(ran).toEqual(['healthy']);
  });

  it('times a hanging component out with TIMEOUT, aborts its signal, and finishes the rest', async () => {
    let abortedWith: unknown;
    const manager = new RecoveryManager({ timeoutMs: 5_000 }).register(
      component(
        'hangs',
        (ctx) =>
          new Promise<void>(() => {
            ctx.signal.addEventListener('abort', () => (abortedWith = ctx.signal.reason));
          }),
        { timeoutMs: 50 },
      ),
      component('late-counter', async (ctx) => {
        await sleep(10);
        ctx.count('done');
      }),
    );
    const started = performance.now();
    const report = await manager.recoverAll();
    expect(performance.now() - started).toBeLessThan(2_000);
    const [hangs, late] = report.components;
    expect(hangs?.status).toBe('failed');
    expect(hangs?.error?.code).toBe('TIMEOUT');
    expect(hangs?.error?.message).toMatch(/within 50 ms/);
    expect(ResumableError.is(abortedWith) && abortedWith.code).toBe('TIMEOUT');
    expect(late).toMatchObject({ status: 'ok', counts: { done: 1 } });
  });

  it('ignores what a timed-out component counts after its deadline', async () => {
    const manager = new RecoveryManager().register(
      component(
        'slow',
        async (ctx) => {
          ctx.count('early');
          await sleep(80);
          ctx.count('late');
        },
        { timeoutMs: 20 },
      ),
    );
    const report = await manager.recoverAll();
    await sleep(100);
    expect(report.components[0]?.counts).toEqual({ early: 1 });
  });

  it('runs a component after the ones it names, and skips it with DEPENDENCY_FAILED when one failed', async () => {
    const order: string[] = [];
    const manager = new RecoveryManager().register(
      component('routes', () => void order.push('routes'), { after: ['registry'] }),
      component('registry', async () => {
        await sleep(20);
        order.push('registry');
      }),
      component('broken', () => {
        throw new Error('nope');
      }),
      component('needs-broken', () => void order.push('needs-broken'), { after: ['broken', 'registry'] }),
      component('independent', () => void order.push('independent')),
    );
    const report = await manager.recoverAll();
    expect(order.indexOf('registry')).toBeLessThan(order.indexOf('routes'));
    expect(order).not.toContain('needs-broken');
    const needsBroken = report.components.find((c) => c.name === 'needs-broken');
    expect(needsBroken?.status).toBe('skipped');
    expect(needsBroken?.error?.code).toBe('DEPENDENCY_FAILED');
    expect(report.components.map((c) => c.name)).toEqual([
      'routes',
      'registry',
      'broken',
      'needs-broken',
      'independent',
    ]);
  });

  it('fails components with unknown dependencies or in a cycle, and still runs the others', async () => {
    const manager = new RecoveryManager().register(
      component('a', () => undefined, { after: ['b'] }),
      component('b', () => undefined, { after: ['a'] }),
      component('c', () => undefined, { after: ['missing'] }),
      component('d', (ctx) => ctx.count('ran')),
    );
    const report = await manager.recoverAll();
    const status = Object.fromEntries(report.components.map((c) => [c.name, [c.status, c.error?.code]]));
    expect(status).toEqual({
      a: ['failed', 'INVALID_PARAMETER'],
      b: ['failed', 'INVALID_PARAMETER'],
      c: ['failed', 'INVALID_PARAMETER'],
      d: ['ok', undefined],
    });
  });

  it('fails a component that needs response handlers when none were given, with a clear message', async () => {
    const manager = new RecoveryManager().register(
      component('routes', (ctx) => ctx.handlers.register({ event: 'x', targets: [] })),
    );
    const [routes] = (await manager.recoverAll()).components;
    expect(routes?.error?.code).toBe('INTERNAL');
    expect(routes?.error?.message).toMatch(/without a `handlers` option/);
  });

  it('refuses duplicate names and malformed components at registration', () => {
    const manager = new RecoveryManager().register(component('a', () => undefined));
    expect(() => manager.register(component('a', () => undefined))).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
    expect(() => manager.register({ name: '', recover: () => undefined })).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER' }),
    );
    expect(() => manager.register({ name: 'x' } as unknown as Recoverable)).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER' }),
    );
    expect(() => manager.register(component('y', () => undefined, { timeoutMs: -1 }))).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER' }),
    );
    expect(() => new RecoveryManager({ timeoutMs: 2 ** 40 })).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER' }),
    );
    expect(manager.names).toEqual(['a']);
  });

  it('caps issues per component and counts the rest', async () => {
    const manager = new RecoveryManager({ maxIssues: 2 }).register(
      component('noisy', (ctx) => {
        for (let i = 0; i < 5; i += 1) ctx.issue({ code: 'INVALID_PARAMETER', message: `bad ${i}` });
      }),
    );
    const [noisy] = (await manager.recoverAll()).components;
    expect(noisy?.issues.map((issue) => issue.message)).toEqual(['bad 0', 'bad 1']);
    expect(noisy?.issuesDropped).toBe(3);
  });

  it('joins a run in progress instead of starting a second one', async () => {
    let runs = 0;
    const manager = new RecoveryManager().register(
      component('once', async () => {
        runs += 1;
        await sleep(20);
      }),
    );
    const [first, second] = await Promise.all([manager.recoverAll(), manager.recoverAll()]);
    expect(first).toBe(second);
    expect(runs).toBe(1);
    await manager.recoverAll();
    expect(runs).toBe(2);
  });

  it('an aborted run fails what runs with SHUTTING_DOWN and skips what has not started', async () => {
    const controller = new AbortController();
    const manager = new RecoveryManager().register(
      component(
        'first',
        (ctx) => new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve())),
      ),
      component('second', () => undefined, { after: ['first'] }),
    );
    const running = manager.recoverAll({ signal: controller.signal });
    await sleep(10);
    controller.abort();
    const report = await running;
    expect(report.components.map((c) => [c.name, c.status, c.error?.code])).toEqual([
      ['first', 'failed', 'SHUTTING_DOWN'],
      ['second', 'skipped', 'SHUTTING_DOWN'],
    ]);
  });

  it('a throwing onComponentSettled hook changes nothing', async () => {
    const manager = new RecoveryManager({
      onComponentSettled: () => {
        throw new Error('logger down');
      },
    }).register(component('a', () => undefined));
    expect((await manager.recoverAll()).ok).toBe(true);
  });

  it('renders the report as JSON and as text', async () => {
    const manager = new RecoveryManager().register(
      component('good', (ctx) => ctx.count('paused', 3)),
      component('bad', () => {
        throw new ResumableError('TEMPORAL_UNAVAILABLE', 'connection refused');
      }),
    );
    const report = await manager.recoverAll();
    const json = JSON.parse(JSON.stringify(reportToJSON(report)));
    expect(json.components[1].error).toEqual({ code: 'TEMPORAL_UNAVAILABLE', message: 'connection refused' });
    expect(json.components[0].counts).toEqual({ paused: 3 });
    const text = formatRecoveryReport(report);
    expect(text).toMatch(/1 of 2 component\(s\) not ok/);
    expect(text).toMatch(/ok\s+good .* paused=3/);
    expect(text).toMatch(/failed\s+bad .* TEMPORAL_UNAVAILABLE: connection refused/);
  });
});
