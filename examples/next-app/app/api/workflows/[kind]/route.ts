import { startInvoice, startOrder, startTask, startTestCycle, type StartedWorkflow } from '@/app/actions';

/**
 * `POST /api/workflows/:kind` with an optional JSON body of that kind's options: starts a
 * workflow for the signed-in user, as the pages' buttons do, for scripts and other
 * services. Answers 201 `{ kind, workflowId, runId, title }`; follow it with the stream at
 * `/api/temporal/stream/:workflowId` (a token from `/api/token`).
 */
const STARTERS: Record<string, (options: Record<string, never>) => Promise<StartedWorkflow>> = {
  task: startTask,
  invoice: startInvoice,
  order: startOrder,
  'test-cycle': startTestCycle,
};

const refuse = (status: number, code: string, message: string) =>
  Response.json({ error: { code, message } }, { status, headers: { 'Cache-Control': 'no-store' } });

export async function POST(request: Request, { params }: { params: Promise<{ kind: string }> }): Promise<Response> {
  const { kind } = await params;
  const starter = Object.hasOwn(STARTERS, kind) ? STARTERS[kind] : undefined;
  if (!starter) {
    return refuse(404, 'NOT_FOUND', `No workflow kind "${kind}": one of ${Object.keys(STARTERS).join(', ')}`);
  }
  const text = await request.text();
  let options: unknown = {};
  if (text.trim() !== '') {
    try {
      options = JSON.parse(text);
    } catch {
      return refuse(400, 'BAD_REQUEST', 'The body must be JSON (an object of options) or empty');
    }
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    return refuse(400, 'BAD_REQUEST', 'The body must be a JSON object of options');
  }
  const started = await starter(options as Record<string, never>);
  return Response.json(started, { status: 201, headers: { 'Cache-Control': 'no-store' } });
}
