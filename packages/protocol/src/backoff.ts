/**
 * How long to wait between reconnect attempts.
 *
 * @example
 * const options: BackoffOptions = { initialDelayMs: 250, maxDelayMs: 10_000, factor: 2 };
 * const delay = backoffDelay(attempt, options);
 */
export interface BackoffOptions {
  /** Delay before the first retry, in ms. Default 500 (or the server's `retry:`). */
  initialDelayMs?: number;
  /** Upper bound of any delay, in ms. Default 30 000. */
  maxDelayMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
}

/**
 * The delay before retry number `attempt` (0-based): exponential growth capped at
 * `maxDelayMs`, with "equal jitter" (a random point in the upper half) so that many
 * clients cut at once do not come back in lockstep, yet none retries at once.
 *
 * @example
 * backoffDelay(0); // between 250 and 500
 * backoffDelay(3, { initialDelayMs: 100 }); // between 400 and 800
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const { initialDelayMs = 500, maxDelayMs = 30_000, factor = 2 } = options;
  const ceiling = Math.min(maxDelayMs, initialDelayMs * factor ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
