/**
 * A small real HTTP server that speaks the Resumable wire contract (DESIGN.md, "Wire
 * contract") for the hook tests: task streams with `Last-Event-ID` resume, `end`
 * and 204, the recovery endpoint, the paused stream and its actions, bearer auth
 * and `{"error": {code, message}}` bodies. It counts every request and connection.
 *
 * A stand-in for `@resumable/recovery-server`, used only by the `*.stand-in.test.tsx`
 * files for misbehaviour the real server never produces (a hole inside a live
 * stream, a paused delta older than its snapshot, a status said out of order), and
 * for the workflow's status on a running stream (`status` in `connected`, and
 * `event: status`), which the real server does not send yet. Everything else runs
 * against the real server (test/real-server.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { encodeJsonEvent, type PausedWorkflow, type WorkflowUpdate } from '@resumable/protocol';

/** One request as the server saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  lastEventId: string | undefined;
  /** What the server answered with. */
  status: number;
  body?: unknown;
}

export interface ContractServerOptions {
  /**
   * Decides on a request's bearer token (undefined when none was sent): 'ok', or the
   * error to answer with. Default: any non-empty token is fine.
   */
  authorize?: (token: string | undefined) => 'ok' | 'TOKEN_EXPIRED' | 'UNAUTHORIZED' | 'FORBIDDEN';
  /** Default 0 (any free port). */
  port?: number;
}

