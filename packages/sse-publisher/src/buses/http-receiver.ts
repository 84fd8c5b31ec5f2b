import {
  ResumableError,
  bearerToken,
  checkSecret,
  parseJsonBody,
  readBoundedBody,
  secretsEqual,
  type BusMessage,
  type ErrorCode,
  type UpdateBus,
} from '@resumable/protocol';
import { busMessageProblem } from './validate';

/**
 * Options of `createHttpBusReceiver()`.
 *
 * @example
 * createHttpBusReceiver({ secret: process.env.RESUMABLE_BUS_SECRET!, bus, maxBodyBytes: 512 * 1024 });
 */
export interface HttpBusReceiverOptions {
  /** The server secret the sender must present as `Authorization: Bearer <secret>` (never a browser token). */
  secret: string;
  /** Where accepted messages are published (usually the server's in-memory or Redis bus). */
  bus: UpdateBus;
  /** Largest request body accepted, in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Most messages in one request. Default 10000. */
  maxMessages?: number;
}

/**
 * The body a sender posts.
 *
 * @example
 * const batch: HttpBusBatch = { messages: [{ kind: 'update', taskId: 'order-1', update }] };
 */
export interface HttpBusBatch {
  /** The messages, in the order they were published. */
  messages: BusMessage[];
}

/**
 * The server side of the embedded bus: a fetch handler that accepts batches of
 * bus messages from workers (`createHttpBusSender`) and publishes them on `bus`.
 * Answers 401 without the server secret, 413 above `maxBodyBytes`, 400 for
 * anything that is not a batch of well-formed messages (then nothing of the batch
 * is published), always with a protocol error body. No input can crash it.
 *
 * @example
 * const bus = createInMemoryBus();
 * const receive = createHttpBusReceiver({ secret: process.env.RESUMABLE_BUS_SECRET!, bus });
 * // Next.js: app/api/resumable/bus/route.ts (or let @resumable/recovery-server mount it: `busSecret`)
 * export const POST = receive;
 */
export function createHttpBusReceiver(options: HttpBusReceiverOptions): (request: Request) => Promise<Response> {
  const secret = checkSecret(options.secret, 'secret');
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const maxMessages = options.maxMessages ?? 10_000;
  const { bus } = options;
  const refuse = (code: ErrorCode, message: string, details?: unknown): never => {
    throw new ResumableError(code, message, details === undefined ? {} : { details });
  };

  return async (request) => {
    try {
      if (request.method !== 'POST') {
        return new ResumableError('METHOD_NOT_ALLOWED', 'Use POST').toResponse({ Allow: 'POST' });
      }
      const token = bearerToken(request.headers.get('authorization'));
      if (token === undefined || !(await secretsEqual(token, secret)))
        refuse('UNAUTHORIZED', 'A valid bus secret is required');
      // The sender always declares JSON; anything else is not one of ours.
      if (!/^application\/json\b/i.test(request.headers.get('content-type') ?? '')) {
        refuse('UNSUPPORTED_MEDIA_TYPE', 'The body must be application/json');
      }
      const body = parseJsonBody(request, await readBoundedBody(request, maxBodyBytes));
      const messages = (body as { messages?: unknown } | null)?.messages;
      if (typeof body !== 'object' || body === null || !Array.isArray(messages)) {
        return refuse('BAD_REQUEST', 'The body must be {"messages": [...]}');
      }
      if (messages.length > maxMessages) refuse('PAYLOAD_TOO_LARGE', `At most ${maxMessages} messages per request`);
      // Every message is checked before any is published: a batch is taken whole or not at all.
      for (let index = 0; index < messages.length; index += 1) {
        const problem = busMessageProblem(messages[index]);
        if (problem !== null) refuse('BAD_REQUEST', `messages[${index}]: ${problem}`, { index });
      }
      for (const message of messages as BusMessage[]) await bus.publish(message);
      return new Response(JSON.stringify({ accepted: messages.length }), {
        status: 200,
        headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
      });
    } catch (error) {
      const failure = ResumableError.from(error);
      return failure.toResponse(failure.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="resumable-bus"' } : {});
    }
  };
}
