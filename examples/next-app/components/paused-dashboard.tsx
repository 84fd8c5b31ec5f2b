'use client';
import { PAYMENT_COMPLETED_EVENT, type OrderStatus, type OrderUpdates } from '@resumable/example-worker/shared';
import type {
  PausedWorkflow,
  WorkflowCancelledData,
  WorkflowResumedData,
  WorkflowTimedOutData,
} from '@resumable/protocol';
import { useActionQueue, usePausedWorkflows, useTemporalSubscription } from '@resumable/react-hooks';
import { useState, useTransition } from 'react';
import { startOrder, type StartedWorkflow } from '@/app/actions';
import { operatorActions } from '@/lib/action-queue';
import { useRecentWorkflows } from '@/lib/recent';
import { getOperatorToken, getTemporalSubscriptionToken } from '@/lib/tokens';
import { Countdown } from './countdown';
import { WorkflowLink } from './temporal-ui';

/** Delivers the payment service's event to every order waiting for it with this correlation key. */
const sendPaymentEvent = (pause: PausedWorkflow) =>
  operatorActions.trigger(PAYMENT_COMPLETED_EVENT, {
    ...(pause.correlation ? { correlation: pause.correlation } : {}),
    payload: { amount: pause.variables.amount, paidAt: new Date().toISOString() },
  });

/**
 * The paused dashboard: the live list of paused executions, with resume, cancel and the
 * payment event, which go through the offline action queue (shown while it holds any).
 */
