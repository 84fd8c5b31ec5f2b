/** Milliseconds as the dashboard shows them: "850 ms", "2.4 s". */
export const formatMs = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '–' : ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;

/** A rate in [0, 1] as a percentage, "–" when there is none. */
export const formatRate = (rate: number | null | undefined): string =>
  rate === null || rate === undefined ? '–' : `${Math.round(rate * 100)}%`;

/** The colour of each phase in the charts (by phase number). */
export const PHASE_COLOURS = ['#3b5bdb', '#2f9e44', '#e8890c', '#7048e8', '#0c8599', '#d6336c', '#5c940d', '#868e96'];
export const phaseColour = (phase: number) => PHASE_COLOURS[(phase - 1) % PHASE_COLOURS.length] as string;
