import { AlertEvaluator, AlertWatcher, DEFAULT_RULES } from '@/lib/analytics';
import { loadAlertCandidates } from '@/lib/server/cycles';
import { resumable } from '@/lib/server/resumable';

/** The SSE channel the alerts go out on (the recovery server's publisher). */
export const ALERTS_CHANNEL = 'workflow-alerts';
/** Polls without a listener before the watcher stops. */
const IDLE_POLLS = 5;

const KEY = Symbol.for('@resumable/example-next-app/alert-watcher');
type Holder = { [KEY]?: AlertWatcher };

/**
 * The app's one alert watcher (on globalThis, like the server singleton), started by
 * the first alert stream and stopped a few seconds after the last one closed.
 */
export function alertWatcher(): AlertWatcher {
  const holder = globalThis as Holder;
  const watcher = (holder[KEY] ??= create());
  watcher.start();
  return watcher;
}

function create(): AlertWatcher {
  const { server } = resumable();
  let idle = 0;
  const watcher: AlertWatcher = new AlertWatcher({
    evaluator: new AlertEvaluator(DEFAULT_RULES),
    read: (closedAfter) => {
      idle = (server.publisher.findChannel(ALERTS_CHANNEL)?.size ?? 0) > 0 ? 0 : idle + 1;
      if (idle >= IDLE_POLLS) watcher.stop();
      return loadAlertCandidates(closedAfter);
    },
    publish: (alerts) => {
      for (const alert of alerts) {
        server.publisher.broadcast(ALERTS_CHANNEL, { event: 'alert', data: JSON.stringify(alert) });
      }
    },
    onError: (error) => console.warn('[analytics] alert poll failed:', error),
  });
  return watcher;
}
