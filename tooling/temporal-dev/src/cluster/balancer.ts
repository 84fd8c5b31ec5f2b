/*
 * A loopback TCP balancer for the cluster's frontends: what a load balancer in front
 * of Temporal's frontends does in production, small enough to run inside a test.
 *
 *   client ──TCP──▶ balancer ──▶ node k's frontend   (k: next in turn that accepts)
 *
 *   new connection ─▶ dial node `next` ─ refused ─▶ dial the node after it … ─ none ─▶ close
 *                          │ accepted
 *                          ▼
 *                     pipe both ways ── either side closes ─▶ close the other
 *
 * It balances connections, not calls: a gRPC client keeps its one HTTP/2 connection,
 * so it stays on its node until that connection breaks. Killing a node closes its
 * sockets, the balancer closes the client's side, and the client's next connection
 * goes to a node that accepts. TLS passes through untouched (mTLS works end to end).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { TemporalDevError } from '../errors';

/**
 * Options of `startBalancer`.
 *
 * @example
 * const options: BalancerOptions = { targets: ['127.0.0.1:7233', '127.0.0.1:7243'], port: 7232 };
 */
export interface BalancerOptions {
  /** The upstream frontends as `host:port`, node 1 first. */
  targets: string[];
  /** Port on 127.0.0.1 (default 0: any free port). */
  port?: number;
  /**
   * Whether target `index` (0-based) may take new connections now; all may by default.
   * A node that is starting can accept TCP before it serves gRPC: leave it out until it does.
   */
  inRotation?: (index: number) => boolean;
  /** Longest wait for a target to accept before trying the next, ms (default 2000). */
  connectTimeoutMs?: number;
}

/**
 * Counters of a running balancer.
 *
 * @example
 * const [onNode1, onNode2] = balancer.stats.open;
 */
export interface BalancerStats {
  /** Client connections accepted. */
  connections: number;
  /** Connections sent to another node because the one in turn refused or was out of rotation. */
  failovers: number;
  /** Connections closed because no node accepted. */
  refused: number;
  /** Connections open now to each target, node 1 first. */
  open: number[];
}

/**
 * A running balancer, as `startBalancer` returns it.
 *
 * @example
 * const balancer: Balancer = await startBalancer({ targets: cluster.addresses });
 * process.env.TEMPORAL_ADDRESS = balancer.address;
 */
export interface Balancer {
  /** `127.0.0.1:<port>`: the address to give clients and workers. */
  address: string;
  port: number;
  stats: BalancerStats;
  /** Stops accepting and closes every connection through it. Safe to call twice. */
  close(): Promise<void>;
}

function parseTarget(target: string): { host: string; port: number } {
  const at = target.lastIndexOf(':');
  const port = Number(target.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TemporalDevError('CLUSTER_BAD_OPTIONS', `balancer target "${target}" is not host:port`);
  }
  return { host: target.slice(0, at), port };
}

/**
 * Starts a TCP balancer on 127.0.0.1 that hands each new connection to the next target
 * in turn (round robin), skipping targets that refuse, do not accept within
 * `connectTimeoutMs`, or are out of rotation. `startCluster({ balancer: true })` runs
 * one in front of its nodes; this is the same balancer for any list of addresses.
 *
 * @example
 * const balancer = await startBalancer({ targets: ['127.0.0.1:7233', '127.0.0.1:7243'] });
 * const connection = await Connection.connect({ address: balancer.address });
 * // …kill the node the connection is on: its next call reconnects to the other one.
 * await balancer.close();
 */
export async function startBalancer(options: BalancerOptions): Promise<Balancer> {
  const targets = options.targets.map(parseTarget);
  if (targets.length === 0) throw new TemporalDevError('CLUSTER_BAD_OPTIONS', 'a balancer needs at least one target');
  const connectTimeoutMs = options.connectTimeoutMs ?? 2_000;
  const inRotation = options.inRotation ?? (() => true);
  const stats: BalancerStats = { connections: 0, failovers: 0, refused: 0, open: targets.map(() => 0) };
  const sockets = new Set<Socket>();
  let next = 0;

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  /** Dials target `start + tried`, then the ones after it, until one accepts. */
  const dial = (client: Socket, start: number, tried: number) => {
    if (client.destroyed) return;
    if (tried >= targets.length) {
      stats.refused++;
      client.destroy();
      return;
    }
    const index = (start + tried) % targets.length;
    const tryNext = () => {
      stats.failovers++;
      dial(client, start, tried + 1);
    };
    if (!inRotation(index)) return tryNext();
    const { host, port } = targets[index]!;
    const upstream = connect({ host, port });
    upstream.setNoDelay(true);
    const timer = setTimeout(() => upstream.destroy(new Error('connect timeout')), connectTimeoutMs);
    let connected = false;
    upstream.once('error', () => {
      clearTimeout(timer);
      // Refused or timed out: the next target. A reset after the connect ends the client's connection too.
      if (!connected) tryNext();
      else client.destroy();
    });
    upstream.once('connect', () => {
      clearTimeout(timer);
      connected = true;
      track(upstream);
      stats.open[index]!++;
      upstream.once('close', () => {
        stats.open[index]!--;
        // The node went away (killed, stopped): the client must reconnect, through us,
        // elsewhere. `end` lets what the node sent last reach the client first.
        client.end();
      });
      client.once('close', () => upstream.destroy());
      // Until now the client's bytes (the HTTP/2 preface, a TLS hello) waited, paused, in its socket.
      client.pipe(upstream);
      upstream.pipe(client);
    });
  };

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    stats.connections++;
    track(client);
    client.setNoDelay(true);
    client.on('error', () => client.destroy());
    const start = next;
    next = (next + 1) % targets.length;
    dial(client, start, 0);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause: NodeJS.ErrnoException) =>
      reject(
        new TemporalDevError('CLUSTER_BAD_OPTIONS', `the balancer cannot listen on 127.0.0.1:${options.port ?? 0}`, {
          cause,
        }),
      ),
    );
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (typeof address !== 'object' || !address)
    throw new TemporalDevError('CLUSTER_BAD_OPTIONS', 'balancer: no address');
  let closed: Promise<void> | undefined;
  return {
    address: `127.0.0.1:${address.port}`,
    port: address.port,
    stats,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      })),
  };
}
