import { ResumableError } from '@resumable/protocol';
import type { KeyRing } from './key-ring';
import { deserializePayload, serializePayload, type CodecPayload } from './payload';

/**
 * The `encoding` metadata of a payload this codec sealed.
 *
 * @example
 * new TextDecoder().decode(sealed.metadata!.encoding); // ENCRYPTED_ENCODING, 'binary/encrypted'
 */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/**
 * The metadata key naming the key that sealed a payload.
 *
 * @example
 * new TextDecoder().decode(sealed.metadata![KEY_ID_METADATA]); // 'k2'
 */
export const KEY_ID_METADATA = 'encryption-key-id';

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();
const ENCRYPTED_ENCODING_BYTES = utf8.encode(ENCRYPTED_ENCODING);

/**
 * Options of {@link createEncryptionCodec}.
 *
 * @example
 * const options: EncryptionCodecOptions = { keyRing: parseKeyRing(process.env.RESUMABLE_PAYLOAD_KEYS!) };
 */
export interface EncryptionCodecOptions {
  /** Keys by id: the first seals, all open. */
  keyRing: KeyRing;
}

/**
 * A Temporal `PayloadCodec` (`encode` / `decode` of payload arrays).
 *
 * @example
 * const codec: EncryptionCodec = createEncryptionCodec({ keyRing });
 * const [sealed] = await codec.encode([payload]);
 */
export interface EncryptionCodec {
  /** Seals every payload with the key ring's first key. */
  encode(payloads: CodecPayload[]): Promise<CodecPayload[]>;
  /** Opens sealed payloads; passes every other payload through untouched. */
  decode(payloads: CodecPayload[]): Promise<CodecPayload[]>;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === b.length && a.every((byte, index) => byte === b[index]);
}

/**
 * A `PayloadCodec` that seals each payload (metadata and data) with AES-256-GCM
 * through Web Crypto, a fresh 96-bit IV each time. A sealed payload is
 * `{ encoding: 'binary/encrypted', 'encryption-key-id': <id> }` with `iv ‖ ciphertext ‖ tag`
 * as data. Decoding opens it with the key its id names; a payload that is not sealed
 * passes through, so histories written before encryption was switched on still read.
 * A payload whose key is not in the ring, or that was altered, fails with
 * `ResumableError('DECRYPTION_FAILED')`.
 *
 * @example
 * import { createEncryptionCodec, keyRingFromEnv } from '@resumable/workflow-state/codec';
 *
 * const keyRing = keyRingFromEnv(); // RESUMABLE_PAYLOAD_KEYS="k2:…,k1:…"
 * const dataConverter = keyRing ? { payloadCodecs: [createEncryptionCodec({ keyRing })] } : undefined;
 * const worker = await Worker.create({ taskQueue: 'orders', workflowsPath, dataConverter });
 * const client = new Client({ connection, dataConverter });
 */
export function createEncryptionCodec(options: EncryptionCodecOptions): EncryptionCodec {
  const keyRing = options?.keyRing;
  if (typeof keyRing?.seal !== 'function' || typeof keyRing.open !== 'function') {
    throw new ResumableError('INVALID_PARAMETER', 'createEncryptionCodec needs { keyRing } (see createKeyRing)');
  }

  async function encodeOne(payload: CodecPayload): Promise<CodecPayload> {
    const sealed = await keyRing.seal(serializePayload(payload));
    return {
      metadata: { encoding: ENCRYPTED_ENCODING_BYTES.slice(), [KEY_ID_METADATA]: utf8.encode(sealed.keyId) },
      data: sealed.bytes,
    };
  }

  async function decodeOne(payload: CodecPayload): Promise<CodecPayload> {
    const metadata = payload.metadata ?? {};
    if (!sameBytes(metadata.encoding, ENCRYPTED_ENCODING_BYTES)) return payload;
    const keyIdBytes = metadata[KEY_ID_METADATA];
    if (keyIdBytes === undefined) {
      throw new ResumableError('DECRYPTION_FAILED', `An encrypted payload has no "${KEY_ID_METADATA}" metadata`, {
        details: { reason: 'tampered' },
      });
    }
    const keyId = utf8Decoder.decode(keyIdBytes);
    return deserializePayload(await keyRing.open({ keyId, bytes: payload.data ?? new Uint8Array(0) }));
  }

  return {
    encode: (payloads) => Promise.all(payloads.map(encodeOne)),
    decode: (payloads) => Promise.all(payloads.map(decodeOne)),
  };
}
