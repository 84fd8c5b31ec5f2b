import { describe, expect, it } from 'vitest';
import { parseStartRequest } from './start-request';

describe('parseStartRequest', () => {
  it('turns a valid request into the workflow input', () => {
    expect(parseStartRequest('CYCLE-Q4', '{"skip_phases":[7,2],"fail_at_phase":5,"speed":0.2}')).toEqual({
      ok: true,
      input: { cycleId: 'CYCLE-Q4', skipPhases: [2, 7], failAtPhase: 5, speed: 0.2 },
    });
    expect(parseStartRequest('c1', '')).toEqual({ ok: true, input: { cycleId: 'c1' } });
  });

  it('refuses with a message naming what is wrong', () => {
    const message = (cycleId: string, body: string) => {
      const parsed = parseStartRequest(cycleId, body);
      return parsed.ok ? null : parsed.message;
    };
    expect(message('bad id!', '')).toMatch(/^cycleId must be/);
    expect(message('c', '{')).toMatch(/^The body must be JSON/);
    expect(message('c', '[1]')).toBe('The body must be a JSON object');
    expect(message('c', '{"skip":[1]}')).toBe('Unknown field(s) skip: use skip_phases, fail_at_phase, speed');
    expect(message('c', '{"skip_phases":[9]}')).toBe(
      'skip_phases must be an array of phase numbers (1, 2, 3, 4, 5, 6, 7, 8)',
    );
    expect(message('c', '{"skip_phases":"2"}')).toMatch(/^skip_phases must be an array/);
    expect(message('c', '{"skip_phases":[2,2]}')).toBe('skip_phases must not repeat a phase');
    expect(message('c', '{"fail_at_phase":0}')).toBe('fail_at_phase must be a phase number (1, 2, 3, 4, 5, 6, 7, 8)');
    expect(message('c', '{"fail_at_phase":2.5}')).toMatch(/^fail_at_phase must be/);
    expect(message('c', '{"skip_phases":[3],"fail_at_phase":3}')).toBe('fail_at_phase 3 is skipped: it cannot fail');
    expect(message('c', '{"speed":0}')).toBe('speed must be a number from 0.05 to 10');
  });
});
