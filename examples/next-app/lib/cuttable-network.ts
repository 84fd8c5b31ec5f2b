/**
 * A `fetch` the page can unplug: the demo's "Cut connection" control. While cut,
 * the open stream errors mid-read and new requests fail like a dead network, so the
 * hook sees exactly what a dropped Wi-Fi looks like, while the workflow goes on.
 */
export interface CuttableNetwork {
  fetch: typeof fetch;
  /** Breaks the open stream and fails every request until restored. */
  cut(): void;
  /** Lets plain requests (recovery, status sync) through again; streams stay down. */
  restoreRequests(): void;
  /** Lets streams through again and wakes the hook's reconnect loop at once. */
  restoreStreams(): void;
  readonly isCut: boolean;
}

const isStream = (input: RequestInfo | URL) =>
  String(input instanceof Request ? input.url : input).includes('/temporal/stream/');

export function createCuttableNetwork(): CuttableNetwork {
  let requestsDown = false;
  let streamsDown = false;
  const open = new Set<AbortController>();

  const cuttableFetch: typeof fetch = async (input, init) => {
    const stream = isStream(input);
    if (stream ? streamsDown : requestsDown) throw new TypeError('Failed to fetch (the demo cut the connection)');
    const controller = new AbortController();
    const signal = init?.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
    if (stream) open.add(controller);
    try {
      return await fetch(input, { ...init, signal });
    } catch (error) {
      open.delete(controller);
      throw error;
    }
  };

  return {
    fetch: cuttableFetch,
    cut() {
      requestsDown = streamsDown = true;
      // Aborting our own controller, not the hook's: to the hook it is a connection that broke.
      for (const controller of open) controller.abort(new TypeError('network connection lost'));
      open.clear();
    },
    restoreRequests() {
      requestsDown = false;
    },
    restoreStreams() {
      streamsDown = false;
      // The hook's reconnect loop listens for `online`: wake it instead of waiting out its backoff.
      window.dispatchEvent(new Event('online'));
    },
    get isCut() {
      return streamsDown;
    },
  };
}
