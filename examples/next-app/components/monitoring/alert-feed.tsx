'use client';
import { useEffect, useState } from 'react';
import type { Alert } from '@/lib/analytics';
import styles from './monitoring.module.css';

const MAX_SHOWN = 30;

/** The live alert feed: the alerts stream's snapshot, then each alert as it is raised, newest first. */
export function AlertFeed() {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const source = new EventSource('/api/workflow-metrics/alerts');
    // The snapshot comes again after a reconnect: merge by id, never duplicate.
    const merge = (incoming: Alert[]) =>
      setAlerts((current) => {
        const known = new Set(current.map((alert) => alert.id));
        const added = incoming.filter((alert) => !known.has(alert.id));
        return [...added.reverse(), ...current].slice(0, MAX_SHOWN);
      });
    source.addEventListener('open', () => setOpen(true));
    source.addEventListener('error', () => setOpen(false));
    source.addEventListener('alerts.initial', (event) => merge((JSON.parse(event.data) as { alerts: Alert[] }).alerts));
    source.addEventListener('alert', (event) => merge([JSON.parse(event.data) as Alert]));
    return () => source.close();
  }, []);
  return (
    <div data-testid="alert-feed" data-open={open}>
      {alerts.length === 0 ? (
        <p className="small muted">No alerts since the watcher started{open ? '' : ' (connecting…)'}.</p>
      ) : (
        <ul className={styles.feed}>
          {alerts.map((alert) => (
            <li
              key={alert.id}
              className={alert.severity === 'critical' ? styles.critical : undefined}
              data-testid="alert"
              data-alert-id={alert.id}
              data-cycle-id={alert.cycleId}
              data-kind={alert.kind}
            >
              <time>{new Date(alert.at).toLocaleTimeString()}</time>
              <b>{alert.kind === 'cycle-failed' ? 'failed' : 'slow phase'}</b> {alert.message}{' '}
              <code className="small">{alert.cycleId}</code>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
