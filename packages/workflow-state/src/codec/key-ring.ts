import { ResumableError } from '@resumable/protocol';
import { fromBase64 } from './base64';

/** AES-256: 32 bytes of key. */
const KEY_BYTES = 32;
/** 96-bit IVs, the size GCM is specified for (NIST SP 800-38D); a fresh random one per seal. */
const IV_BYTES = 12;
/** GCM's authentication tag, appended to the ciphertext by Web Crypto. */
const TAG_BYTES = 16;
/** Key ids travel in payload metadata and in `id:base64` lists: no separators, nothing to escape. */
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * One key of a {@link KeyRing}: its id and its 32 raw bytes.
 *
 * @example
 * const key: PayloadKey = { id: 'k2', key: crypto.getRandomValues(new Uint8Array(32)) };
 */
export interface PayloadKey {
  /** 1 to 64 characters of `A-Z a-z 0-9 . _ -`; stored beside every payload it seals. */
  id: string;
  /** The AES-256 key: exactly 32 bytes. */
  key: Uint8Array;
}

/**
 * Bytes sealed by a {@link KeyRing}: the id of the key that sealed them and
 * `iv ‖ ciphertext ‖ tag`.
 *
 * @example
 * const sealed: SealedBytes = await keyRing.seal(new TextEncoder().encode('card 4111'));
 * sealed.keyId; // 'k2'
 */
export interface SealedBytes {
  /** The id of the key that sealed them. */
  keyId: string;
  /** The 12-byte IV, then the ciphertext with its 16-byte GCM tag. */
  bytes: Uint8Array;
}

/**
 * AES-256-GCM keys by id: the first key seals, every key opens, so a new key goes
 * first and old ones stay until nothing sealed with them is still read.
 *
 * @example
 * const keyRing = createKeyRing([{ id: 'k2', key: newKey }, { id: 'k1', key: oldKey }]);
 * const sealed = await keyRing.seal(bytes); // sealed.keyId === 'k2'
 * await keyRing.open(sealed); // bytes
 */
export interface KeyRing {
  /** The key ids, the sealing one first. */
  readonly ids: readonly string[];
  /**
   * Seals `plaintext` with the first key and a fresh random IV. `additionalData`, when
   * given, is authenticated (not stored): `open` needs the same bytes.
   */
  seal(plaintext: Uint8Array, additionalData?: Uint8Array): Promise<SealedBytes>;
  /**
   * Opens what `seal` produced, with the key its `keyId` names. Throws
   * `ResumableError('DECRYPTION_FAILED')` when the ring has no such key
   * (`details.reason: 'unknown-key'`) or the bytes or `additionalData` were altered
   * (`'tampered'`).
   */
  open(sealed: SealedBytes, additionalData?: Uint8Array): Promise<Uint8Array>;
}

/** Web Crypto takes bytes over an `ArrayBuffer` only; anything else (a shared buffer) is copied. */
function ownBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

function invalid(message: string): ResumableError {
  return new ResumableError('INVALID_PARAMETER', message);
}

function decryptionFailed(keyId: string, reason: 'unknown-key' | 'tampered', message: string): ResumableError {
  return new ResumableError('DECRYPTION_FAILED', message, { details: { keyId, reason } });
}

/**
 * A key ring from keys given in code; the first one seals. Checks every id and key
 * length at once (`INVALID_PARAMETER`), and keeps only non-extractable Web Crypto keys.
 *
 * @example
 * const keyRing = createKeyRing([{ id: 'k1', key: crypto.getRandomValues(new Uint8Array(32)) }]);
 */
