import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection, Client, type TLSConfig } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import {
  TEST_SERVER_NAME,
  clientTlsOf,
  createTestPki,
  serverTlsFromPki,
  startTlsNode,
  type ServerTlsOptions,
  type TestPki,
  type TlsNode,
} from '../src/index';
// The recovery server's reading of TEMPORAL_*, and the example app's and worker's.
import { resolveTemporalTarget } from '../../../packages/recovery-server/src/temporal/connection-options';
import { readConfig } from '../../../examples/worker/src/config';
import { readAppConfig } from '../../../examples/next-app/lib/server/config';
import { renderNodeConfig } from '../src/cluster/config';
import { approvalWorkflow, approveSignal } from './workflows';

let pki: TestPki;
let tls: ServerTlsOptions;
let node: TlsNode;
let dir: string;

beforeAll(async () => {
  // Its own PKI folder: test files run in parallel processes.
  pki = createTestPki(join(tmpdir(), 'resumable-mtls-test-pki'));
  tls = serverTlsFromPki(pki);
  dir = mkdtempSync(join(tmpdir(), 'resumable-mtls-'));
  node = await startTlsNode({ dir, tls });
  // A machine that never built the Temporal server builds it with Go first: minutes.
}, 20 * 60_000);

afterAll(async () => {
  await node?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** One call with no retries (so the real refusal surfaces, not a deadline), and what it threw. */
async function systemInfoError(connectionTls: TLSConfig | undefined): Promise<Error & { code?: number }> {
  const connection = Connection.lazy({
    address: node.address,
    interceptors: [],
    ...(connectionTls ? { tls: connectionTls } : {}),
  });
  try {
    await connection.withDeadline(Date.now() + 10_000, () => connection.workflowService.getSystemInfo({}));
    throw new Error('the server answered');
  } catch (error) {
    return error as Error & { code?: number };
  } finally {
    await connection.close();
  }
}

const pem = (file: string) => readFileSync(file);

describe('a Temporal server whose frontend requires client certificates', () => {
  it('refuses a client without TLS', async () => {
    const error = await systemInfoError(undefined);
    expect(error.code).toBe(14); // UNAVAILABLE: no connection could be made
  });

  it('refuses a TLS client without a certificate', async () => {
    const error = await systemInfoError({
      serverRootCACertificate: pem(pki.ca.cert),
      serverNameOverride: TEST_SERVER_NAME,
    });
    expect(error.code).toBe(14);
    expect(error.message).toMatch(/certificate required/);
  });

  it('refuses a client certificate from a CA it does not trust', async () => {
    const error = await systemInfoError({
      serverRootCACertificate: pem(pki.ca.cert),
      serverNameOverride: TEST_SERVER_NAME,
      clientCertPair: { crt: pem(pki.untrustedClient.cert), key: pem(pki.untrustedClient.key) },
    });
    expect(error.code).toBe(14);
    expect(error.message).toMatch(/unknown ca/);
  });

  it('is verified by the server name: a name the certificate lacks fails on the client', async () => {
    const error = await systemInfoError({ ...clientTlsOf(tls), serverNameOverride: 'wrong.example' });
    expect(error.message).toMatch(/wrong\.example\. is not in the cert's altnames/);
  });

  it("is not trusted by a client without the server's CA", async () => {
    const { clientCertPair } = clientTlsOf(tls);
    const error = await systemInfoError({ clientCertPair, serverNameOverride: TEST_SERVER_NAME });
    expect(error.message).toMatch(/unable to verify the first certificate/);
    await expect(
      NativeConnection.connect({
        address: node.address,
        tls: { clientCertPair, serverNameOverride: TEST_SERVER_NAME },
      }),
    ).rejects.toThrow(/UnknownIssuer/);
  });

  it("refuses a worker's NativeConnection without a certificate", async () => {
    await expect(
      NativeConnection.connect({
        address: node.address,
        tls: { serverRootCACertificate: pem(pki.ca.cert), serverNameOverride: TEST_SERVER_NAME },
      }),
      // The server drops the connection at the handshake; how rustls words it varies (broken pipe, closed).
    ).rejects.toThrow(/Failed to call GetSystemInfo.*tonic::transport::Error\(Transport/);
  });

  it('serves the example app, the example worker and the recovery server, all configured by TEMPORAL_TLS_* variables', async () => {
    const env = {
      TEMPORAL_ADDRESS: node.address,
      TEMPORAL_NAMESPACE: node.namespace,
      TEMPORAL_TLS_CERT_PATH: pki.client.cert,
      TEMPORAL_TLS_KEY_PATH: pki.client.key,
      TEMPORAL_TLS_CA_PATH: pki.ca.cert,
      // The address is an IP: the server name is what the certificate is checked against.
      TEMPORAL_TLS_SERVER_NAME: TEST_SERVER_NAME,
      RESUMABLE_SECRET: 'a'.repeat(32),
      RESUMABLE_BUS_SECRET: 'b'.repeat(32),
    };
    // Each reads the variables its own way: the app through the recovery server's
    // resolveTemporalTarget, the worker with its own reader for NativeConnection.
    const app = readAppConfig(env);
    const workerConfig = readConfig(env);
    const server = resolveTemporalTarget({}, env);
    const connection = await Connection.connect(app.connection);
    const serverConnection = await Connection.connect(server.connection);
    const native = await NativeConnection.connect(workerConfig.connection);
    try {
      const client = new Client({ connection, namespace: app.namespace });
      const taskQueue = `mtls-${Date.now()}`;
      const codePath = inject('workflowBundles')['temporal-dev'];
      if (!codePath) throw new Error('the global setup bundled no temporal-dev workflows');
      const worker = await Worker.create({
        connection: native,
        namespace: workerConfig.namespace,
        taskQueue,
        workflowBundle: { codePath },
      });
      const workflowId = `mtls-${Date.now()}`;
      const result = await worker.runUntil(async () => {
        const handle = await client.workflow.start(approvalWorkflow, { taskQueue, workflowId, args: ['invoice-9'] });
        await handle.signal(approveSignal, 'grace');
        return handle.result();
      });
      expect(result).toBe('invoice-9 approved by grace');
      // The recovery server's connection reads the same run's history.
      const { history } = await serverConnection.workflowService.getWorkflowExecutionHistory({
        namespace: server.namespace,
        execution: { workflowId },
      });
      expect(history?.events?.length).toBeGreaterThan(5);

      // The server name reaches both readers: a wrong one fails verification.
      const wrong = { ...env, TEMPORAL_TLS_SERVER_NAME: 'wrong.example' };
      await expect(NativeConnection.connect(readConfig(wrong).connection)).rejects.toThrow(/NotValidForName/);
      const appError = await systemInfoError(readAppConfig(wrong).connection.tls as TLSConfig);
      expect(appError.message).toMatch(/wrong\.example\. is not in the cert's altnames/);
    } finally {
      await native.close();
      await serverConnection.close();
      await connection.close();
    }
  });
});

describe('the example app and worker read TEMPORAL_API_KEY', () => {
  // What the key sends on the wire (`authorization: Bearer …`, for Connection and
  // NativeConnection) is tested in packages/recovery-server's connection-options test.
  it('as the recovery server does, with TLS on by default and off with TEMPORAL_TLS=false', () => {
    const env = {
      TEMPORAL_ADDRESS: 'example.tmprl.cloud:7233',
      TEMPORAL_API_KEY: 'cloud-key',
      RESUMABLE_SECRET: 'a'.repeat(32),
      RESUMABLE_BUS_SECRET: 'b'.repeat(32),
    };
    const expected = { address: 'example.tmprl.cloud:7233', apiKey: 'cloud-key' };
    expect(readAppConfig(env).connection).toEqual(expected);
    expect(readConfig(env).connection).toEqual(expected);
    expect(resolveTemporalTarget({}, env).connection).toEqual(expected);
    const plain = { ...env, TEMPORAL_TLS: 'false' };
    expect(readAppConfig(plain).connection).toEqual({ ...expected, tls: false });
    expect(readConfig(plain).connection).toEqual({ ...expected, tls: false });
  });
});

describe("the cluster's node config with `tls`", () => {
  const base = {
    index: 0,
    frontendPort: 7233,
    postgres: { port: 5433, user: 'temporal', password: 'secret' },
    dynamicConfigFile: '/tmp/dynamicconfig.yaml',
  };

  it('makes the frontend require certificates from the CA, and gives the system worker a client certificate', () => {
    const config = parse(renderNodeConfig({ ...base, tls })) as { global: { tls: Record<string, unknown> } };
    expect(config.global.tls).toEqual({
      frontend: {
        server: {
          certFile: pki.server.cert,
          keyFile: pki.server.key,
          requireClientAuth: true,
          clientCaFiles: [pki.ca.cert],
        },
        client: { serverName: TEST_SERVER_NAME, rootCaFiles: [pki.ca.cert] },
      },
      systemWorker: {
        certFile: pki.client.cert,
        keyFile: pki.client.key,
        client: { serverName: TEST_SERVER_NAME, rootCaFiles: [pki.ca.cert] },
      },
    });
    const internode = parse(renderNodeConfig({ ...base, tls: { ...tls, internode: true } })) as typeof config;
    expect(internode.global.tls.internode).toEqual(internode.global.tls.frontend);
  });

  it('has no TLS section without the option', () => {
    const config = parse(renderNodeConfig(base)) as { global: Record<string, unknown> };
    expect(config.global.tls).toBeUndefined();
    expect(config.global.membership).toBeDefined();
  });
});
