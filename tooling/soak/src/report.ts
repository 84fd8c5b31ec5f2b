/** Writes the soak's section of RELIABILITY.md. */
import { resolve } from 'node:path';
import { machineLine, writeMarkedSection } from '@resumable/kit/bench-report';
import { CHECKS, kindsLine, type CheckTotals, type Gaps, type Heal } from './figures';
import type { ProxyStats } from './proxy';

export interface SoakConfig {
  tasks: number;
  updates: number;
  clients: number;
  tabs: number;
  durationS: number;
  seed: number;
  redisDownMs: number;
  freezeMs: number;
  gapMs: number;
  short: boolean;
}

const FILE = resolve(import.meta.dirname, '../../..', 'RELIABILITY.md');
const HEADER = `# Reliability

Faults Resumable was put through and what every client saw, written by the scripts
and tests named in each section. Each section says when and where it ran.
`;

export function writeReliability(
  config: SoakConfig,
  sum: CheckTotals,
  healed: Heal[],
  baseline: Gaps,
  traffic: ProxyStats & { reconnects: number },
): void {
  const ms = (value: number) => (Number.isNaN(value) ? '–' : `${Math.round(value)} ms`);
  const rows = healed.map(
    (heal) =>
      `| ${heal.fault.name} | ${ms(heal.fault.restoredAt - heal.fault.startedAt)} | ${heal.clients} | ${ms(heal.p50)} | ${ms(heal.p99)} | ${ms(heal.max)} | ${heal.fault.note ?? ''} |`,
  );
  writeMarkedSection(
    FILE,
    HEADER,
    'reliability:soak',
    `## The chaos soak (\`pnpm soak${config.short ? ' --short' : ''}\`)

${machineLine()} Seed ${config.seed}.

On loopback: a Temporal dev server on a SQLite file, the worker in its own process,
two recovery-server processes sharing a real \`redis-server\` bus, and a TCP proxy in
front of them that sends each new connection to the next server and cuts 30% of
connections 1–8 s after they open. ${config.tasks} workflows emit ${config.updates} known updates each
over about ${config.durationS} s (hostile strings: CR, LF, CRLF, \`\\n\\nevent: x\`, NUL, BOM, forged
\`id:\`/\`retry:\` lines; every 50th update is preceded by a 1 MiB one the log refuses
with \`PAYLOAD_TOO_LARGE\`), plus one heavy workflow of 48 KiB updates. ${sum.clients} clients,
half the spec-strict \`eventsource\` package and half raw HTTP with our parser (which
sees every event name), ${config.tabs} headless Chromium tabs (the native \`EventSource\` and
\`useTemporalSubscription\`, in turn; every list the hook rendered must be a prefix of the
durable log), plus one slow consumer reading a server directly. Faults, one
at a time, ${config.gapMs / 1000} s apart, each restarted.

| check, over all clients | count |
|---|---|
${CHECKS.map((check) => `| ${check} | **${sum[check]}** |`).join('\n')}
| clients with every update and the end | ${sum.complete} / ${sum.clients} (${kindsLine(sum)}) |

Connections: ${traffic.connections} through the proxy, ${traffic.cuts} cut by it, ${traffic.failovers} sent to the other
server because one was down; ${traffic.reconnects} reconnects in all.

Heal time, per client that was mid-task when a fault began: from its last update before
the fault to its first update after. For comparison, the first row is the usual wait
between two deliveries (bursts of updates) to a client before the first fault (the workflows emit every 500 ms;
under this load the servers' confirming reads coalesce, so updates arrive in bursts).

| fault | restart took | clients | p50 | p99 | max | note |
|---|---|---|---|---|---|---|
| (none: the cadence before the first fault) | – | ${sum.clients} | ${ms(baseline.p50)} | ${ms(baseline.p99)} | ${ms(baseline.max)} | |
${rows.join('\n')}
`,
  );
}
