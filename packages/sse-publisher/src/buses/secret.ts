import { ResumableError } from '@resumable/protocol';

const utf8 = new TextEncoder();

/** Shortest shared secret accepted: a guessable secret would let anyone inject updates. */
export const MIN_SECRET_LENGTH = 16;

export function checkSecret(secret: unknown): string {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
    throw new ResumableError('INVALID_PARAMETER', `The bus secret must be a string of at least ${MIN_SECRET_LENGTH} characters`);
  }
  return secret;
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', utf8.encode(text)));
}

/**
 * Compares two secrets in time that depends on neither: both are hashed first, so
 * even their lengths leak nothing, and the 32-byte digests are compared without
 * an early exit.
 */
export async function secretsEqual(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}
