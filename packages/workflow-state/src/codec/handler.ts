import { ResumableError, bearerToken, parseJsonBody, readBoundedBody, secretsEqual } from '@resumable/protocol';
import { fromBase64, toBase64 } from './base64';
import type { CodecPayload } from './payload';

/**
 * Options of {@link createCodecHandler}.
 *
 * @example
 * createCodecHandler({ codec, authorize: bearerTokenAuthorizer(process.env.RESUMABLE_CODEC_TOKEN!), allowOrigins: ['http://localhost:8233'] });
 */
export interface CodecHandlerOptions {
  /** The codec to serve (`createEncryptionCodec(...)`, or any `PayloadCodec`). */
  codec: {
    /** Encodes payloads. */
    encode(payloads: CodecPayload[]): Promise<CodecPayload[]>;
    /** Decodes payloads. */
    decode(payloads: CodecPayload[]): Promise<CodecPayload[]>;
  };
  /**
   * Decides who may use the endpoint (anyone who can decode reads every payload):
   * `true` lets the request through; `false` refuses it, 401 when it carried no
   * `Authorization` header and 403 when it did. A thrown `ResumableError` is answered
   * as itself. Default: everyone (put the endpoint behind your own gateway then).
   */
  authorize?: (request: Request) => boolean | Promise<boolean>;
  /**
   * Browser origins allowed to call it across origins, exactly as the browser sends
   * them (`https://temporal.example.com`, the Temporal web UI's), or `'*'` for any.
   * Default: none, so only same-origin pages and non-browser clients can.
   */
  allowOrigins?: readonly string[] | '*';
  /** Largest request body accepted, in bytes. Default 8 MiB. */
  maxBodyBytes?: number;
}

/** One payload in proto3 JSON: metadata values and data in base64. */
interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}

// The headers the Temporal web UI and CLI send: the namespace, the JSON body, and
// the user's access token when the UI is told to pass it.
const ALLOWED_HEADERS = 'Authorization, Content-Type, X-Namespace';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fromJson(value: unknown, index: number): CodecPayload {
  const where = `payloads[${index}]`;
  if (!isObject(value)) throw new ResumableError('BAD_REQUEST', `${where} must be an object`, { details: { index } });
  const metadata: Record<string, Uint8Array> = {};
  if (value.metadata !== undefined && value.metadata !== null) {
    if (!isObject(value.metadata)) {
      throw new ResumableError('BAD_REQUEST', `${where}.metadata must be an object`, { details: { index } });
    }
    for (const [key, text] of Object.entries(value.metadata)) {
      if (typeof text !== 'string') {
        throw new ResumableError('BAD_REQUEST', `${where}.metadata.${key} must be a base64 string`, {
          details: { index },
        });
      }
      metadata[key] = fromBase64(text, `${where}.metadata.${key}`);
    }
  }
  if (value.data !== undefined && value.data !== null && typeof value.data !== 'string') {
    throw new ResumableError('BAD_REQUEST', `${where}.data must be a base64 string`, { details: { index } });
  }
  const data = typeof value.data === 'string' ? fromBase64(value.data, `${where}.data`) : new Uint8Array(0);
  return { metadata, data };
}

function toJson(payload: CodecPayload): JsonPayload {
  const metadata: Record<string, string> = {};
  for (const [key, bytes] of Object.entries(payload.metadata ?? {})) metadata[key] = toBase64(bytes);
  return { metadata, data: toBase64(payload.data ?? new Uint8Array(0)) };
}

/**
 * An `authorize` for {@link createCodecHandler} that lets through requests carrying
 * `Authorization: Bearer <token>` (compared in constant time). An empty or missing
 * token refuses everything, so an unset variable never opens the endpoint.
 *
 * @example
 * createCodecHandler({ codec, authorize: bearerTokenAuthorizer(process.env.RESUMABLE_CODEC_TOKEN) });
 */
export function bearerTokenAuthorizer(token: string | undefined): (request: Request) => Promise<boolean> {
  return async (request) => {
    if (token === undefined || token === '') return false;
    const given = bearerToken(request.headers.get('authorization'));
    return given !== undefined && (await secretsEqual(given, token));
  };
}

