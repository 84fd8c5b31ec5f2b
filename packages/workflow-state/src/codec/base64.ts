import { ResumableError } from '@resumable/protocol';

// `btoa`/`atob` work on "binary strings"; this many bytes per String.fromCharCode call
// stays well under every engine's argument limit.
const CHUNK = 0x8000;

/** Standard base64 (with padding) of `bytes`, without Node's Buffer (edge runtimes have none). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let offset = 0; offset < bytes.length; offset += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + CHUNK));
  }
  return btoa(binary);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Bytes of a base64 string: standard or URL-safe alphabet, padded or not (proto3 JSON
 * parsers accept all four). Anything else is `BAD_REQUEST` naming `what`.
 */
export function fromBase64(text: string, what: string): Uint8Array {
  const standard = text.replace(/-/g, '+').replace(/_/g, '/');
  const padded = standard.padEnd(standard.length + ((4 - (standard.length % 4)) % 4), '=');
  if (!BASE64.test(standard) || padded.length % 4 !== 0 || /=[^=]/.test(padded)) {
    throw new ResumableError('BAD_REQUEST', `${what} is not base64`);
  }
  let binary: string;
  try {
    binary = atob(padded);
  } catch {
    throw new ResumableError('BAD_REQUEST', `${what} is not base64`);
  }
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}
