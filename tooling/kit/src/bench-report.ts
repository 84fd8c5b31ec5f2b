import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';

// The repository root: this file is tooling/kit/src/bench-report.ts.
const FILE = resolve(import.meta.dirname, '..', '..', '..', 'BENCHMARKS.md');
const HEADER = `# Benchmarks

Figures written by the benchmark scripts (\`pnpm bench\`), one section per package.
They are measurements, not test assertions. Each section says when and where it ran.
`;

/** The machine a figure was taken on, for the section's first line. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `Measured ${new Date().toISOString()} on ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}.`;
}

/**
 * Replaces (or appends) one package's section of BENCHMARKS.md, leaving the other
 * packages' sections as they are.
 */
export function writeBenchSection(name: string, markdown: string): void {
  writeMarkedSection(FILE, HEADER, `bench:${name}`, markdown);
}

/**
 * Replaces (or appends) the section between `<!-- marker -->` and `<!-- /marker -->`
 * of a figures file (BENCHMARKS.md, RELIABILITY.md), creating it with `header`.
 */
export function writeMarkedSection(file: string, header: string, marker: string, markdown: string): void {
  const start = `<!-- ${marker} -->`;
  const end = `<!-- /${marker} -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : header;
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from >= 0 && to > from
      ? current.slice(0, from) + block + current.slice(to + end.length)
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}

/** p-th percentile of a list of numbers (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** The next IPC message of `type` from a benchmark's child process; rejects if the child exits first. */
export function nextMessage<T>(proc: ChildProcess, type: string): Promise<T> {
  return new Promise((ok, fail) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return;
      proc.off('message', onMessage);
      proc.off('exit', onExit);
      ok(message as T);
    };
    const onExit = (code: number | null) => fail(new Error(`child exited (${code}) while waiting for ${type}`));
    proc.on('message', onMessage);
    proc.once('exit', onExit);
  });
}

/**
 * A benchmark child's clock minus ours, NTP-style over IPC: the child answers
 * `{ type: 'ping', id }` with `{ type: 'pong', id, at }` (`at` on its
 * `performance.timeOrigin + performance.now()`); the ping with the smallest round trip
 * wins, and the offset is within ± half that round trip.
 */
export async function clockOffset(proc: ChildProcess, pings = 50): Promise<{ offset: number; rtt: number }> {
  const now = () => performance.timeOrigin + performance.now();
  let best = { offset: 0, rtt: Number.POSITIVE_INFINITY };
  for (let id = 0; id < pings; id++) {
    const pong = nextMessage<{ at: number }>(proc, 'pong');
    const sent = now();
    proc.send({ type: 'ping', id });
    const { at } = await pong;
    const back = now();
    if (back - sent < best.rtt) best = { offset: at - (sent + back) / 2, rtt: back - sent };
  }
  return best;
}
