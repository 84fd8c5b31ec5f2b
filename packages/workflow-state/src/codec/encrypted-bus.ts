import {
  ResumableError,
  reportError,
  topicOf,
  type BusHandler,
  type BusMessage,
  type ErrorHandler,
  type UpdateBus,
} from '@resumable/protocol';
import { fromBase64, toBase64 } from './base64';
import type { KeyRing } from './key-ring';

/**
 * Options of {@link encryptedBus}.
 *
 * @example
 * encryptedBus(bus, keyRing, { acceptPlaintext: false, onError: (error) => console.warn(error.message) });
 */
export interface EncryptedBusOptions {
  /**
   * Deliver messages that arrive unsealed (from publishers that do not encrypt yet).
   * Default `true`, for a rolling switch-on; `false` drops them, so only holders of a
   * key can put messages in front of subscribers.
   */
  acceptPlaintext?: boolean;
  /** Told about messages that could not be opened (dropped; consumers repair from the log by sequence). Default: `console.error`. */
  onError?: ErrorHandler;
}

/** Where a sealed message travels: the whole message, sealed, beside the fields buses route and check by. */
interface SealedField {
  /** The id of the key that sealed it. */
  keyId: string;
  /** `iv ‖ ciphertext ‖ tag` in base64. */
  bytes: string;
}

type Carrier = BusMessage & { sealed?: SealedField };

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/**
 * What stays readable: the fields every bus validates and routes by (kind, task,
 * sequence, ids, timestamps). Everything a workflow wrote — update data, status, pause
 * data, progress details — is only inside `sealed`.
 */
function envelope(message: BusMessage, sealed: SealedField): Carrier {
  if (message.kind === 'update') {
    const { id, type, sequence, timestamp } = message.update;
    return { kind: 'update', taskId: message.taskId, update: { id, type, sequence, timestamp, data: null }, sealed };
  }
  if (message.kind === 'pause') {
    const { taskId, sequence, timestamp, event } = message;
    return {
      kind: 'pause',
      taskId,
      sequence,
      ...(timestamp === undefined ? {} : { timestamp }),
      event,
      data: {},
      sealed,
    } as Carrier;
  }
  const { activityId, activityType, attempt, counter, timestamp } = message.progress;
  return {
    kind: 'progress',
    taskId: message.taskId,
    progress: { activityId, activityType, attempt, counter, timestamp },
    sealed,
  } as Carrier;
}

function isSealedField(value: unknown): value is SealedField {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as SealedField).keyId === 'string' &&
    typeof (value as SealedField).bytes === 'string'
  );
}

/**
 * Wraps a bus so that what crosses it is sealed with the key ring: `publish` seals
 * each message (AES-256-GCM, the ring's first key, bound to its topic so it cannot be
 * replayed on another task's topic) and sends an envelope that keeps only the fields
 * buses route and validate by (kind, task id, sequence, update id and type,
 * timestamps, activity id); `subscribe` opens envelopes before handing them on, in
 * the order they arrived. A message that was already sealed is published as it is,
 * so the wrapper can sit on both sides of an HTTP bus. Every process on the bus —
 * workers and servers — wraps it with the same keys; a message that cannot be opened
 * (unknown key, altered) is dropped and reported, and consumers fill the gap from the
 * workflow's log by sequence.
 *
 * @example
 * import { createRedisBus } from '@resumable/sse-publisher/redis';
 * import { encryptedBus, keyRingFromEnv } from '@resumable/workflow-state/codec';
 *
 * const bus = encryptedBus(createRedisBus({ url: process.env.REDIS_URL }), keyRingFromEnv()!);
 * const sinks = createResumableSinks({ bus }); // the worker; the server gets the same wrapped bus
 */
export function encryptedBus(bus: UpdateBus, keyRing: KeyRing, options: EncryptedBusOptions = {}): UpdateBus {
  if (typeof bus?.publish !== 'function' || typeof bus.subscribe !== 'function') {
    throw new ResumableError('INVALID_PARAMETER', 'encryptedBus needs a bus with publish and subscribe');
  }
  if (typeof keyRing?.seal !== 'function') {
    throw new ResumableError('INVALID_PARAMETER', 'encryptedBus needs a key ring (see createKeyRing)');
  }
  const acceptPlaintext = options.acceptPlaintext ?? true;
  let publishing: Promise<void> = Promise.resolve();

  async function open(carrier: Carrier): Promise<BusMessage | undefined> {
    if (carrier.sealed === undefined) return acceptPlaintext ? carrier : undefined;
    if (!isSealedField(carrier.sealed))
      throw new ResumableError('DECRYPTION_FAILED', 'A sealed bus message is malformed', {
        details: { reason: 'tampered' },
      });
    const topic = topicOf(carrier);
    const plaintext = await keyRing.open(
      { keyId: carrier.sealed.keyId, bytes: fromBase64(carrier.sealed.bytes, 'sealed.bytes') },
      utf8.encode(topic),
    );
    const message = JSON.parse(utf8Decoder.decode(plaintext)) as BusMessage;
    // The topic is authenticated, so this holds unless a key holder sealed it wrongly.
    if (topicOf(message) !== topic)
      throw new ResumableError('DECRYPTION_FAILED', 'A sealed bus message opened to another topic', {
        details: { reason: 'tampered' },
      });
    return message;
  }

  return {
    publish(message) {
      if ((message as Carrier).sealed !== undefined) return bus.publish(message);
      const topic = topicOf(message);
      // Sealing runs at once; handing over waits for the previous message, so messages
      // reach the bus in the order they were published (a sink publishes without awaiting).
      const sealing = keyRing.seal(utf8.encode(JSON.stringify(message)), utf8.encode(topic));
      const sent = publishing.then(async () => {
        const sealed = await sealing;
        await bus.publish(envelope(message, { keyId: sealed.keyId, bytes: toBase64(sealed.bytes) }));
      });
      publishing = sent.catch(() => undefined);
      return sent;
    },

    async subscribe(topic, handler: BusHandler) {
      // Opening is asynchronous; a chain per subscription keeps arrival order.
      let chain = Promise.resolve();
      return bus.subscribe(topic, (carrier) => {
        chain = chain.then(async () => {
          let message: BusMessage | undefined;
          try {
            message = await open(carrier as Carrier);
          } catch (error) {
            reportError(options.onError, error, { source: 'encrypted-bus', taskId: carrier.taskId, dropped: 1 });
            return;
          }
          if (message === undefined) {
            const refused = new ResumableError('FORBIDDEN', 'Dropped an unsealed bus message (acceptPlaintext: false)');
            reportError(options.onError, refused, { source: 'encrypted-bus', taskId: carrier.taskId, dropped: 1 });
            return;
          }
          try {
            handler(message);
          } catch (error) {
            reportError(options.onError, error, { source: 'encrypted-bus', taskId: carrier.taskId });
          }
        });
      });
    },

    close: () => bus.close(),
  };
}
