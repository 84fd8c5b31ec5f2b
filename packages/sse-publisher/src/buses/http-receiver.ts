import { ResumableError, type BusMessage, type UpdateBus } from '@resumable/protocol';
import { checkSecret, secretsEqual } from './secret';
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
  messages: BusMessage[];
}

function errorResponse(error: ResumableError, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(error.toBody()), {
    status: error.status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
  });
}

async function readLimited(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // Stop reading at the limit: a huge body must not be buffered to be refused.
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function tooLarge(maxBytes: number): ResumableError {
  return new ResumableError('PAYLOAD_TOO_LARGE', `The body is larger than ${maxBytes} bytes`);
}

function bearer(header: string | null): string | null {
  if (header === null) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? (match[1] as string) : null;
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
  const secret = checkSecret(options.secret);
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const maxMessages = options.maxMessages ?? 10_000;
  const { bus } = options;
  const decoder = new TextDecoder('utf-8', { fatal: true });

  return async (request) => {
    try {
      if (request.method !== 'POST') {
        return errorResponse(new ResumableError('METHOD_NOT_ALLOWED', 'Use POST'), { Allow: 'POST' });
      }
      const token = bearer(request.headers.get('authorization'));
      if (token === null || !(await secretsEqual(token, secret))) {
        return errorResponse(new ResumableError('UNAUTHORIZED', 'A valid bus secret is required'), {
          'WWW-Authenticate': 'Bearer realm="resumable-bus"',
        });
      }
      const type = request.headers.get('content-type') ?? '';
      if (!/^application\/json\b/i.test(type)) {
        return errorResponse(new ResumableError('UNSUPPORTED_MEDIA_TYPE', 'The body must be application/json'));
      }
      const bytes = await readLimited(request, maxBodyBytes);
      let body: unknown;
      try {
        body = JSON.parse(decoder.decode(bytes));
      } catch {
        return errorResponse(new ResumableError('INVALID_JSON', 'The body is not valid UTF-8 JSON'));
      }
      const messages = (body as { messages?: unknown } | null)?.messages;
      if (typeof body !== 'object' || body === null || !Array.isArray(messages)) {
        return errorResponse(new ResumableError('BAD_REQUEST', 'The body must be {"messages": [...]}'));
      }
      if (messages.length > maxMessages) {
        return errorResponse(new ResumableError('PAYLOAD_TOO_LARGE', `At most ${maxMessages} messages per request`));
      }
      // Every message is checked before any is published: a batch is taken whole or not at all.
      for (let index = 0; index < messages.length; index += 1) {
        const problem = busMessageProblem(messages[index]);
        if (problem !== null) {
          return errorResponse(new ResumableError('BAD_REQUEST', `messages[${index}]: ${problem}`, { details: { index } }));
        }
      }
      for (const message of messages as BusMessage[]) await bus.publish(message);
      return new Response(JSON.stringify({ accepted: messages.length }), {
        status: 200,
        headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
      });
    } catch (error) {
      return errorResponse(
        ResumableError.is(error) ? error : new ResumableError('INTERNAL', 'The bus could not take the messages', { cause: error }),
      );
    }
  };
}
