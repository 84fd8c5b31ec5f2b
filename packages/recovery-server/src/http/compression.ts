import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/** What the server compresses with, in order of preference at equal `q`. */
export type ContentCoding = 'br' | 'gzip';

const CODINGS: readonly ContentCoding[] = ['br', 'gzip'];

/**
 * Marks a request whose host compresses answers itself (Next.js). A registered symbol on
 * the request, not a module-level set: the adapters are bundled apart from the server
 * (`/next` and `.` are separate files), so module state would not be shared.
 */
const HOST_COMPRESSES = Symbol.for('@resumable/recovery-server.hostCompresses');

/** @internal Marks a request as one the host (e.g. `next start`) compresses; the pipeline leaves it alone. */
export function leaveCompressionToHost(request: Request): void {
  Object.defineProperty(request, HOST_COMPRESSES, { value: true });
}

/** @internal True when `leaveCompressionToHost` marked the request. */
export function hostCompresses(request: Request): boolean {
  return (request as Request & { [HOST_COMPRESSES]?: boolean })[HOST_COMPRESSES] === true;
}

/** Below this many bytes, compressing saves less than it costs (headers, CPU, a round of zlib). */
export const MIN_COMPRESSED_BYTES = 1024;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * The coding to answer with, from the request's `Accept-Encoding` (RFC 9110 §12.5.3):
 * the highest `q` among `br` and `gzip` (a `*` covers whichever is not named; `q=0`
 * refuses), `br` first on a tie. Undefined when neither is acceptable.
 */
export function chooseCoding(acceptEncoding: string | null): ContentCoding | undefined {
  if (!acceptEncoding) return undefined;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase());
    if (!name) continue;
    const q = parameters.find((parameter) => parameter.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(name, Number.isFinite(weight) ? Math.min(1, Math.max(0, weight)) : 0);
  }
  let best: ContentCoding | undefined;
  let bestWeight = 0;
  for (const coding of CODINGS) {
    const weight = weights.get(coding) ?? weights.get('*') ?? 0;
    if (weight > bestWeight) [best, bestWeight] = [coding, weight];
  }
  return best;
}

/** Compresses bytes with a setting meant for answers made per request (fast, most of the gain). */
export async function compressBytes(bytes: Uint8Array, coding: ContentCoding): Promise<Uint8Array<ArrayBuffer>> {
  const compressed =
    coding === 'gzip'
      ? await gzipAsync(bytes, { level: 6 })
      : await brotli(bytes, {
          params: {
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_QUALITY]: 5,
            [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
          },
        });
  // A plain byte array over its own ArrayBuffer: what a web `Response` body is typed to take.
  return new Uint8Array(compressed);
}

/**
 * The response in the coding the request accepts, when it is a 200 JSON answer worth
 * compressing. Every such answer says `Vary: Accept-Encoding` (caches must key on it,
 * compressed or not), and a strong `ETag` becomes weak once compressed: the bytes
 * differ per coding, the content does not, and revalidation compares weakly anyway.
 */
export async function compressResponse(request: Request, response: Response): Promise<Response> {
  const coding = chooseCoding(request.headers.get('accept-encoding'));
  if (response.status === 304) {
    // Revalidated: the same validator the 200 in this coding would have carried.
    response.headers.append('Vary', 'Accept-Encoding');
    const etag = response.headers.get('etag');
    if (coding && etag && !etag.startsWith('W/')) response.headers.set('ETag', `W/${etag}`);
    return response;
  }
  const type = response.headers.get('content-type') ?? '';
  if (response.status !== 200 || !response.body || response.headers.has('content-encoding')) return response;
  if (!type.startsWith('application/json')) return response;
  const headers = new Headers(response.headers);
  headers.append('Vary', 'Accept-Encoding');
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (!coding || bytes.byteLength < MIN_COMPRESSED_BYTES) {
    return new Response(bytes, { status: response.status, headers });
  }
  const compressed = await compressBytes(bytes, coding);
  headers.set('Content-Encoding', coding);
  headers.delete('Content-Length');
  const etag = headers.get('etag');
  if (etag && !etag.startsWith('W/')) headers.set('ETag', `W/${etag}`);
  return new Response(compressed, { status: response.status, headers });
}
