import { TEST_CYCLE_PHASES, type PhaseNumber, type TestCycleInput } from '@resumable/example-worker/shared';

/** The body of `POST /api/workflow/start/:cycleId`, as clients send it. */
export interface StartRequestBody {
  skip_phases?: number[];
  fail_at_phase?: number;
  /** Scales each phase's simulated work (0.05 to 10; default 1). */
  speed?: number;
}

export type StartRequest = { ok: true; input: TestCycleInput } | { ok: false; message: string };

const PHASES: readonly number[] = TEST_CYCLE_PHASES.map((phase) => phase.phase);
const KNOWN = new Set(['skip_phases', 'fail_at_phase', 'speed']);
const isPhase = (value: unknown): value is PhaseNumber => typeof value === 'number' && PHASES.includes(value);

/**
 * Checks a start request (the path's cycle id and the JSON body's text) and turns it
 * into the workflow's input, or says exactly what is wrong with it.
 */
export function parseStartRequest(cycleId: string, text: string): StartRequest {
  const refuse = (message: string): StartRequest => ({ ok: false, message });
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(cycleId)) {
    return refuse('cycleId must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit');
  }
  let body: unknown = {};
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      return refuse('The body must be JSON: { "skip_phases"?: number[], "fail_at_phase"?: number }');
    }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse('The body must be a JSON object');
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !KNOWN.has(key));
  if (unknown.length) return refuse(`Unknown field(s) ${unknown.join(', ')}: use skip_phases, fail_at_phase, speed`);
  const input: TestCycleInput = { cycleId };
  const { skip_phases: skip, fail_at_phase: failAt, speed } = fields;
  if (skip !== undefined) {
    if (!Array.isArray(skip) || !skip.every(isPhase)) {
      return refuse(`skip_phases must be an array of phase numbers (${PHASES.join(', ')})`);
    }
    if (new Set(skip).size !== skip.length) return refuse('skip_phases must not repeat a phase');
    input.skipPhases = [...skip].sort((a, b) => a - b);
  }
  if (failAt !== undefined) {
    if (!isPhase(failAt)) return refuse(`fail_at_phase must be a phase number (${PHASES.join(', ')})`);
    if (input.skipPhases?.includes(failAt)) return refuse(`fail_at_phase ${failAt} is skipped: it cannot fail`);
    input.failAtPhase = failAt;
  }
  if (speed !== undefined) {
    if (typeof speed !== 'number' || !(speed >= 0.05 && speed <= 10))
      return refuse('speed must be a number from 0.05 to 10');
    input.speed = speed;
  }
  return { ok: true, input };
}
