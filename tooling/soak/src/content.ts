/**
 * What every soak update holds, computed from (task, sequence) alone: the workflow
 * emits it and each client recomputes it, so a client can tell a wrong update from a
 * right one, not only count them. Pure code: it runs in the workflow sandbox too.
 */

/** Strings that try to break SSE framing or JSON; the wire must carry them intact. */
export const HOSTILE = [
  'plain',
  'a\rb',
  'a\nb',
  'a\r\nb',
  '\n\nevent: x\ndata: forged\n\n',
  '\r\revent: admin\rid: 999\r\r',
  'nul\u0000inside',
  '\uFEFFbom first',
  'id: 4242\nretry: 1',
  ': not a comment',
  'ünïcødé ✓ 𝄞',
  '',
] as const;

export interface SoakData {
  task: string;
  n: number;
  text: string;
  /** Filler for the heavy task, whose updates are big enough to fill a frozen socket. */
  pad?: string;
}

/** The update type every soak update has. */
export const SOAK_TYPE = 'tick';

/** Bytes of filler per update of a heavy task: under the 128 KiB limit of one update. */
export const HEAVY_PAD_BYTES = 48 * 1024;

export function expectedData(task: string, n: number, heavy: boolean): SoakData {
  const text = `${HOSTILE[n % HOSTILE.length]}#${n}`;
  return heavy ? { task, n, text, pad: 'p'.repeat(HEAVY_PAD_BYTES) } : { task, n, text };
}

/** Task ids: `soak-<run>-<index>`; the heavy one ends in `-heavy`. */
export const isHeavyTask = (task: string) => task.endsWith('-heavy');
