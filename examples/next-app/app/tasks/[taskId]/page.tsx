import Link from 'next/link';
import { TaskHistory } from '@/components/task-history';

export const metadata = { title: 'Task history · Resumable example' };

/** One task, live, with a scrub bar back through its durable log. */
export default async function TaskPage({ params }: { params: Promise<{ taskId: string }> }) {
  const { taskId } = await params;
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
      <TaskHistory taskId={decoded(taskId)} />
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
