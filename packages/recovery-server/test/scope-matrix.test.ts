/**
 * Every credential a browser could hold for task A, tried against every route of
 * the table for every other execution (and against the paused list, stream and
 * triggers where its action does not allow them), on a live server with real
 * Temporal: each cell must be refused with 401/403 and the documented error body.
 * ROUTES is walked, so a new route lands in the matrix the day it is added. A
 * positive control (A's own tokens on A's routes) keeps the matrix from passing
 * because nothing works at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { QUERY_NAMES, type PausedWorkflow } from '@resumable/protocol';
import { ALL_ACTIONS, mintToken, type TokenAction } from '../src/auth/tokens';
import type { RouteDefinition } from '../src/http/route';
import { ROUTES } from '../src/routes/index';
import { SECRET, useServerHarness, type Harness, type ServerInstance } from './harness';
import { orderTask } from './workflows';

const BUS_SECRET = 'scope-matrix-bus-secret-of-32-characters-at-least';
const OTHER_SECRET = 'another-secret-that-is-at-least-32-characters';
const APPROVED = 'order.approved';

/** How a row presents its credential. */
interface Credential {
  header?: string;
  query?: string;
}

interface Row {
  kind: string;
  credential: Credential;
  /** For a valid token of task A: its actions (its refusals are 403, the rest 401). */
  actions?: readonly TokenAction[];
  /** The code a token route answers with. */
  code: 'FORBIDDEN' | 'UNAUTHORIZED' | 'TOKEN_EXPIRED';
}

interface Column {
  route: RouteDefinition;
  /** The id put in the route's path parameter, when it has one. */
  id?: string;
  label: string;
}

type AnswerBody = {
  error?: { code?: string; message?: string };
  pausedWorkflows?: PausedWorkflow[];
  text?: string;
  [field: string]: unknown;
} | null;

interface Answer {
  status: number;
  /** The parsed JSON answer (an error body, a page, a list), or the text, or null for a stream. */
  body: AnswerBody;
  contentType: string;
}

const routeName = (route: RouteDefinition) => `${route.method} ${route.path}`;

