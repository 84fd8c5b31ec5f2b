/**
 * `@resumable/workflow-state/codec`: end-to-end encryption of what Resumable and
 * Temporal store and carry. A Temporal `PayloadCodec` sealing payloads with
 * AES-256-GCM (Web Crypto) under a rotating key ring, a fetch handler serving it to
 * the Temporal web UI as a codec server, and a bus wrapper that seals live messages.
 * Imports no Node built-in: it runs in Node 20+ and edge runtimes.
 *
 * @module @resumable/workflow-state/codec
 */
export {
  createKeyRing,
  parseKeyRing,
  keyRingFromEnv,
  type KeyRing,
  type PayloadKey,
  type SealedBytes,
} from './key-ring';
export {
  createEncryptionCodec,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  type EncryptionCodec,
  type EncryptionCodecOptions,
} from './encryption-codec';
export type { CodecPayload } from './payload';
export { createCodecHandler, bearerTokenAuthorizer, type CodecHandlerOptions } from './handler';
export { encryptedBus, type EncryptedBusOptions } from './encrypted-bus';
