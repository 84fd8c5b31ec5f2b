/**
 * The fetch handler under another runtime: Bun (its Linux x64 build comes from the npm
 * registry, `@oven/bun-linux-x64`), serving `server.fetch` with `Bun.serve` and the real
 * Temporal client, with the dev server and a worker whose updates arrive over the HTTP
 * bus. A live task streams exactly its durable log; a recovery page arrives compressed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { createHttpBusSender } from '@resumable/sse-publisher';
import { temporalTestServer } from '@resumable/temporal-dev/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET, startHarness, type Harness } from '../harness';
import { expectLiveStream } from './live-stream';

const BUS_SECRET = 'bun-bus-secret-of-at-least-32-characters';
const require = createRequire(import.meta.url);
/** Bun's binary, from the npm package that ships it for Linux x64 (a root optional dependency). */
const BUN = join(dirname(require.resolve('@oven/bun-linux-x64/package.json')), 'bin', 'bun');

describe('Bun.serve({ fetch: server.fetch }), the README example', () => {
  let bun: ChildProcess;
  let output = '';
  let origin = '';
  let harness: Harness;
  let sender: ReturnType<typeof createHttpBusSender>;

  beforeAll(async () => {
    const temporal = temporalTestServer();
    bun = spawn(BUN, [join(import.meta.dirname, '..', 'fixtures', 'bun-server.ts')], {
      env: {
        ...process.env,
        RESUMABLE_SECRET: SECRET,
        RESUMABLE_BUS_SECRET: BUS_SECRET,
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_NAMESPACE: temporal.namespace,
        PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    bun.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      const lines = createInterface({ input: bun.stdout! });
      lines.on('line', (line) => {
        output += `${line}\n`;
        const port = (JSON.parse(line.startsWith('{') ? line : '{}') as { port?: number }).port;
        if (port) resolve(port);
      });
      bun.once('exit', (code) => reject(new Error(`bun exited ${code}: ${output}`)));
    });
    origin = `http://127.0.0.1:${port}`;
    sender = createHttpBusSender({ url: `${origin}/api/resumable/bus`, secret: BUS_SECRET, onError: () => undefined });
    harness = await startHarness({ workerBus: sender });
  });
  afterAll(async () => {
    await harness?.close();
    await sender?.close();
    bun?.kill();
  });

  it('runs under Bun: a live task streams exactly its durable log; a recovery page comes compressed', async () => {
    const taskId = `bun-${Date.now().toString(36)}`;
    const token = await harness.token([taskId]);
    await expectLiveStream({ origin, token, taskId, harness, steps: 3, perStep: 4 });
    const page = await fetch(`${origin}/api/temporal/recovery/${taskId}?limit=500`, {
      headers: { Authorization: `Bearer ${token}`, 'Accept-Encoding': 'gzip' },
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('vary')).toContain('Accept-Encoding');
    expect(page.headers.get('content-encoding')).toBe('gzip');
    expect(await page.json()).toMatchObject({ taskId, lastSequence: 13 });
    expect(output).not.toMatch(/\[resumable\]/);
  });
});
