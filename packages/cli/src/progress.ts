/**
 * A task's progress as a fraction from 0 to 1, read from an update's `data`. Resumable's
 * protocol has no progress field of its own: updates carry whatever the app emits, so
 * the common shapes are recognised, first match wins:
 * - `percent`: 0–100 (the example app's `message` updates);
 * - `progress`: a fraction 0–1, or an object of the shapes below;
 * - `step` of `steps`, `current` / `completed` / `done` of `total`.
 * Undefined when the update says nothing about progress (the bar keeps what it had).
 *
 * @example
 * progressOf({ text: 'step 3', percent: 25 }); // 0.25
 * progressOf({ step: 3, steps: 4 }); // 0.75
 * progressOf({ text: 'hello' }); // undefined
 */
export function progressOf(data: unknown): number | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const record = data as Record<string, unknown>;
  if (isNumber(record.percent)) return clamp(record.percent / 100);
  if (isNumber(record.progress)) return clamp(record.progress);
  if (typeof record.progress === 'object' && record.progress !== null) {
    const nested = progressOf(record.progress);
    if (nested !== undefined) return nested;
  }
  if (isNumber(record.step) && isNumber(record.steps) && record.steps > 0) return clamp(record.step / record.steps);
  if (isNumber(record.total) && record.total > 0) {
    const part = [record.current, record.completed, record.done].find(isNumber);
    if (part !== undefined) return clamp(part / record.total);
  }
  return undefined;
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const clamp = (fraction: number) => Math.min(1, Math.max(0, fraction));
