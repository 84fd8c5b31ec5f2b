import type { WorkflowState } from '@resumable/protocol';
import Link from 'next/link';
import { TaskHistory } from '@/components/task-history';
import { resumable } from '@/lib/server/resumable';
import { existingUser, ownerOf } from '@/lib/server/session';

export const metadata = { title: 'Task history · Resumable example' };

/** One task, live, with a scrub bar back through its durable log. */
export default async function TaskPage({ params }: { params: Promise<{ taskId: string }> }) {
  const { taskId } = await params;
  // Server-rendered first paint: the task's state read now, painted in the HTML, and the
  // stream resumes after it (nothing downloaded twice). Without Temporal, the page still
  // renders and the stream fills it.
  // Only for the user who started it, as the token route decides: the HTML must not
  // show another user's task.
  const id = decoded(taskId);
  const snapshot =
    ownerOf(id) !== undefined && ownerOf(id) === (await existingUser())
      ? await resumable()
          .server.getTaskSnapshot(id)
          .catch((): WorkflowState | undefined => undefined)
      : undefined;
  return (
    <section>
      <div className="page-head">
        <div>
          <h1>Task history</h1>
          <p className="muted">
            Drag the scrub bar to see the task as it stood at any sequence of its durable log (
            <code>GET /api/temporal/recovery/:taskId/at/:sequence</code>); <b>Live</b> goes back to the stream.
          </p>
        </div>
        <div className="actions">
          <Link href="/tasks">← Task board</Link>
        </div>
      </div>
      <TaskHistory taskId={decoded(taskId)} initialSnapshot={snapshot} />
    </section>
  );
}

/** Next hands dynamic segments over decoded in current versions; a raw one is decoded here. */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
