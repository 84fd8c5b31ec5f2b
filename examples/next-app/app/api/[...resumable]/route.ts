// Every Resumable endpoint, at their documented paths, from one catch-all route file:
//   GET  /api/temporal/stream/:taskId             SSE: a task's updates
//   GET  /api/temporal/recovery/:taskId           missed updates after a sequence
//   POST /api/temporal/recovery/:taskId           push missed updates down an open stream
//   GET  /api/temporal/recovery/:taskId/latest    the whole WorkflowState
//   GET  /api/temporal/recovery/:taskId/at/:seq   the state as of one sequence (time travel)
//   GET  /api/workflow/paused-stream              SSE: paused.initial, workflow.paused/resumed/cancelled
//   GET  /api/workflow/paused                     the paused list as JSON
//   POST /api/workflow/executions/:id/resume      resume a paused execution (resumedBy: the token's user)
//   POST /api/workflow/executions/:id/cancel      cancel it
//   POST /api/workflow/triggers                   deliver an external event
//   POST /api/resumable/bus                       live updates from the worker (bus secret)
// More specific route files (app/api/token) take precedence over this catch-all.
import { toNextHandlers } from '@resumable/recovery-server/next';
import { readyServer, resumable } from '@/lib/server/resumable';

/** Recover, then serve: nothing is answered before the paused list has been rebuilt. */
async function handle(method: 'GET' | 'POST', request: Request): Promise<Response> {
  // The worker's bus posts go in at once: pause messages that arrive during the rebuild belong in it.
  const server = new URL(request.url).pathname.endsWith('/resumable/bus') ? resumable().server : await readyServer();
  if (!server) {
    return Response.json(
      {
        error: {
          code: 'TEMPORAL_UNAVAILABLE',
          message: 'Start-up recovery from Temporal has not succeeded yet; try again shortly',
        },
      },
      { status: 503, headers: { 'Retry-After': '2', 'Cache-Control': 'no-store' } },
    );
  }
  return toNextHandlers(server)[method](request);
}

export const GET = (request: Request) => handle('GET', request);
export const POST = (request: Request) => handle('POST', request);
// A preflight needs no recovery (nor Temporal).
export const OPTIONS = (request: Request) => toNextHandlers(resumable().server).OPTIONS(request);
// Streams and Temporal's gRPC client need Node.js (not the edge runtime); nothing is cached.
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