/** base64url JSON claims swapped, signature kept. */
function tamper(token: string, change: (claims: Record<string, unknown>) => void): string {
  const [version, body, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(claims);
  return `${version}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

/** Reads an SSE response until `event` arrives; returns its data. */
async function readEvent<T>(response: Response, event: string): Promise<T> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`stream ended before "${event}"`);
    text += decoder.decode(value, { stream: true });
    for (const block of text.split('\n\n').slice(0, -1)) {
      const lines = block.split('\n');
      if (!lines.includes(`event: ${event}`)) continue;
      reader.releaseLock();
      return JSON.parse(
        lines
          .filter((line) => line.startsWith('data: '))
          .map((line) => line.slice(6))
          .join('\n'),
      );
    }
  }
}

describe('token scope matrix', () => {
  let harness: Harness;
  let instance: ServerInstance;
  const run = `${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;
  const A = `scope-a-${run}`;
  const B = `scope-b-${run}`;
  const C = `scope-c-${run}`;
  // Never started: a foreign id must be refused before anyone looks it up (no existence oracle).
  const GHOST = `scope-ghost-${run}`;
  const handles: Record<string, WorkflowHandle<typeof orderTask>> = {};

  useServerHarness(
    (h, i) => {
      harness = h;
      instance = i;
    },
    { server: { busSecret: BUS_SECRET } },
  );

  /** A plain wait: expect.poll is not allowed in hooks. */
  async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
    for (const deadline = Date.now() + 20_000; !(await check());) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const startOrder = async (workflowId: string) => {
    handles[workflowId] = await harness.client.workflow.start(orderTask, {
      taskQueue: harness.taskQueue,
      workflowId,
      args: [{ orderId: workflowId }],
    });
  };

  beforeAll(async () => {
    for (const id of [A, B, C]) {
      await startOrder(id);
      await until(
        `${id} in the paused list`,
        () => instance.server.pausedRegistry.get(id)?.pausedAt === 'wait-approval',
      );
    }
  });
  // Before the harness closes (after-hooks run in reverse).
  afterAll(async () => {
    await Promise.all(Object.values(handles).map((handle) => handle.terminate('test done').catch(() => undefined)));
  });

  const tokenFor = (actions: readonly TokenAction[], options: { secret?: string; now?: () => number } = {}) =>
    mintToken(options.secret ?? SECRET, {
      subject: 'matrix',
      tasks: [A],
      actions: [...actions],
      ttlSeconds: 600,
      ...(options.now ? { now: options.now } : {}),
    });

  function url(column: Column, credential: Credential): string {
    // The id goes in the first parameter; any other (a sequence) gets 0, valid on every log.
    const path = column.route.path.replace(/:\w+/, encodeURIComponent(column.id ?? '')).replace(/:\w+/g, '0');
    const query = credential.query === undefined ? '' : `?token=${encodeURIComponent(credential.query)}`;
    return `${instance.baseUrl}/${path}${query}`;
  }

  /** A body the route would accept, so a refusal is about the credential, not the input. */
  function bodyFor(route: RouteDefinition, connectionId: string): unknown {
    switch (route.path) {
      case 'temporal/recovery/:taskId':
        return { connectionId, lastSequence: 0 };
      case 'workflow/executions/:executionId/resume':
        return { payload: { by: 'matrix' } };
      case 'workflow/executions/:executionId/cancel':
        return { reason: 'matrix' };
      case 'workflow/triggers':
        return { event: APPROVED };
      case 'resumable/bus':
        return { messages: [] };
      default:
        return {};
    }
  }

  async function call(column: Column, credential: Credential, connectionId = 'none'): Promise<Answer> {
    const headers: Record<string, string> = credential.header === undefined ? {} : { Authorization: credential.header };
    const init: RequestInit = { method: column.route.method, headers };
    if (column.route.method === 'POST') {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(bodyFor(column.route, connectionId));
    }
    const response = await fetch(url(column, credential), init);
    const contentType = response.headers.get('content-type') ?? '';
    if (contentType.startsWith('text/event-stream')) {
      await response.body?.cancel();
      return { status: response.status, body: null, contentType };
    }
    const text = await response.text();
    let body: AnswerBody;
    try {
      body = text ? (JSON.parse(text) as AnswerBody) : null;
    } catch {
      body = { text };
    }
    return { status: response.status, body, contentType };
  }

  async function openStream(taskId: string, token: string) {
    const response = await fetch(`${instance.baseUrl}/temporal/stream/${taskId}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    const connected = await readEvent<{ connectionId: string }>(response, 'connected');
    return { connectionId: connected.connectionId, close: () => response.body?.cancel() };
  }

  async function signalsOf(id: string): Promise<number> {
    const history = await handles[id]!.fetchHistory();
    return history.events?.filter((event) => event.workflowExecutionSignaledEventAttributes).length ?? 0;
  }

  it('refuses every credential for A on every route of every other execution, with 401/403 and the error body', async () => {
    expect(ROUTES.some((route) => route.auth === 'server-secret')).toBe(true);
    const valid = new Map<string, string>();
    for (const action of ALL_ACTIONS) valid.set(action, await tokenFor([action]));
    const all = await tokenFor(ALL_ACTIONS);
    const readOnly = valid.get('read')!;
    const expired = await mintToken(SECRET, {
      subject: 'matrix',
      tasks: [A],
      actions: [...ALL_ACTIONS],
      ttlSeconds: 60,
      now: () => Date.now() - 10 * 60_000,
    });
    const forged = await mintToken(OTHER_SECRET, {
      subject: 'matrix',
      tasks: '*',
      actions: [...ALL_ACTIONS],
      ttlSeconds: 600,
    });
    const wildcard = tamper(all, (claims) => void (claims.tasks = '*'));
    const widened = tamper(readOnly, (claims) => {
      claims.tasks = [B, C, GHOST];
      claims.actions = [...ALL_ACTIONS];
    });

    const rows: Row[] = [
      ...ALL_ACTIONS.map((action): Row => ({
        kind: `A:${action}`,
        credential: { header: `Bearer ${valid.get(action)}` },
        actions: [action],
        code: 'FORBIDDEN',
      })),
      { kind: 'A:all', credential: { header: `Bearer ${all}` }, actions: ALL_ACTIONS, code: 'FORBIDDEN' },
      { kind: 'expired', credential: { header: `Bearer ${expired}` }, code: 'TOKEN_EXPIRED' },
      { kind: 'other-secret', credential: { header: `Bearer ${forged}` }, code: 'UNAUTHORIZED' },
      { kind: 'tampered:tasks=*', credential: { header: `Bearer ${wildcard}` }, code: 'UNAUTHORIZED' },
      { kind: 'tampered:widened', credential: { header: `Bearer ${widened}` }, code: 'UNAUTHORIZED' },
      { kind: 'garbage', credential: { header: 'Bearer not-a-token' }, code: 'UNAUTHORIZED' },
      { kind: 'no-token', credential: {}, code: 'UNAUTHORIZED' },
      { kind: 'basic-scheme', credential: { header: `Basic ${all}` }, code: 'UNAUTHORIZED' },
      { kind: '?token=A:all', credential: { query: all }, actions: ALL_ACTIONS, code: 'FORBIDDEN' },
      { kind: '?token=expired', credential: { query: expired }, code: 'TOKEN_EXPIRED' },
      { kind: '?token=other-secret', credential: { query: forged }, code: 'UNAUTHORIZED' },
      { kind: '?token=tampered', credential: { query: wildcard }, code: 'UNAUTHORIZED' },
      { kind: '?token=(empty)', credential: { query: '' }, code: 'UNAUTHORIZED' },
    ];

    const short = (id: string) => (id === B ? 'B' : id === C ? 'C' : 'ghost');
    const columns: Column[] = ROUTES.flatMap((route): Column[] => {
      if (route.auth !== 'server-secret' && route.auth.idParam) {
        return [B, C, GHOST].map((id) => ({
          route,
          id,
          label: `${route.method} ${route.path.replace(/:\w+/, short(id))}`,
        }));
      }
      return [{ route, label: routeName(route) }];
    });

    const stream = await openStream(A, readOnly);
    const grid = new Map<string, string>();
    const tried: { row: Row; column: Column; answer: Answer }[] = [];
    try {
      for (const row of rows) {
        for (const column of columns) {
          const { auth } = column.route;
          // Allowed by design: the answer is filtered to A (checked in the positive control).
          if (auth !== 'server-secret' && !auth.idParam && row.actions?.includes(auth.action)) {
            grid.set(`${row.kind}|${column.label}`, '·');
            continue;
          }
          const answer = await call(column, row.credential, stream.connectionId);
          tried.push({ row, column, answer });
          grid.set(`${row.kind}|${column.label}`, String(answer.status));
        }
      }
    } finally {
      await stream.close();
    }

    const width = Math.max(...rows.map((row) => row.kind.length));
    const lines = [
      `scope matrix: ${rows.length} token kinds × ${columns.length} routes, ${tried.length} cells tried ('·' = allowed, answer filtered to A)`,
      ...columns.map((column, index) => `  c${index + 1} = ${column.label}`),
      `${''.padEnd(width)} ${columns.map((_, index) => `c${index + 1}`.padStart(4)).join('')}`,
      ...rows.map(
        (row) =>
          `${row.kind.padEnd(width)} ${columns.map((column) => grid.get(`${row.kind}|${column.label}`)!.padStart(4)).join('')}`,
      ),
    ];
    console.log(lines.join('\n'));

    const refused = tried.filter(({ answer }) => {
      const error = answer.body?.error;
      return (
        (answer.status === 401 || answer.status === 403) &&
        answer.contentType.startsWith('application/json') &&
        typeof error?.code === 'string' &&
        typeof error?.message === 'string' &&
        error.message.length > 0
      );
    });
    // Exactly the expected refusal: a valid token out of scope is 403, anything else 401; the bus wants its own secret.
    const wrong = tried
      .filter(({ row, column, answer }) => {
        const code = column.route.auth === 'server-secret' ? 'UNAUTHORIZED' : row.code;
        const status = code === 'FORBIDDEN' ? 403 : 401;
        return answer.status !== status || answer.body?.error?.code !== code;
      })
      .map(
        ({ row, column, answer }) => `${row.kind} on ${column.label}: ${answer.status} ${JSON.stringify(answer.body)}`,
      );
    expect(wrong).toEqual([]);
    expect(refused.length).toBe(tried.length);
    expect(tried.length).toBe(rows.length * columns.length - [...grid.values()].filter((cell) => cell === '·').length);

    // Nothing refused had an effect: every execution still waits where it did, unsignalled.
    for (const id of [A, B, C]) {
      expect((await handles[id]!.query<PausedWorkflow | null>(QUERY_NAMES.pause))?.pausedAt).toBe('wait-approval');
      expect(await signalsOf(id)).toBe(0);
    }
  });

  it("positive control: A's own tokens work on A's routes, and answers without an id are filtered to A", async () => {
    const token = (action: TokenAction) => tokenFor([action]);
    const withToken = async (action: TokenAction): Promise<Credential> => ({ header: `Bearer ${await token(action)}` });
    const column = (route: RouteDefinition): Column => ({
      route,
      label: routeName(route),
      ...(route.auth !== 'server-secret' && route.auth.idParam ? { id: A } : {}),
    });
    const pauseOf = (id: string) => handles[id]!.query<PausedWorkflow | null>(QUERY_NAMES.pause);
    // Routes that change A run last, in an order A's two pauses allow.
    const LAST = [
      'POST workflow/triggers',
      'POST workflow/executions/:executionId/resume',
      'POST workflow/executions/:executionId/cancel',
    ];
    const ordered = [
      ...ROUTES.filter((route) => !LAST.includes(routeName(route))),
      ...LAST.map((name) => ROUTES.find((route) => routeName(route) === name)!),
    ];
    expect((await pauseOf(A))?.pausedAt).toBe('wait-approval');

    const stream = await openStream(A, await token('read'));
    const passed: string[] = [];
    try {
      for (const route of ordered) {
        const name = routeName(route);
        if (route.auth === 'server-secret') {
          const answer = await call(column(route), { header: `Bearer ${BUS_SECRET}` });
          expect(answer, name).toMatchObject({ status: 200, body: { accepted: 0 } });
          passed.push(name);
          continue;
        }
        const credential = await withToken(route.auth.action);
        if (name === 'GET workflow/paused-stream') {
          const response = await fetch(url(column(route), {}), { headers: { Authorization: credential.header! } });
          expect(response.status, name).toBe(200);
          const initial = await readEvent<{ pausedWorkflows: PausedWorkflow[] }>(response, 'paused.initial');
          await response.body?.cancel();
          expect(
            initial.pausedWorkflows.map((pause: PausedWorkflow) => pause.executionId),
            name,
          ).toEqual([A]);
          passed.push(name);
          continue;
        }
        if (name === 'POST workflow/executions/:executionId/resume') {
          // The trigger above moved A to its payment pause.
          await expect.poll(async () => (await pauseOf(A))?.pausedAt, { timeout: 20_000 }).toBe('wait-payment');
        }
        if (name === 'POST workflow/executions/:executionId/cancel') {
          // The resume ended A's last pause: a new run of A pauses again, its sequences
          // starting at 1 again. The paused list takes it from the bus at once (well
          // before the 30 s resync), though the old run's sequences were higher.
          await expect(handles[A]!.result()).resolves.toEqual(['resumed', 'resumed']);
          await startOrder(A);
          await expect.poll(async () => (await pauseOf(A))?.pausedAt, { timeout: 20_000 }).toBe('wait-approval');
          await expect
            .poll(() => instance.server.pausedRegistry.get(A)?.pausedAt, { timeout: 5_000 })
            .toBe('wait-approval');
        }
        const answer = await call(column(route), credential, stream.connectionId);
        expect(answer.status, `${name}: ${JSON.stringify(answer.body)}`).toBeGreaterThanOrEqual(200);
        expect(answer.status, `${name}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
        if (name === 'GET workflow/paused') {
          expect(answer.body?.pausedWorkflows?.map((pause) => pause.executionId)).toEqual([A]);
        }
        if (name === 'POST workflow/triggers') {
          // B and C wait for the same event, but the token covers only A.
          expect(answer.body).toEqual({ event: APPROVED, delivered: [A], failed: [] });
        }
        if (name === 'POST temporal/recovery/:taskId')
          expect(answer.body).toMatchObject({ recovered: expect.any(Number) });
        if (name.endsWith('/resume') || name.endsWith('/cancel')) expect(answer.status).toBe(202);
        passed.push(name);
      }
    } finally {
      await stream.close();
    }
    expect(passed.sort()).toEqual(ROUTES.map(routeName).sort());
    await expect(handles[A]!.result()).resolves.toEqual(['cancelled']);

    // The ?token= form works for its own task too, and B and C were never touched.
    const viaQuery = await call(column(ROUTES.find((route) => routeName(route) === 'GET temporal/recovery/:taskId')!), {
      query: await token('read'),
    });
    expect(viaQuery.status).toBe(200);
    for (const id of [B, C]) {
      expect((await pauseOf(id))?.pausedAt).toBe('wait-approval');
      expect(await signalsOf(id)).toBe(0);
    }
  });
});
