import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TemporalDevError } from '../errors';

/** The name a client must verify the test server as when it connects by IP (`serverNameOverride`). */
export const TEST_SERVER_NAME = 'temporal.resumable.test';

/** A certificate and its private key, as PEM file paths. */
export interface CertFiles {
  cert: string;
  key: string;
}

/** The files `createTestPki` writes: PEM paths, absolute. */
export interface TestPki {
  dir: string;
  /** The CA the server trusts for client certificates and clients trust for the server. */
  ca: CertFiles;
  /** Server certificate for `localhost`, `127.0.0.1` and `TEST_SERVER_NAME`, signed by `ca`. */
  server: CertFiles;
  /** Client certificate (`CN=resumable-client`) signed by `ca`. */
  client: CertFiles;
  /** A second CA the server does not trust. */
  untrustedCa: CertFiles;
  /** A client certificate signed by `untrustedCa`: a well-formed certificate the server must refuse. */
  untrustedClient: CertFiles;
}

/** Bumped when the certificates' shape changes, so cached folders are rebuilt. */
const PKI_VERSION = 1;
const MARKER = 'pki.json';
/** Certificates are recreated when they would expire within this many seconds. */
const MIN_VALIDITY_S = 7 * 24 * 3600;

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    const code = (error as { code?: string }).code;
    throw new TemporalDevError(
      'PKI_FAILED',
      code === 'ENOENT'
        ? 'openssl is not installed: install it from the system packages (e.g. `apt-get install openssl`)'
        : `openssl ${args[0]} failed: ${stderr || (error as Error).message}`,
      { cause: error },
    );
  }
}

function files(dir: string, name: string): CertFiles {
  return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
}

function pkiOf(dir: string): TestPki {
  return {
    dir,
    ca: files(dir, 'ca'),
    server: files(dir, 'server'),
    client: files(dir, 'client'),
    untrustedCa: files(dir, 'untrusted-ca'),
    untrustedClient: files(dir, 'untrusted-client'),
  };
}

/** A self-signed CA (P-256 keys: fast to make, accepted by Go, Node and rustls). */
function makeCa(dir: string, out: CertFiles, commonName: string): void {
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      out.key,
      '-out',
      out.cert,
      '-days',
      '3650',
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
}

/** A leaf certificate signed by `ca`, with `extensions` (an openssl extension file's lines). */
function makeLeaf(dir: string, out: CertFiles, ca: CertFiles, commonName: string, extensions: string[]): void {
  const csr = `${out.cert}.csr`;
  const ext = `${out.cert}.ext`;
  openssl(
    [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      out.key,
      '-out',
      csr,
      '-subj',
      `/CN=${commonName}`,
    ],
    dir,
  );
  writeFileSync(
    ext,
    ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', ...extensions, ''].join('\n'),
  );
  try {
    openssl(
      [
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        ca.cert,
        '-CAkey',
        ca.key,
        // A random serial: no serial file to keep, and no two leaves share one.
        '-set_serial',
        `0x${randomBytes(16).toString('hex')}`,
        '-days',
        '825',
        '-sha256',
        '-extfile',
        ext,
        '-out',
        out.cert,
      ],
      dir,
    );
  } finally {
    rmSync(csr, { force: true });
    rmSync(ext, { force: true });
  }
}

/** True when every file exists, the marker matches and no certificate expires soon. */
function usable(pki: TestPki): boolean {
  try {
    const marker = JSON.parse(readFileSync(join(pki.dir, MARKER), 'utf8')) as { version?: number };
    if (marker.version !== PKI_VERSION) return false;
  } catch {
    return false;
  }
  const all = [pki.ca, pki.server, pki.client, pki.untrustedCa, pki.untrustedClient];
  if (!all.every((pair) => existsSync(pair.cert) && existsSync(pair.key))) return false;
  try {
    for (const pair of all) {
      execFileSync('openssl', ['x509', '-checkend', String(MIN_VALIDITY_S), '-noout', '-in', pair.cert], {
        stdio: 'ignore',
      });
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * A test PKI in `dir`, made with the system `openssl`: a CA, a server certificate
 * (SANs `localhost`, `127.0.0.1` and `TEST_SERVER_NAME`), a client certificate from
 * that CA, and a client certificate from a second CA nobody trusts. Reuses what is in
 * `dir` when it is complete and valid for another week; otherwise makes it anew.
 * For tests and local clusters only: the keys are unencrypted.
 *
 * @example
 * const pki = createTestPki('/tmp/resumable-pki');
 * // TEMPORAL_TLS_CERT_PATH=pki.client.cert TEMPORAL_TLS_KEY_PATH=pki.client.key
 * // TEMPORAL_TLS_CA_PATH=pki.ca.cert TEMPORAL_TLS_SERVER_NAME=TEST_SERVER_NAME
 */
export function createTestPki(dir: string): TestPki {
  const pki = pkiOf(resolve(dir));
  if (usable(pki)) return pki;
  mkdirSync(pki.dir, { recursive: true, mode: 0o700 });
  rmSync(join(pki.dir, MARKER), { force: true });
  makeCa(pki.dir, pki.ca, 'Resumable test CA');
  makeLeaf(pki.dir, pki.server, pki.ca, 'localhost', [
    // clientAuth too: with internode TLS a node presents this certificate to the others.
    'extendedKeyUsage=serverAuth,clientAuth',
    `subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:${TEST_SERVER_NAME}`,
  ]);
  makeLeaf(pki.dir, pki.client, pki.ca, 'resumable-client', ['extendedKeyUsage=clientAuth']);
  makeCa(pki.dir, pki.untrustedCa, 'Untrusted test CA');
  makeLeaf(pki.dir, pki.untrustedClient, pki.untrustedCa, 'resumable-client', ['extendedKeyUsage=clientAuth']);
  // Written last: a run interrupted half-way leaves no marker and is redone.
  writeFileSync(join(pki.dir, MARKER), `${JSON.stringify({ version: PKI_VERSION }, null, 2)}\n`);
  return pki;
}
