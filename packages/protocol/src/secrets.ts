import { ResumableError } from './errors';

/**
 * Shortest secret accepted anywhere (token signing key, bus secret): 32 characters
 * is 192 bits of base64 randomness, out of reach of guessing, and what
 * `openssl rand -base64 24` prints.
 *
 * @example
 * if (secret.length < MIN_SECRET_LENGTH) throw new Error('busSecret is too short');
 */
export const MIN_SECRET_LENGTH = 32;

/**
 * Returns `secret` when it is a string of at least `MIN_SECRET_LENGTH` characters;
 * otherwise throws `INVALID_PARAMETER` naming the option (`what`).
 *
 * @example
 * const secret = checkSecret(process.env.RESUMABLE_BUS_SECRET, 'busSecret');
 */
export function checkSecret(secret: unknown, what = 'secret'): string {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
    throw new ResumableError(
      'INVALID_PARAMETER',
      `${what} must be a string of at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -base64 24)`,
    );
  }
  return secret;
}

const utf8 = new TextEncoder();

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', utf8.encode(text)));
}

/**
 * Compares two secrets in time that depends on neither: both are hashed first, so
 * even their lengths leak nothing, and the digests are compared without an early exit.
 *
 * @example
 * if (!(await secretsEqual(presented, expected))) throw new ResumableError('UNAUTHORIZED', '…');
 */
export async function secretsEqual(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}

/**
 * The token of an `Authorization: Bearer <token>` header: `undefined` when there is
 * no header, `UNAUTHORIZED` when there is one of another shape (a malformed header
 * is refused, never ignored in favour of another credential).
 *
 * @example
 * const token = bearerToken(request.headers.get('authorization'));
 */
export function bearerToken(header: string | null | undefined): string | undefined {
  if (header === null || header === undefined || header === '') return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!match) throw new ResumableError('UNAUTHORIZED', 'The Authorization header must be "Bearer <token>"');
  return match[1];
}