/**
 * A fetch-standard handler serving the codec-server protocol of the Temporal web UI
 * and CLI: `POST …/encode` and `POST …/decode` take `{ payloads: [{ metadata, data }] }`
 * (proto3 JSON, values in base64) and answer the same shape, judged by the last path
 * segment only, so it mounts at any path. It answers CORS preflights for
 * `allowOrigins`, refuses with 401/403 when `authorize` says no, 400 for a body that
 * is not such JSON, 405 for other methods, 404 for other paths, always with a
 * protocol error body; no input crashes it.
 *
 * @example
 * import { createCodecHandler, createEncryptionCodec, keyRingFromEnv, bearerTokenAuthorizer } from '@resumable/workflow-state/codec';
 *
 * const handler = createCodecHandler({
 *   codec: createEncryptionCodec({ keyRing: keyRingFromEnv()! }),
 *   authorize: bearerTokenAuthorizer(process.env.RESUMABLE_CODEC_TOKEN),
 *   allowOrigins: ['http://localhost:8233'],
 * });
 * // Next.js: app/api/codec/[...op]/route.ts
 * export const POST = handler;
 * export const OPTIONS = handler;
 */
export function createCodecHandler(options: CodecHandlerOptions): (request: Request) => Promise<Response> {
  const codec = options?.codec;
  if (typeof codec?.encode !== 'function' || typeof codec.decode !== 'function') {
    throw new ResumableError('INVALID_PARAMETER', 'createCodecHandler needs { codec } with encode and decode');
  }
  const { authorize } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const origins = options.allowOrigins ?? [];

  function corsHeaders(request: Request): Record<string, string> {
    const origin = request.headers.get('origin');
    if (origin === null || (origins !== '*' && !origins.includes(origin))) return { Vary: 'Origin' };
    // The exact origin, never '*', so the UI may send cookies (`includeCredentials`).
    return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' };
  }

  async function handle(request: Request, cors: Record<string, string>): Promise<Response> {
    const operation = new URL(request.url).pathname.replace(/\/+$/, '').split('/').at(-1);
    if (operation !== 'encode' && operation !== 'decode') {
      throw new ResumableError('NOT_FOUND', 'Codec endpoints are …/encode and …/decode');
    }
    if (request.method === 'OPTIONS') {
      if (cors['Access-Control-Allow-Origin'] === undefined) {
        throw new ResumableError('FORBIDDEN', 'This origin may not call the codec endpoint');
      }
      return new Response(null, {
        status: 204,
        headers: {
          ...cors,
          'Access-Control-Allow-Methods': 'POST, OPTIONS',
          'Access-Control-Allow-Headers': ALLOWED_HEADERS,
          'Access-Control-Max-Age': '600',
        },
      });
    }
    if (request.method !== 'POST') {
      return new ResumableError('METHOD_NOT_ALLOWED', 'Use POST').toResponse({ ...cors, Allow: 'POST, OPTIONS' });
    }
    if (authorize && !(await authorize(request))) {
      const hasCredentials = (request.headers.get('authorization') ?? '') !== '';
      throw hasCredentials
        ? new ResumableError('FORBIDDEN', 'These credentials may not use the codec endpoint')
        : new ResumableError('UNAUTHORIZED', 'The codec endpoint needs Authorization: Bearer <token>');
    }
    const body = parseJsonBody(request, await readBoundedBody(request, maxBodyBytes));
    if (!isObject(body) || !Array.isArray(body.payloads)) {
      throw new ResumableError('BAD_REQUEST', 'The body must be {"payloads": [{"metadata": {…}, "data": "…"}]}');
    }
    const payloads = body.payloads.map(fromJson);
    const result = operation === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
    return new Response(JSON.stringify({ payloads: result.map(toJson) }), {
      status: 200,
      headers: { ...cors, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
    });
  }

  return async (request) => {
    let cors: Record<string, string> = {};
    try {
      cors = corsHeaders(request);
      return await handle(request, cors);
    } catch (error) {
      return ResumableError.from(error).toResponse(cors);
    }
  };
}
