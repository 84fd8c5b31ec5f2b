/**
 * A TCP proxy in front of the recovery servers, on loopback: each new connection goes
 * to the next server in turn (so a reconnecting client usually switches servers), to
 * the other one when that one refuses, and some connections are cut at a random
 * moment, the way a mobile network or a load balancer's idle timeout cuts them.
 * Backpressure passes through (`pipe`), so a slow client stays slow for the server.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface ProxyOptions {
  backends: number[];
  /** Share of connections cut at a random moment. */
  cutShare: number;
  /** A cut connection lives between these, ms. */
  lifeMs: [number, number];
  random: () => number;
}

export interface ProxyStats {
  connections: number;
  cuts: number;
  /** Connections sent to another server because the chosen one refused. */
  failovers: number;
  refused: number;
}

export interface Proxy {
  port: number;
  stats: ProxyStats;
  close(): Promise<void>;
}

export async function startProxy(options: ProxyOptions): Promise<Proxy> {
  const stats: ProxyStats = { connections: 0, cuts: 0, failovers: 0, refused: 0 };
  const open = new Set<Socket>();
  let next = 0;

  const dial = (index: number, tries: number, client: Socket) => {
    const upstream = connect(options.backends[index % options.backends.length] as number, '127.0.0.1');
    let connected = false;
    upstream.once('error', () => {
      if (!connected) {
        // Refused (the server is down): the next one, once each.
        if (tries + 1 < options.backends.length && !client.destroyed) {
          stats.failovers++;
          return dial(index + 1, tries + 1, client);
        }
        stats.refused++;
      }
      client.destroy();
    });
    upstream.once('connect', () => {
      connected = true;
      open.add(upstream);
      upstream.once('close', () => open.delete(upstream));
      client.pipe(upstream);
      upstream.pipe(client);
      upstream.once('close', () => client.destroy());
      client.once('close', () => upstream.destroy());
      if (options.random() < options.cutShare) {
        const [min, max] = options.lifeMs;
        const timer = setTimeout(
          () => {
            if (client.destroyed) return;
            stats.cuts++;
            client.destroy();
            upstream.destroy();
          },
          min + options.random() * (max - min),
        );
        client.once('close', () => clearTimeout(timer));
      }
    });
  };

  const server: Server = createServer((client) => {
    stats.connections++;
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    dial(next++, 0, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('proxy: no address');
  return {
    port: address.port,
    stats,
    close: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
