import { ResumableError } from './errors';

const DIGITS = /^\d{1,15}$/;

/**
 * Reads a resume point (`Last-Event-ID`, `?lastEventId=`, `?sinceSequence=`) as a
 * sequence number. Empty or absent means "from the start" (0). Anything but a
 * plain non-negative integer is refused: a stream must never guess where to resume.
 *
 * @example
 * sequenceFromEventId('41'); // 41
 * sequenceFromEventId(null); // 0
 */
export function sequenceFromEventId(value: string | null | undefined): number {
  if (value === null || value === undefined || value === '') return 0;
  if (!DIGITS.test(value)) {
    throw new ResumableError('INVALID_LAST_EVENT_ID', 'A resume point must be a non-negative integer sequence number');
  }
  return Number(value);
}