export function createKeyRing(keys: readonly PayloadKey[]): KeyRing {
  if (!Array.isArray(keys) || keys.length === 0) throw invalid('A key ring needs at least one key');
  const byId = new Map<string, Promise<CryptoKey>>();
  for (const entry of keys) {
    const id: unknown = entry?.id;
    if (typeof id !== 'string' || !KEY_ID.test(id)) {
      throw invalid(`Key id ${JSON.stringify(id)} must be 1 to 64 characters of A-Z a-z 0-9 . _ -`);
    }
    if (byId.has(id)) throw invalid(`Key id "${id}" appears twice in the key ring`);
    if (!(entry.key instanceof Uint8Array) || entry.key.length !== KEY_BYTES) {
      const length = entry.key instanceof Uint8Array ? `${entry.key.length} bytes` : 'not bytes';
      throw invalid(`Key "${id}" is ${length}; AES-256 needs exactly 32 (openssl rand -base64 32)`);
    }
    const imported = globalThis.crypto.subtle.importKey('raw', entry.key.slice(), 'AES-GCM', false, [
      'encrypt',
      'decrypt',
    ]);
    // Awaited on first use; this keeps a failed import from being an unhandled rejection meanwhile.
    imported.catch(() => undefined);
    byId.set(id, imported);
  }
  const ids = Object.freeze([...byId.keys()]);
  const sealingId = ids[0] as string;

  return {
    ids,
    async seal(plaintext, additionalData) {
      const key = await (byId.get(sealingId) as Promise<CryptoKey>);
      const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const params: AesGcmParams = {
        name: 'AES-GCM',
        iv,
        ...(additionalData ? { additionalData: ownBytes(additionalData) } : {}),
      };
      const ciphertext = new Uint8Array(await globalThis.crypto.subtle.encrypt(params, key, ownBytes(plaintext)));
      const bytes = new Uint8Array(IV_BYTES + ciphertext.length);
      bytes.set(iv);
      bytes.set(ciphertext, IV_BYTES);
      return { keyId: sealingId, bytes };
    },
    async open({ keyId, bytes }, additionalData) {
      const imported = byId.get(keyId);
      if (imported === undefined) {
        throw decryptionFailed(
          keyId,
          'unknown-key',
          `Sealed with key "${keyId}", which is not in this key ring (${ids.join(', ')}): add it to read this`,
        );
      }
      if (bytes.length < IV_BYTES + TAG_BYTES) {
        throw decryptionFailed(keyId, 'tampered', `Sealed bytes under key "${keyId}" are too short to be ours`);
      }
      const key = await imported;
      const params: AesGcmParams = {
        name: 'AES-GCM',
        iv: ownBytes(bytes.subarray(0, IV_BYTES)),
        ...(additionalData ? { additionalData: ownBytes(additionalData) } : {}),
      };
      try {
        return new Uint8Array(await globalThis.crypto.subtle.decrypt(params, key, ownBytes(bytes.subarray(IV_BYTES))));
      } catch (error) {
        throw new ResumableError(
          'DECRYPTION_FAILED',
          `Sealed bytes under key "${keyId}" do not authenticate: altered, or sealed with another key of that id`,
          { details: { keyId, reason: 'tampered' }, cause: error },
        );
      }
    },
  };
}

/**
 * A key ring from text: `id:base64key` entries separated by commas (spaces allowed),
 * the sealing key first, e.g. `k2:<32 bytes in base64>,k1:<…>`. Throws
 * `INVALID_PARAMETER` naming the entry that is malformed or not 32 bytes long.
 *
 * @example
 * const keyRing = parseKeyRing('k2:' + newKeyBase64 + ',k1:' + oldKeyBase64);
 */
export function parseKeyRing(text: string, what = 'The key list'): KeyRing {
  if (typeof text !== 'string' || text.trim() === '') throw invalid(`${what} is empty`);
  const keys = text.split(',').map((part, index): PayloadKey => {
    const entry = part.trim();
    const colon = entry.indexOf(':');
    if (colon <= 0) throw invalid(`${what}, entry ${index + 1}: expected "id:base64key"`);
    const id = entry.slice(0, colon).trim();
    let key: Uint8Array;
    try {
      key = fromBase64(entry.slice(colon + 1).trim(), `key "${id}"`);
    } catch {
      throw invalid(`${what}, key "${id}": not base64 (make one with openssl rand -base64 32)`);
    }
    return { id, key };
  });
  try {
    return createKeyRing(keys);
  } catch (error) {
    throw ResumableError.is(error) ? invalid(`${what}: ${error.message}`) : error;
  }
}

/**
 * The key ring in an environment variable (default `RESUMABLE_PAYLOAD_KEYS`, format of
 * {@link parseKeyRing}), or `undefined` when it is unset or blank: no key, no encryption.
 * Reads `process.env` when there is one, so it also runs where there is none.
 *
 * @example
 * const keyRing = keyRingFromEnv(); // RESUMABLE_PAYLOAD_KEYS="k2:…,k1:…"
 * const dataConverter = keyRing ? { payloadCodecs: [createEncryptionCodec({ keyRing })] } : undefined;
 */
export function keyRingFromEnv(
  env: Record<string, string | undefined> = (globalThis as { process?: { env?: Record<string, string> } }).process
    ?.env ?? {},
  name = 'RESUMABLE_PAYLOAD_KEYS',
): KeyRing | undefined {
  const text = env[name];
  if (text === undefined || text.trim() === '') return undefined;
  return parseKeyRing(text, name);
}
