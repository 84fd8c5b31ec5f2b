import type { RecoveryServer } from '../server';

/** Route handlers for a Next.js App Router route file. */
export interface NextRouteHandlers {
  GET(request: Request): Promise<Response>;
  POST(request: Request): Promise<Response>;
  OPTIONS(request: Request): Promise<Response>;
}

/**
 * Handlers for Next.js App Router route files. The server routes on the full URL
 * path, so the same three handlers serve every file (or one catch-all file):
 *
 * - `app/api/temporal/stream/[taskId]/route.ts`
 * - `app/api/temporal/recovery/[taskId]/route.ts`
 * - `app/api/temporal/recovery/[taskId]/latest/route.ts`
 * - `app/api/workflow/paused-stream/route.ts`, `app/api/workflow/paused/route.ts`
 * - `app/api/workflow/executions/[executionId]/resume/route.ts` (and `/cancel`)
 * - `app/api/workflow/triggers/route.ts`
 *
 * or a single `app/api/[...resumable]/route.ts`. Each file exports the handlers and
 * opts out of caching and the edge runtime (Temporal's client needs Node):
 *
 * @example
 * // app/api/[...resumable]/route.ts
 * import { toNextHandlers } from '@resumable/recovery-server/next';
 * import { server } from '@/lib/resumable';
 * export const { GET, POST, OPTIONS } = toNextHandlers(server);
 * export const dynamic = 'force-dynamic';
 * export const runtime = 'nodejs';
 */
export function toNextHandlers(server: RecoveryServer): NextRouteHandlers {
  const handle = (request: Request) => server.fetch(request);
  return { GET: handle, POST: handle, OPTIONS: handle };
}

export type { RecoveryServer };
