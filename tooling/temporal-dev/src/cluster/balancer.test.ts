import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startBalancer, type Balancer } from './balancer';

/** A TCP server on a free loopback port that answers every line with `<name>:<line>`. */
async function namedEcho(name: string): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => socket.write(`${name}:${chunk}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, sockets };
}

/** A port nothing listens on (bound, then released). */
async function deadPort(): Promise<number> {
  const { server, port } = await namedEcho('dead');
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Connects through `port`, sends `line`, resolves with the first answer, or with `closed` when the balancer closes (or resets) it. */
function ask(port: number, line: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setEncoding('utf8');
    socket.once('data', (answer: string) => {
      socket.destroy();
      resolve(answer);
    });
    socket.once('close', () => resolve('closed'));
    socket.once('error', () => resolve('closed'));
    socket.write(line);
  });
}

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function balance(
  targets: number[],
  options: { inRotation?: (index: number) => boolean } = {},
): Promise<Balancer> {
  const balancer = await startBalancer({ targets: targets.map((port) => `127.0.0.1:${port}`), ...options });
  cleanup.push(() => balancer.close());
  return balancer;
}

async function echo(name: string) {
  const target = await namedEcho(name);
  cleanup.push(
    () =>
      new Promise((resolve) => {
        for (const socket of target.sockets) socket.destroy();
        target.server.close(resolve);
      }),
  );
  return target;
}

describe('startBalancer', () => {
  it('hands new connections to the targets in turn, bytes both ways', async () => {
    const [a, b] = [await echo('a'), await echo('b')];
    const balancer = await balance([a.port, b.port]);
    expect(balancer.address).toBe(`127.0.0.1:${balancer.port}`);
    const answers = [];
    for (const line of ['1', '2', '3', '4']) answers.push(await ask(balancer.port, line));
    expect(answers).toEqual(['a:1', 'b:2', 'a:3', 'b:4']);
    expect(balancer.stats).toMatchObject({ connections: 4, failovers: 0, refused: 0 });
  });

  it('skips a target that refuses, and closes the connection when none accepts', async () => {
    const b = await echo('b');
    const balancer = await balance([await deadPort(), b.port]);
    expect([await ask(balancer.port, 'x'), await ask(balancer.port, 'y')]).toEqual(['b:x', 'b:y']);
    expect(balancer.stats.failovers).toBe(1);

    const none = await balance([await deadPort(), await deadPort()]);
    expect(await ask(none.port, 'z')).toBe('closed');
    expect(none.stats.refused).toBe(1);
  });

  it('leaves a target out of rotation while told to', async () => {
    const [a, b] = [await echo('a'), await echo('b')];
    let aIn = false;
    const balancer = await balance([a.port, b.port], { inRotation: (index) => index !== 0 || aIn });
    expect([await ask(balancer.port, '1'), await ask(balancer.port, '2')]).toEqual(['b:1', 'b:2']);
    aIn = true;
    expect(await ask(balancer.port, '3')).toBe('a:3');
  });

  it("closes the client's side when its target goes away, and the reconnect lands on another", async () => {
    const [a, b] = [await echo('a'), await echo('b')];
    const balancer = await balance([a.port, b.port]);
    const socket = connect(balancer.port, '127.0.0.1');
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.setEncoding('utf8');
    const first = new Promise((resolve) => socket.once('data', resolve));
    socket.write('hello');
    expect(await first).toBe('a:hello');
    expect(balancer.stats.open).toEqual([1, 0]);
    // Target a dies: its sockets close, as a killed process's do.
    for (const peer of a.sockets) peer.destroy();
    a.server.close();
    await closed;
    await expect.poll(() => balancer.stats.open).toEqual([0, 0]);
    // Round robin says b next anyway; the one after that would be a, which now refuses.
    expect([await ask(balancer.port, '1'), await ask(balancer.port, '2')]).toEqual(['b:1', 'b:2']);
    expect(balancer.stats.failovers).toBe(1);
  });

  it('refuses a target that is not host:port', async () => {
    await expect(startBalancer({ targets: ['localhost'] })).rejects.toMatchObject({ code: 'CLUSTER_BAD_OPTIONS' });
    await expect(startBalancer({ targets: [] })).rejects.toMatchObject({ code: 'CLUSTER_BAD_OPTIONS' });
  });
});
