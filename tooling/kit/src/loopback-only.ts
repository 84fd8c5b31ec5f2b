/**
 * A browser on a machine with no network but loopback: Chromium then reports
 * `navigator.onLine === false` (it counts only non-loopback interfaces), which is
 * what a VPN, a captive portal or a loopback-only dev box do to real users.
 *
 * Chromium runs in a network namespace of its own with only `lo` up (`unshare`,
 * `nsenter` from util-linux, `ip` from iproute2). The servers it must reach stay
 * where they are: inside the namespace a relay listens on the same 127.0.0.1 ports
 * and hands each connection through a Unix socket (files cross namespaces) to a relay
 * outside, which connects to the real port. URLs and origins stay unchanged.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The relay inside the namespace: 127.0.0.1:<port> → <dir>/<port>.sock, for each port given. */
const INNER_RELAY = `
const net = require('node:net');
const [dir, ...ports] = process.argv.slice(1);
let open = 0;
for (const port of ports) {
  net.createServer((inbound) => {
    const outbound = net.connect(dir + '/' + port + '.sock');
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
  }).listen(Number(port), '127.0.0.1', () => {
    if (++open === ports.length) process.stdout.write('ready\\n');
  });
}
`;

export interface LoopbackOnly {
  /** A Chromium to launch (Playwright's `executablePath`) that runs inside the namespace. */
  chromiumPath: string;
  close(): Promise<void>;
}

function pipe(a: Socket, b: Socket): void {
  a.pipe(b).pipe(a);
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
}

/**
 * Starts the namespace and the relays for `ports` (servers on 127.0.0.1) and returns
 * a Chromium launcher inside it. Needs root or unprivileged user namespaces.
 */
export async function startLoopbackOnly(ports: number[], chromium: string): Promise<LoopbackOnly> {
  const dir = mkdtempSync(join(tmpdir(), 'resumable-loopback-'));
  const outer: Server[] = [];
  for (const port of ports) {
    const server = createServer((inbound) => pipe(inbound, connect(port, '127.0.0.1')));
    server.listen(join(dir, `${port}.sock`));
    await once(server, 'listening');
    outer.push(server);
  }
  const inner: ChildProcess = spawn(
    'unshare',
    [
      '--net',
      '--map-root-user',
      'sh',
      '-c',
      'ip link set lo up && exec "$0" -e "$1" "$2" $3',
      process.execPath,
      INNER_RELAY,
      dir,
      ports.join(' '),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const ready = new Promise<void>((resolve, reject) => {
    inner.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    inner.once('exit', (code) =>
      reject(
        new Error(
          `the loopback-only namespace ended at once (exit ${code}): are unshare and ip installed, and may this user create namespaces?`,
        ),
      ),
    );
    inner.once('error', reject);
  });
  await ready;
  const chromiumPath = join(dir, 'chromium');
  writeFileSync(
    chromiumPath,
    `#!/bin/sh\nexec nsenter --target ${inner.pid} --user --net --preserve-credentials -- ${JSON.stringify(chromium)} "$@"\n`,
  );
  chmodSync(chromiumPath, 0o755);
  return {
    chromiumPath,
    async close() {
      if (inner.exitCode === null) {
        inner.kill();
        await once(inner, 'exit');
      }
      await Promise.all(outer.map((server) => new Promise((resolve) => server.close(resolve))));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
