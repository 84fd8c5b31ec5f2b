import { ResumableError, type UpdateBus } from '@resumable/protocol';
import {
  bearerTokenAuthorizer,
  createCodecHandler,
  createEncryptionCodec,
  encryptedBus,
  keyRingFromEnv,
  type EncryptionCodec,
  type KeyRing,
} from '@resumable/workflow-state/codec';

/** The app's payload encryption, when `RESUMABLE_PAYLOAD_KEYS` is set. */
export interface PayloadEncryption {
  keyRing: KeyRing;
  /** The codec the Temporal client runs, also served to the web UI at `/api/codec`. */
  codec: EncryptionCodec;
  /** For `new Client({ dataConverter })`: the same codec as the worker's, so both read each other's payloads. */
  dataConverter: { payloadCodecs: [EncryptionCodec] };
  /** Opens the sealed messages the worker posts to the bus route (and seals what the app publishes). */
  wrapBus(bus: UpdateBus): UpdateBus;
}

/**
 * The app's encryption from `RESUMABLE_PAYLOAD_KEYS` (`k2:<base64>,k1:<base64>`, the
 * worker's variable and format), or undefined when it is unset: then nothing is
 * encrypted. A malformed list throws `INVALID_PARAMETER` at start.
 *
 * @example
 * const encryption = payloadEncryption();
 * const client = new Client({ connection, ...(encryption && { dataConverter: encryption.dataConverter }) });
 */
export function payloadEncryption(
  env: Record<string, string | undefined> = process.env,
): PayloadEncryption | undefined {
  const keyRing = keyRingFromEnv(env);
  if (!keyRing) return undefined;
  const codec = createEncryptionCodec({ keyRing });
  return {
    keyRing,
    codec,
    dataConverter: { payloadCodecs: [codec] },
    // A message that does not open is dropped; the browser repairs the gap from the log.
    wrapBus: (bus) =>
      encryptedBus(bus, keyRing, {
        onError: (error) => console.warn(`[resumable] bus message dropped: ${error.message}`),
      }),
  };
}

/**
 * The codec endpoint for the Temporal web UI and CLI (`POST /api/codec/decode` and
 * `/encode`): the app's codec, for an operator presenting `RESUMABLE_CODEC_TOKEN` as a
 * bearer token (unset: everyone is refused), callable from the browser origins in
 * `RESUMABLE_CODEC_ORIGINS` (comma-separated, e.g. the web UI's `http://localhost:8233`).
 * Without `RESUMABLE_PAYLOAD_KEYS` there is nothing to decode: every request is a 404.
 *
 * @example
 * const handler = codecEndpoint();
 * export const POST = (request: Request) => handler(request);
 */
export function codecEndpoint(
  env: Record<string, string | undefined> = process.env,
): (request: Request) => Promise<Response> {
  const encryption = payloadEncryption(env);
  if (!encryption) {
    return async () =>
      new ResumableError('NOT_FOUND', 'Payload encryption is off (RESUMABLE_PAYLOAD_KEYS is unset)').toResponse();
  }
  const origins = (env.RESUMABLE_CODEC_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  return createCodecHandler({
    codec: encryption.codec,
    authorize: bearerTokenAuthorizer(env.RESUMABLE_CODEC_TOKEN),
    allowOrigins: origins,
  });
}
