import { ownerOf, currentUser } from '@/lib/server/session';
import { resumable } from '@/lib/server/resumable';

const TTL_SECONDS = 300;

/**
 * `getTemporalSubscriptionToken`: a short-lived token for this browser's
 * user, scoped to what it asks for and may have.
 *
 * - `{ "scope": "task", "taskId": "…" }`: read one task this user started.
 * - `{ "scope": "operator" }`: the paused-workflows dashboard: every execution,
 *   with resume, cancel and trigger (a real app checks the user's role here).
 */
export async function POST(request: Request): Promise<Response> {
  const user = await currentUser();
  let body: { scope?: unknown; taskId?: unknown };
  try {
    body = (await request.json()) as typeof body;
  } catch {
    return error(400, 'BAD_REQUEST', 'The body must be JSON');
  }
  const { server } = resumable();
  if (body.scope === 'task' && typeof body.taskId === 'string') {
    if (ownerOf(body.taskId) !== user) return error(403, 'FORBIDDEN', 'This task belongs to another user');
    const token = await server.mintToken({
      subject: user,
      tasks: [body.taskId],
      actions: ['read'],
      ttlSeconds: TTL_SECONDS,
    });
    return Response.json(
      { token, expiresAt: Date.now() + TTL_SECONDS * 1000 },
      { headers: { 'Cache-Control': 'no-store' } },
    );
  }
  if (body.scope === 'operator') {
    const token = await server.mintToken({
      subject: user,
      tasks: '*',
      actions: ['read', 'resume', 'cancel', 'trigger'],
      ttlSeconds: TTL_SECONDS,
    });
    return Response.json(
      { token, expiresAt: Date.now() + TTL_SECONDS * 1000 },
      { headers: { 'Cache-Control': 'no-store' } },
    );
  }
  return error(400, 'BAD_REQUEST', 'scope must be "task" (with taskId) or "operator"');
}

function error(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status, headers: { 'Cache-Control': 'no-store' } });
}

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