export function PausedDashboard() {
  const { pausedWorkflows, isConnected, isLoaded, status, error } = usePausedWorkflows({
    refreshToken: getOperatorToken,
  });
  const queue = useActionQueue(operatorActions);
  const { resume, cancel } = queue;
  const orders = useRecentWorkflows('orders', 8);
  const [pending, startTransition] = useTransition();
  const [acting, setActing] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string>();
  // The hook's error is an alarm only once it gave up or the browser is offline: while
  // it is still trying, its last failure is the indicator's tooltip, not a banner.
  const retrying = status === 'connecting' || status === 'reconnecting';
  const alarm = problem ?? (retrying ? undefined : error?.message);

  const newOrder = (timeoutSeconds?: number) =>
    startTransition(async () => {
      try {
        orders.add(await startOrder(timeoutSeconds ? { timeoutSeconds } : {}));
      } catch (cause) {
        setProblem(cause instanceof Error ? cause.message : String(cause));
      }
    });

  // Keyed by pause point: once resumed, the same execution may pause again at its next point.
  const pauseKey = (pause: PausedWorkflow) => `${pause.executionId}:${pause.pausedAt}:${pause.pausedTime}`;
  const act = async (pause: PausedWorkflow, label: string, action: () => Promise<{ state: string }>) => {
    const key = pauseKey(pause);
    setActing((current) => ({ ...current, [key]: label }));
    try {
      setProblem(undefined);
      // Offline: the action waits in the queue; the card says so until it is sent.
      if ((await action()).state === 'queued') setActing((current) => ({ ...current, [key]: 'queued' }));
    } catch (cause) {
      setProblem(cause instanceof Error ? cause.message : String(cause));
      setActing(({ [key]: _, ...rest }) => rest);
    }
  };

  const sorted = [...pausedWorkflows].sort((a, b) => b.pausedTime.localeCompare(a.pausedTime));
  return (
    <section>
      <div className="page-head">
        <div>
          <h1>
            Paused workflows{' '}
            <span
              className={`live${isConnected ? ' on' : ''}`}
              data-testid="live-indicator"
              data-live={isConnected}
              title={retrying ? error?.message : undefined}
            >
              <i aria-hidden />
              {isConnected ? 'live' : status === 'reconnecting' ? 'reconnecting' : 'connecting'}
            </span>
          </h1>
          <p className="muted">
            One SSE connection (<code>/api/workflow/paused-stream</code>): the list as of connect, then every pause,
            resume and cancel as it happens. No polling.
          </p>
        </div>
        <div className="actions">
          <button data-testid="new-order" disabled={pending} onClick={() => newOrder()}>
            New order
          </button>
          <button className="secondary" disabled={pending} onClick={() => newOrder(45)}>
            New order (45 s timeouts)
          </button>
        </div>
      </div>
      {alarm && <p className="alert">{alarm}</p>}

      {queue.entries.length > 0 && (
        <div className="card queued-actions" data-testid="action-queue">
          <h2 className="section-title">Queued actions</h2>
          <p className="muted small">
            Made while the server could not be reached; kept in {queue.storage === 'indexeddb' ? 'IndexedDB' : 'memory'}{' '}
            and sent in order once it can, each with its idempotency key, so it is applied once.
          </p>
          <ul>
            {queue.entries.map((entry) => (
              <li key={entry.key} data-testid="queued-action" data-state={entry.state}>
                <code>{entry.action}</code> {entry.taskId ?? entry.event} · {entry.state}
                {entry.error && <span className="muted small"> ({entry.error.message})</span>}{' '}
                {entry.state === 'failed' && (
                  <button className="secondary" onClick={() => void queue.dismiss(entry.key)}>
                    Dismiss
                  </button>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}

      <div className="paused-list" data-testid="paused-list" data-loaded={isLoaded}>
        {isLoaded && sorted.length === 0 && <p className="empty">Nothing is waiting.</p>}
        {sorted.map((pause) => {
          const busy = acting[pauseKey(pause)];
          const paymentWait = pause.waitingFor.includes(PAYMENT_COMPLETED_EVENT);
          return (
            <article
              key={pauseKey(pause)}
              className="card paused"
              data-testid="paused-card"
              data-execution-id={pause.executionId}
              data-workflow-type={pause.workflowType}
              data-paused-at={pause.pausedAt}
              data-paused-time={pause.pausedTime}
            >
              <header>
                <div>
                  <h2>{pause.workflowName ?? pause.workflowType}</h2>
                  {/* The execution's Temporal workflow id. (`pause.workflowId` is the legacy
                      name of the workflow type, not an id: never show it as one.) */}
                  <code className="id" data-testid="execution-id" title="workflow id">
                    {pause.executionId}
                  </code>{' '}
                  <WorkflowLink workflowId={pause.executionId} />
                </div>
                <span className="badge">{pause.pausedAt}</span>
              </header>
              <dl>
                <dt>workflow type</dt>
                <dd>
                  <code data-testid="workflow-type">{pause.workflowType}</code>
                </dd>
                <dt>waiting for</dt>
                <dd>
                  {pause.waitingFor.length
                    ? pause.waitingFor.map((name) => <code key={name}>{name}</code>)
                    : 'a person (Resume)'}
                  {pause.correlation && <span className="muted small"> · correlation {pause.correlation}</span>}
                </dd>
                <dt>paused</dt>
                <dd>{new Date(pause.pausedTime).toLocaleTimeString()}</dd>
                <dt>timeout</dt>
                <dd>
                  <Countdown deadline={pause.timeoutAt} />
                </dd>
                {Object.entries(pause.variables ?? {}).map(([name, value]) => (
                  <VariableRow key={name} name={name} value={value} />
                ))}
              </dl>
              <div className="buttons">
                <button
                  data-testid="resume"
                  disabled={!!busy}
                  onClick={() => act(pause, 'resuming', () => resume(pause.executionId))}
                >
                  {busy === 'queued' ? 'Queued (offline)' : busy === 'resuming' ? 'Resuming…' : 'Resume'}
                </button>
                {paymentWait && (
                  <button
                    className="secondary"
                    data-testid="send-payment"
                    disabled={!!busy}
                    onClick={() => act(pause, 'paying', () => sendPaymentEvent(pause))}
                  >
                    {busy === 'paying' ? 'Sending…' : 'Send payment event'}
                  </button>
                )}
                <button
                  className="danger"
                  data-testid="cancel"
                  disabled={!!busy}
                  onClick={() =>
                    act(pause, 'cancelling', () => cancel(pause.executionId, 'Cancelled from the dashboard'))
                  }
                >
                  {busy === 'cancelling' ? 'Cancelling…' : 'Cancel'}
                </button>
              </div>
            </article>
          );
        })}
      </div>

      {orders.items.length > 0 && (
        <>
          <h2 className="section-title">Your orders</h2>
          <table className="orders">
            <thead>
              <tr>
                <th>order</th>
                <th>status</th>
                <th>latest step</th>
              </tr>
            </thead>
            <tbody>
              {orders.items.map((order) => (
                <OrderRow key={order.workflowId} order={order} />
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function VariableRow({ name, value }: { name: string; value: unknown }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{typeof value === 'number' ? value.toFixed(2) : String(value)}</dd>
    </>
  );
}

/** An order's log: its own steps, and the events its pauses write (`log.pause`). */
type OrderLog = OrderUpdates & {
  'workflow.paused': PausedWorkflow;
  'workflow.resumed': WorkflowResumedData;
  'workflow.cancelled': WorkflowCancelledData;
  'workflow.timeout': WorkflowTimedOutData;
};

/** One order's status, followed live from its own log. */
function OrderRow({ order }: { order: StartedWorkflow }) {
  const task = useTemporalSubscription<OrderLog, OrderStatus>({
    taskId: order.workflowId,
    refreshToken: getTemporalSubscriptionToken(order.workflowId),
  });
  let status: OrderStatus = 'RECEIVED';
  let latest = '';
  for (const update of task.updates) {
    if (update.type === 'step') {
      status = update.data.status;
      latest = update.data.text;
    } else if (update.type === 'workflow.paused') {
      status = update.data.pausedAt === 'wait-payment' ? 'WAITING_PAYMENT' : 'WAITING_APPROVAL';
      latest = `paused at ${update.data.pausedAt}`;
    } else if (update.type.startsWith('workflow.')) {
      latest = update.type.replace('workflow.', '');
    }
  }
  return (
    <tr data-testid="order-row" data-order-id={order.workflowId} data-status={status}>
      <td>
        {order.title}
        <br />
        <code className="id">{order.workflowId}</code> <WorkflowLink workflowId={order.workflowId} />
      </td>
      <td>
        <span className={`status status-${status.toLowerCase()}`}>{status}</span>
      </td>
      <td className="small">{latest}</td>
    </tr>
  );
}
