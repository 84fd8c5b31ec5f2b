import type { UpdateBus } from '@resumable/protocol';
import { NO_TELEMETRY, type Telemetry } from './telemetry';

/**
 * @internal The bus as the server's own parts use it (they only subscribe), with its
 * failures counted: a subscribe that rejects, a handler of ours that throws. Each
 * failure is still the caller's to handle (rethrown as it was); this only counts it.
 */
export function watchBus(bus: UpdateBus, telemetry: Telemetry): UpdateBus {
  if (telemetry === NO_TELEMETRY) return bus;
  return {
    publish: (message) => bus.publish(message),
    subscribe: (topic, handler) =>
      bus
        .subscribe(topic, (message) => {
          try {
            handler(message);
          } catch (error) {
            telemetry.busError('handler');
            throw error;
          }
        })
        .catch((error: unknown) => {
          telemetry.busError('subscribe');
          throw error;
        }),
    close: () => bus.close(),
  };
}
