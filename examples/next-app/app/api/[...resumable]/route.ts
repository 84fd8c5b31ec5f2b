// Every Resumable endpoint, at the seeds' paths, from one catch-all route file:
//   GET  /api/temporal/stream/:taskId             SSE: a task's updates
//   GET  /api/temporal/recovery/:taskId           missed updates after a sequence
//   POST /api/temporal/recovery/:taskId           push missed updates down an open stream
//   GET  /api/temporal/recovery/:taskId/latest    the whole WorkflowState
//   GET  /api/workflow/paused-stream              SSE: paused.initial, workflow.paused/resumed/cancelled
//   GET  /api/workflow/paused                     the paused list as JSON
//   POST /api/workflow/executions/:id/resume      resume a paused execution
//   POST /api/workflow/executions/:id/cancel      cancel it
//   POST /api/workflow/triggers                   deliver an external event
//   POST /api/resumable/bus                       live updates from the worker (bus secret)
// More specific route files (app/api/token) take precedence over this catch-all.
import { toNextHandlers, type NextRouteHandlers } from '@resumable/recovery-server/next';
import { resumable } from '@/lib/server/resumable';

// Created on the first request, never while `next build` collects the routes.
let handlers: NextRouteHandlers | undefined;
const routes = () => (handlers ??= toNextHandlers(resumable().server));

export const GET = (request: Request) => routes().GET(request);
export const POST = (request: Request) => routes().POST(request);
export const OPTIONS = (request: Request) => routes().OPTIONS(request);
// Streams and Temporal's gRPC client need Node.js (not the edge runtime); nothing is cached.
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
