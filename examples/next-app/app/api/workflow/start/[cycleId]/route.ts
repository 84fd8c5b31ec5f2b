// POST /api/workflow/start/:cycleId with JSON { skip_phases?, fail_at_phase?, speed? }:
// starts a test cycle (the path's cycle id is its business id) for the signed-in user.
// 201 { workflowId, runId, cycleId }; 400 { error } naming what is wrong with the request.
import { ID_PREFIX, WORKFLOWS } from '@resumable/example-worker/shared';
import { answer, json, refuse } from '@/app/api/workflow-metrics/respond';
import { resumable } from '@/lib/server/resumable';
import { currentUser, newWorkflowId } from '@/lib/server/session';
import { parseStartRequest } from './start-request';

export const POST = (request: Request, { params }: { params: Promise<{ cycleId: string }> }) =>
  answer(async () => {
    const parsed = parseStartRequest((await params).cycleId, await request.text());
    if (!parsed.ok) return refuse(400, 'BAD_REQUEST', parsed.message);
    const user = await currentUser();
    const { client, config } = resumable();
    const workflowId = newWorkflowId(ID_PREFIX.testCycle, user);
    const handle = await client.workflow.start(WORKFLOWS.testCycle, {
      taskQueue: config.taskQueue,
      workflowId,
      args: [parsed.input],
    });
    return json({ workflowId, runId: handle.firstExecutionRunId, cycleId: parsed.input.cycleId }, 201);
  });

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
