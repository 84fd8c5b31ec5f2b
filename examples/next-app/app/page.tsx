import Link from 'next/link';

export default function Home() {
  return (
    <section className="home">
      <h1>Temporal progress in the browser, never losing an update</h1>
      <p className="lead">
        Each workflow keeps its updates in its own state, numbered 1, 2, 3, … and pushes them live through the worker’s
        bus to this app’s SSE endpoints. The browser applies every update exactly once, in order, and fills any gap from
        the workflow’s durable log.
      </p>
      <div className="tiles">
        <Link href="/tasks" className="tile">
          <h2>Task board</h2>
          <p>Live task and invoice progress. Cut the connection while a task runs, reconnect, and watch it catch up.</p>
        </Link>
        <Link href="/paused" className="tile">
          <h2>Paused workflows</h2>
          <p>
            Orders waiting for approval and for payment, live over SSE, with timeouts, Resume, Cancel and the payment
            event.
          </p>
        </Link>
        <Link href="/test-cycle" className="tile">
          <h2>Test cycle</h2>
          <p>Eight phases with parallel steps, retry policies, saga compensation and per-phase timings.</p>
        </Link>
      </div>
    </section>
  );
}
