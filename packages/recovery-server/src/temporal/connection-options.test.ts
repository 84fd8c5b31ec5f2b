import { readFileSync } from 'node:fs';
import {
  createSecureServer,
  createServer,
  type Http2Server,
  type IncomingHttpHeaders,
  type ServerHttp2Session,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { createTestPki, TEST_SERVER_NAME, type TestPki } from '@resumable/temporal-dev';
import { NativeConnection } from '@temporalio/worker';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveTemporalTarget } from './connection-options';

let pki: TestPki;
beforeAll(() => {
  pki = createTestPki(join(tmpdir(), 'resumable-test-pki'));
});

describe('resolveTemporalTarget reads TEMPORAL_* from the environment', () => {
  it('builds mTLS options: client pair, CA, server name', () => {
    const { connection, namespace } = resolveTemporalTarget(
      {},
      {
        TEMPORAL_ADDRESS: '10.0.0.7:7233',
        TEMPORAL_NAMESPACE: 'billing',
        TEMPORAL_TLS_CERT_PATH: pki.client.cert,
        TEMPORAL_TLS_KEY_PATH: pki.client.key,
        TEMPORAL_TLS_CA_PATH: pki.ca.cert,
        TEMPORAL_TLS_SERVER_NAME: TEST_SERVER_NAME,
      },
    );
    expect(namespace).toBe('billing');
    expect(connection).toEqual({
      address: '10.0.0.7:7233',
      tls: {
        clientCertPair: { crt: readFileSync(pki.client.cert), key: readFileSync(pki.client.key) },
        serverRootCACertificate: readFileSync(pki.ca.cert),
        serverNameOverride: TEST_SERVER_NAME,
      },
    });
  });

  it("takes the Temporal CLI's variable names too", () => {
    const { connection } = resolveTemporalTarget(
      {},
      {
        TEMPORAL_TLS_CLIENT_CERT_PATH: pki.client.cert,
        TEMPORAL_TLS_CLIENT_KEY_PATH: pki.client.key,
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.ca.cert,
      },
    );
    expect(connection.tls).toEqual({
      clientCertPair: { crt: readFileSync(pki.client.cert), key: readFileSync(pki.client.key) },
      serverRootCACertificate: readFileSync(pki.ca.cert),
    });
  });

  it('takes an API key; TEMPORAL_TLS turns TLS on or off; nothing set means plain', () => {
    expect(resolveTemporalTarget({}, { TEMPORAL_API_KEY: 'k-1' }).connection).toEqual({
      address: 'localhost:7233',
      apiKey: 'k-1',
    });
    expect(resolveTemporalTarget({}, { TEMPORAL_API_KEY: 'k-1', TEMPORAL_TLS: 'false' }).connection.tls).toBe(false);
    expect(resolveTemporalTarget({}, { TEMPORAL_TLS: 'true' }).connection.tls).toBe(true);
    expect(resolveTemporalTarget({}, {}).connection).toEqual({ address: 'localhost:7233' });
  });

  it('options win over the environment', () => {
    const { connection } = resolveTemporalTarget(
      { address: 'a:1', apiKey: 'from-options', tls: false },
      { TEMPORAL_ADDRESS: 'b:2', TEMPORAL_API_KEY: 'from-env', TEMPORAL_TLS_CA_PATH: pki.ca.cert },
    );
    expect(connection).toEqual({ address: 'a:1', apiKey: 'from-options', tls: false });
  });

  it('refuses half a certificate pair and names an unreadable file', () => {
    expect(() => resolveTemporalTarget({}, { TEMPORAL_TLS_CERT_PATH: pki.client.cert })).toThrow(
      /needs both TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH/,
    );
    expect(() => resolveTemporalTarget({}, { TEMPORAL_TLS_CA_PATH: '/nonexistent/ca.pem' })).toThrow(
      /TEMPORAL_TLS_CA_PATH: cannot read \/nonexistent\/ca\.pem/,
    );
  });
});

/**
 * A gRPC endpoint that records the headers of every call and refuses it with
 * UNAUTHENTICATED (trailers-only answer), as Temporal Cloud does for a bad key.
 */
async function recordingGrpcServer(secure: boolean): Promise<{ address: string; calls: IncomingHttpHeaders[] }> {
  const calls: IncomingHttpHeaders[] = [];
  const server: Http2Server = secure
    ? createSecureServer({ cert: readFileSync(pki.server.cert), key: readFileSync(pki.server.key) })
    : createServer();
  // Closing must not wait for the client's idle HTTP/2 session.
  server.on('session', (session) => sessions.push(session));
  server.on('stream', (stream, headers) => {
    calls.push(headers);
    stream.respond(
      { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '16', 'grpc-message': 'recorded' },
      { endStream: true },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, calls };
}

const servers: Http2Server[] = [];
const sessions: ServerHttp2Session[] = [];
afterEach(async () => {
  for (const session of sessions.splice(0)) session.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** The connect failed because the recording server answered (not a TLS or transport failure). */
async function expectRefusedByServer(connecting: Promise<Connection>): Promise<void> {
  const error = (await connecting.then(
    () => undefined,
    (caught: unknown) => caught,
  )) as Error & { cause?: { code?: number; details?: string } };
  expect(error?.message).toMatch(/Failed to connect/);
  // 16: UNAUTHENTICATED, what the server answered.
  expect(error.cause).toMatchObject({ code: 16, details: 'recorded' });
}

describe('an API key reaches Temporal as a bearer token', () => {
  it('a client Connection from TEMPORAL_API_KEY sends it over TLS (verified with the CA and server name)', async () => {
    const server = await recordingGrpcServer(true);
    const { connection } = resolveTemporalTarget(
      {},
      {
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_API_KEY: 'cloud-key-123',
        TEMPORAL_TLS_CA_PATH: pki.ca.cert,
        TEMPORAL_TLS_SERVER_NAME: TEST_SERVER_NAME,
      },
    );
    await expectRefusedByServer(Connection.connect({ ...connection, connectTimeout: 5_000 }));
    expect(server.calls[0]).toMatchObject({
      ':path': '/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo',
      ':scheme': 'https',
      authorization: 'Bearer cloud-key-123',
    });
  });

  it('TEMPORAL_TLS=false sends it in plain text (a local proxy)', async () => {
    const server = await recordingGrpcServer(false);
    const { connection } = resolveTemporalTarget(
      {},
      { TEMPORAL_ADDRESS: server.address, TEMPORAL_API_KEY: 'k-plain', TEMPORAL_TLS: 'false' },
    );
    await expectRefusedByServer(Connection.connect({ ...connection, connectTimeout: 5_000 }));
    expect(server.calls[0]).toMatchObject({ ':scheme': 'http', authorization: 'Bearer k-plain' });
  });

  it("a worker's NativeConnection with the same options sends it too", async () => {
    const server = await recordingGrpcServer(true);
    const { connection } = resolveTemporalTarget(
      {},
      {
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_API_KEY: 'worker-key-456',
        TEMPORAL_TLS_CA_PATH: pki.ca.cert,
        TEMPORAL_TLS_SERVER_NAME: TEST_SERVER_NAME,
      },
    );
    await expect(NativeConnection.connect(connection)).rejects.toThrow();
    expect(server.calls[0]).toMatchObject({ authorization: 'Bearer worker-key-456' });
  });
});
