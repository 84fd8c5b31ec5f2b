import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import { TEST_SERVER_NAME, type TestPki } from './pki';

/**
 * TLS files for a Temporal server whose frontend requires client certificates.
 * Paths are PEM files the server reads at start.
 */
export interface ServerTlsOptions {
  /** The CA clients must be signed by, and the one internal clients verify the server with. */
  caFile: string;
  /** The frontend's certificate and key. */
  serverCertFile: string;
  serverKeyFile: string;
  /** The certificate the server's own system worker presents to the frontend (signed by `caFile`). */
  clientCertFile: string;
  clientKeyFile: string;
  /** A name in the server certificate: what internal clients, and ours, verify it as. */
  serverName: string;
  /** Also encrypt and authenticate node-to-node traffic (history, matching) with the server certificate. */
  internode?: boolean;
}

/**
 * The server side of a test PKI: the frontend uses its server certificate and accepts
 * its CA's clients; the system worker uses its client certificate.
 *
 * @example
 * const tls = serverTlsFromPki(createTestPki('/tmp/pki'));
 * await startCluster({ tls });
 */
export function serverTlsFromPki(pki: TestPki, options: { internode?: boolean } = {}): ServerTlsOptions {
  return {
    caFile: pki.ca.cert,
    serverCertFile: pki.server.cert,
    serverKeyFile: pki.server.key,
    clientCertFile: pki.client.cert,
    clientKeyFile: pki.client.key,
    serverName: TEST_SERVER_NAME,
    ...(options.internode ? { internode: true } : {}),
  };
}

/**
 * The `tls` connection option of a `@temporalio/client` `Connection` (or a worker's
 * `NativeConnection`: same shape) that reaches a server configured with `tls`.
 *
 * @example
 * const connection = await Connection.connect({ address: '127.0.0.1:7233', tls: clientTlsOf(tls) });
 */
export function clientTlsOf(tls: ServerTlsOptions): TLSConfig {
  return {
    serverNameOverride: tls.serverName,
    serverRootCACertificate: readFileSync(tls.caFile),
    clientCertPair: { crt: readFileSync(tls.clientCertFile), key: readFileSync(tls.clientKeyFile) },
  };
}

/**
 * The `global.tls` block of a server's YAML config, indented to sit under `global:`.
 * The frontend requires client certificates from `caFile`; the system worker (which
 * calls the frontend like any client) presents `clientCertFile`.
 */
export function renderServerTls(tls: ServerTlsOptions): string {
  const q = (value: string) => JSON.stringify(value);
  const client = (indent: string) =>
    [
      `${indent}client:`,
      `${indent}  serverName: ${q(tls.serverName)}`,
      `${indent}  rootCaFiles:`,
      `${indent}    - ${q(tls.caFile)}`,
    ].join('\n');
  const group = (name: string) =>
    [
      `    ${name}:`,
      `      server:`,
      `        certFile: ${q(tls.serverCertFile)}`,
      `        keyFile: ${q(tls.serverKeyFile)}`,
      `        requireClientAuth: true`,
      `        clientCaFiles:`,
      `          - ${q(tls.caFile)}`,
      client('      '),
    ].join('\n');
  return [
    `  tls:`,
    group('frontend'),
    ...(tls.internode ? [group('internode')] : []),
    `    systemWorker:`,
    `      certFile: ${q(tls.clientCertFile)}`,
    `      keyFile: ${q(tls.clientKeyFile)}`,
    client('      '),
  ].join('\n');
}
