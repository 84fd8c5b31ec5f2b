/**
 * Wire bytes of a 10,000-update catch-up, uncompressed and compressed: every recovery
 * page of a completed workflow (500 updates a page) and its `/latest`, read as raw bytes
 * off a loopback socket with `Accept-Encoding: identity`, `gzip` and `br`, and the task
 * stream from 0 to `end` (never compressed) for comparison. Two logs: `tickingTask`
 * (`{ n }` per update, the smallest) and `richTask` (unicode, escapes, nesting).
 * Figures go to BENCHMARKS.md (section `recovery-server-compression`).
 *
 *   pnpm --filter @resumable/recovery-server bench:compression
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { UpdatesPage } from '@resumable/protocol';
import { machineLine, percentile, writeBenchSection } from '@resumable/kit/bench-report';
import { createRecoveryServer } from '../src/index';
import { cleanupStack, listen, startLogWorker, startTemporal } from './bench-kit';
import type { richTask, tickingTask } from '../test/workflows';

const UPDATES = 10_000;
const PAGE = 500;
const ROUNDS = 3;
const SECRET = 'bench-secret-that-is-at-least-32-characters';
const CODINGS = ['identity', 'gzip', 'br'] as const;
type Coding = (typeof CODINGS)[number];

interface Read {
  wire: number;
  ms: number;
}

function decode(body: Buffer, coding: string): string {
  const bytes = coding === 'br' ? brotliDecompressSync(body) : coding === 'gzip' ? gunzipSync(body) : body;
  return bytes.toString('utf8');
}

/** One GET, counting the body's bytes as they cross the socket (no decoding). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ wire: number; coding: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        if (res.statusCode !== 200) reject(new Error(`${url}: HTTP ${res.statusCode} ${body.toString()}`));
        else resolve({ wire: body.byteLength, coding: String(res.headers['content-encoding'] ?? 'identity'), body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0] ?? '?';

async function main(): Promise<void> {
  const loadStart = loadAverage();
  const cleanups = cleanupStack(300_000);
  try {
    const started = await startTemporal(cleanups, 'resumable-compression-bench');
    const { temporal } = started;
    const taskQueue = await startLogWorker(cleanups, started, 'compression');
    const server = createRecoveryServer({
      temporal: { client: temporal.client },
      auth: { secret: SECRET },
      onError: () => undefined,
    });
    const instance = await listen(server);
    cleanups.push(() => instance.close());

    const logs: { name: string; taskId: string }[] = [];
    const ticking = `ticking-${randomUUID()}`;
    await temporal.client.workflow.execute<typeof tickingTask>('tickingTask', {
      taskQueue,
      workflowId: ticking,
      args: [{ count: UPDATES }],
    });
    logs.push({ name: '`tickingTask` (`{ n }`)', taskId: ticking });
    const rich = `rich-${randomUUID()}`;
    await temporal.client.workflow.execute<typeof richTask>('richTask', {
      taskQueue,
      workflowId: rich,
      args: [{ count: UPDATES - 1, runs: 1 }],
    });
    logs.push({ name: '`richTask` (unicode, escapes, nesting)', taskId: rich });

    const rows: string[] = [];
    for (const { name, taskId } of logs) {
      const token = await server.mintToken({ subject: 'bench', tasks: [taskId], actions: ['read'] });
      const auth = { Authorization: `Bearer ${token}` };
      const pages = new Map<Coding, Read[]>();
      const latest = new Map<Coding, number>();
      // Warm the closed log once, so every coding reads from memory.
      await rawGet(`${instance.baseUrl}/temporal/recovery/${taskId}?sinceSequence=0&limit=${PAGE}`, auth);
      for (let round = 0; round < ROUNDS; round++) {
        for (const coding of round % 2 === 0 ? CODINGS : [...CODINGS].reverse()) {
          const headers = { ...auth, 'Accept-Encoding': coding };
          const started = performance.now();
          let wire = 0;
          let updates = 0;
          for (let since = 0; ;) {
            const page = await rawGet(
              `${instance.baseUrl}/temporal/recovery/${taskId}?sinceSequence=${since}&limit=${PAGE}`,
              headers,
            );
            if (page.coding !== coding) throw new Error(`asked ${coding}, got ${page.coding}`);
            wire += page.wire;
            const parsed = JSON.parse(decode(page.body, page.coding)) as UpdatesPage;
            updates += parsed.updates.length;
            if (!parsed.hasMore) break;
            since = parsed.updates.at(-1)!.sequence;
          }
          if (updates !== UPDATES) throw new Error(`${coding}: read ${updates} updates`);
          pages.set(coding, [...(pages.get(coding) ?? []), { wire, ms: performance.now() - started }]);
          latest.set(coding, (await rawGet(`${instance.baseUrl}/temporal/recovery/${taskId}/latest`, headers)).wire);
        }
      }
      const stream = await streamBytes(`${instance.baseUrl}/temporal/stream/${taskId}`, auth);
      const identity = pages.get('identity')![0]!.wire;
      for (const coding of CODINGS) {
        const reads = pages.get(coding)!;
        const wire = reads[0]!.wire;
        rows.push(
          `| ${name} | recovery pages, ${coding} | ${(wire / 1024).toFixed(0)} KiB | **${(wire / UPDATES).toFixed(1)}** | ${(identity / wire).toFixed(1)}× | ${Math.round(
            percentile(
              reads.map((read) => read.ms),
              50,
            ),
          )} ms | ${(latest.get(coding)! / 1024).toFixed(0)} KiB |`,
        );
      }
      rows.push(
        `| ${name} | task stream from 0 (never compressed) | ${(stream / 1024).toFixed(0)} KiB | ${(stream / UPDATES).toFixed(1)} | — | — | — |`,
      );
      console.log(`[bench] ${name}: identity ${identity} B, stream ${stream} B`);
    }

    writeBenchSection(
      'recovery-server-compression',
      [
        '## recovery-server: compressed catch-up',
        '',
        machineLine(),
        `One run of \`packages/recovery-server/bench/compression.bench.ts\`: a Temporal dev server started by the script, a worker and the recovery server (default options: compression on, closed logs in memory) in one process on 127.0.0.1. Each log has ${UPDATES.toLocaleString('en-US')} updates from a completed workflow; the client reads every recovery page (${PAGE} updates a page) with one \`Accept-Encoding\`, counting the body bytes as they arrive on the socket (headers not counted), ${ROUNDS} rounds with the codings interleaved; bytes are the same every round, the read time is the median. \`/latest\` holds the newest 2,000 updates. The task stream's catch-up burst is the same log as SSE events, uncompressed.`,
        '',
        '| log | what | body bytes on the wire | bytes per update | smaller by | all pages read in | `/latest` |',
        '|---|---|---|---|---|---|---|',
        ...rows,
        '',
        `Settings: gzip level 6, brotli quality 5 (answers are made per request). Answers under 1 KiB are sent as they are. Load average (1 min) at the start ${loadStart}, at the end ${loadAverage()}: the machine is shared, so the read times include other work; the byte counts do not depend on it.`,
        '',
        'Run it: `pnpm --filter @resumable/recovery-server bench:compression`.',
      ].join('\n'),
    );
    console.log('[bench] BENCHMARKS.md updated');
  } finally {
    await cleanups.run();
  }
}

/** Bytes of a task stream from `Last-Event-ID: 0` until its `end` event. */
function streamBytes(url: string, auth: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { ...auth, Accept: 'text/event-stream', 'Last-Event-ID': '0' } }, (res) => {
      let bytes = 0;
      let tail = '';
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.byteLength;
        tail = (tail + chunk.toString('utf8')).slice(-4096);
        if (/\nevent: end\n/.test(`\n${tail}`)) {
          res.destroy();
          resolve(bytes);
        }
      });
      res.on('error', () => undefined);
      res.on('end', () => resolve(bytes));
    });
    req.on('error', reject);
    req.end();
  });
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
