import { ResumableError } from '@resumable/protocol';

/**
 * A duration: milliseconds, or a string such as `'90s'`, `'2 minutes'`, `'1.5h'`.
 *
 * @example
 * const timeout: Duration = '2 days';
 */
export type Duration = number | string;

const UNIT_MS: Record<string, number> = {
  ms: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1_000,
  sec: 1_000,
  secs: 1_000,
  second: 1_000,
  seconds: 1_000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

const PATTERN = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i;

/**
 * Reads a duration as whole milliseconds (rounded up, so a deadline is never early).
 * Refuses anything that is not a positive, finite duration.
 *
 * @example
 * parseDuration('2s'); // 2000
 * parseDuration(1500); // 1500
 */
export function parseDuration(value: Duration, what = 'timeout'): number {
  let ms: number | undefined;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') {
    const match = PATTERN.exec(value.trim());
    const unit = match ? UNIT_MS[(match[2] || 'ms').toLowerCase()] : undefined;
    if (match && unit !== undefined) ms = Number(match[1]) * unit;
  }
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) {
    throw new ResumableError(
      'INVALID_PARAMETER',
      `${what} must be a positive number of milliseconds or a string like "30s" or "5 minutes" (got ${JSON.stringify(value)})`,
    );
  }
  return Math.ceil(ms);
}