export interface ContractServer {
  /** e.g. `http://127.0.0.1:41234/api`. */
  apiBaseUrl: string;
  requests: RecordedRequest[];
  /** Requests to `GET /temporal/stream/:taskId`. */
  streamRequests(taskId: string): RecordedRequest[];
  /** Task streams that were answered with 200 (opened connections). */
  streamConnections(taskId: string): number;
  /** Task streams open right now. */
  openStreams(taskId: string): number;
  /** Appends `count` updates to the task's log and pushes them to open streams unless `live` is false. */
  emit(taskId: string, count?: number, options?: { live?: boolean }): WorkflowUpdate[];
  /** Closes the workflow: open streams get `end` and are closed. */
  complete(taskId: string, status?: string): void;
  /** Sets the workflow's status; open streams get `event: status` with it. */
  setStatus(taskId: string, status: string): void;
  /** Writes any event to the task's open streams. */
  pushTask(taskId: string, event: string, data: unknown, id?: number): void;
  /** Destroys the sockets of the task's open streams (a network cut, not an end). */
  cut(taskId: string): void;
  pausedConnections(): number;
  pause(workflow: PausedWorkflow): void;
  /** Writes any event to open paused streams, with the id given (default: the next one). */
  pushPaused(event: string, data: unknown, id?: number): void;
  /** Resolves once `predicate` holds, polling every 5 ms; rejects after `timeoutMs`. */
  until(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

interface Task {
  log: WorkflowUpdate[];
  status: string;
  closed: boolean;
  live: Set<ServerResponse>;
  connections: number;
}

const AUTH_STATUS = { TOKEN_EXPIRED: 401, UNAUTHORIZED: 401, FORBIDDEN: 403 } as const;

/**
 * Starts the server on 127.0.0.1 (port 0 unless given).
 *
 * @example
 * const server = await startContractServer();
 * server.emit('task-1', 3);
 */
export async function startContractServer(options: ContractServerOptions = {}): Promise<ContractServer> {
  const authorize = options.authorize ?? ((token) => (token ? 'ok' : 'UNAUTHORIZED'));
  const tasks = new Map<string, Task>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const paused = new Map<string, PausedWorkflow>();
  const pausedLive = new Set<ServerResponse>();
  let pausedCursor = 0;
  let pausedConnections = 0;

  const task = (taskId: string): Task => {
    let found = tasks.get(taskId);
    if (!found)
      tasks.set(taskId, (found = { log: [], status: 'IN_PROGRESS', closed: false, live: new Set(), connections: 0 }));
    return found;
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, code: string, message: string) =>
    json(res, status, { error: { code, message } });

  const pushPaused = (event: string, data: unknown, id = ++pausedCursor) => {
    for (const res of pausedLive) res.write(encodeJsonEvent(event, data, id));
  };

  const readBody = async (req: IncomingMessage): Promise<unknown> => {
    let text = '';
    for await (const chunk of req) text += chunk;
    return text ? JSON.parse(text) : undefined;
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const header = req.headers.authorization;
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      authorization: header,
      lastEventId: req.headers['last-event-id'] as string | undefined,
      status: 0,
    };
    requests.push(record);
    res.on('finish', () => (record.status = res.statusCode));

    const verdict = authorize(header?.startsWith('Bearer ') ? header.slice(7) : undefined);
    if (verdict !== 'ok') return fail(res, AUTH_STATUS[verdict], verdict, `auth: ${verdict}`);

    let match: RegExpMatchArray | null;
    if (req.method === 'GET' && (match = url.pathname.match(/^\/api\/temporal\/stream\/([^/]+)$/))) {
      const t = task(decodeURIComponent(match[1] as string));
      const from = Number(record.lastEventId ?? url.searchParams.get('sinceSequence') ?? 0);
      // A reconnect at the end of a closed workflow: nothing more, ever.
      if (t.closed && from >= t.log.length) {
        res.writeHead(204);
        return res.end();
      }
      t.connections++;
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      record.status = 200;
      res.write(
        encodeJsonEvent('connected', {
          connectionId: `c${t.connections}`,
          resumeFrom: from,
          lastSequence: t.log.length,
          status: t.status,
        }),
      );
      for (const update of t.log.slice(from)) res.write(encodeJsonEvent('update', update, update.sequence));
      if (t.closed) {
        res.write(encodeJsonEvent('end', { status: t.status, lastSequence: t.log.length }));
        return res.end();
      }
      t.live.add(res);
      res.on('close', () => t.live.delete(res));
      return;
    }
    if (req.method === 'GET' && (match = url.pathname.match(/^\/api\/temporal\/recovery\/([^/]+)$/))) {
      const t = task(decodeURIComponent(match[1] as string));
      const since = Number(url.searchParams.get('sinceSequence') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 100);
      const updates = t.log.slice(since, since + limit);
      return json(res, 200, {
        taskId: match[1],
        status: t.status,
        lastSequence: t.log.length,
        updates,
        hasMore: since + updates.length < t.log.length,
      });
    }
    if (req.method === 'GET' && url.pathname === '/api/workflow/paused-stream') {
      pausedConnections++;
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      record.status = 200;
      res.write(encodeJsonEvent('paused.initial', { pausedWorkflows: [...paused.values()] }, pausedCursor));
      pausedLive.add(res);
      res.on('close', () => pausedLive.delete(res));
      return;
    }
    if (
      req.method === 'POST' &&
      (match = url.pathname.match(/^\/api\/workflow\/executions\/([^/]+)\/(resume|cancel)$/))
    ) {
      const executionId = decodeURIComponent(match[1] as string);
      const body = (await readBody(req)) as { payload?: unknown; reason?: string } | undefined;
      record.body = body;
      const workflow = paused.get(executionId);
      if (!workflow) return fail(res, 404, 'EXECUTION_NOT_FOUND', `No paused execution ${executionId}`);
      paused.delete(executionId);
      if (match[2] === 'resume') {
        pushPaused('workflow.resumed', {
          executionId,
          workflowId: workflow.workflowId,
          resumedFrom: workflow.pausedAt,
          payload: body?.payload,
        });
      } else {
        pushPaused('workflow.cancelled', {
          executionId,
          workflowId: workflow.workflowId,
          reason: body?.reason ?? 'cancelled',
        });
      }
      return json(res, 200, { executionId, status: match[2] === 'resume' ? 'resumed' : 'cancelled' });
    }
    fail(res, 404, 'NOT_FOUND', `No route for ${req.method} ${url.pathname}`);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiBaseUrl: `http://127.0.0.1:${port}/api`,
    requests,
    streamRequests: (taskId) => requests.filter((r) => r.path === `/api/temporal/stream/${encodeURIComponent(taskId)}`),
    streamConnections: (taskId) => task(taskId).connections,
    openStreams: (taskId) => task(taskId).live.size,
    emit(taskId, count = 1, { live = true } = {}) {
      const t = task(taskId);
      const emitted: WorkflowUpdate[] = [];
      for (let i = 0; i < count; i++) {
        const sequence = t.log.length + 1;
        const update = {
          id: `${taskId}:${sequence}`,
          timestamp: 1_767_225_600_000 + sequence,
          sequence,
          type: 'message',
          data: { n: sequence },
        };
        t.log.push(update);
        emitted.push(update);
        if (live) for (const res of t.live) res.write(encodeJsonEvent('update', update, sequence));
      }
      return emitted;
    },
    complete(taskId, status = 'DONE') {
      const t = task(taskId);
      t.closed = true;
      t.status = status;
      for (const res of t.live) res.end(encodeJsonEvent('end', { status, lastSequence: t.log.length }));
      t.live.clear();
    },
    setStatus(taskId, status) {
      const t = task(taskId);
      t.status = status;
      for (const res of t.live) res.write(encodeJsonEvent('status', { status, lastSequence: t.log.length }));
    },
    pushTask(taskId, event, data, id) {
      for (const res of task(taskId).live) res.write(encodeJsonEvent(event, data, id));
    },
    cut(taskId) {
      const { live } = task(taskId);
      for (const res of live) res.socket?.destroy();
      live.clear();
    },
    pausedConnections: () => pausedConnections,
    pushPaused,
    pause(workflow) {
      paused.set(workflow.executionId, workflow);
      pushPaused('workflow.paused', workflow);
    },
    async until(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error('Timed out waiting for the contract server');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
