import { ResumableError } from '../errors';

/**
 * Reads a request body of at most `maxBytes`, counting bytes as they arrive: an
 * oversized body is refused (`PAYLOAD_TOO_LARGE`) without being buffered whole,
 * and a `Content-Length` above the limit is refused before any byte is read.
 *
 * @example
 * const bytes = await readBoundedBody(request, 64 * 1024);
 */
export async function readBoundedBody(request: Request, maxBytes: number): Promise<Uint8Array> {
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
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * Parses a JSON body read by `readBoundedBody`: `INVALID_JSON` unless it is valid
 * UTF-8 JSON, `UNSUPPORTED_MEDIA_TYPE` when the request declares a type that is not JSON.
 *
 * @example
 * const body = parseJsonBody(request, await readBoundedBody(request, maxBytes));
 */
export function parseJsonBody(request: Request, bytes: Uint8Array): unknown {
  const type = request.headers.get('content-type') ?? '';
  if (type !== '' && !/^application\/([\w.+-]*\+)?json\b/i.test(type)) {
    throw new ResumableError('UNSUPPORTED_MEDIA_TYPE', 'The body must be application/json');
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new ResumableError('INVALID_JSON', 'The body is not valid UTF-8 JSON');
  }
}

function tooLarge(maxBytes: number): ResumableError {
  return new ResumableError('PAYLOAD_TOO_LARGE', `The body must be at most ${maxBytes} bytes`);
}
