import { ResumableError, checkSecret } from '@resumable/protocol';

/**
 * What a token lets its holder do.
 *
 * @example
 * const actions: TokenAction[] = ['read', 'resume'];
 * const token = await mintToken(secret, { subject: user.id, tasks: [taskId], actions });
 */
export type TokenAction = 'read' | 'resume' | 'cancel' | 'trigger';

/**
 * Every `TokenAction`.
 *
 * @example
 * const token = await mintToken(secret, { subject: 'ops', tasks: '*', actions: [...ALL_ACTIONS] });
 */
export const ALL_ACTIONS: readonly TokenAction[] = ['read', 'resume', 'cancel', 'trigger'];

/**
 * The claims inside a token.
 *
 * @example
 * const claims: TokenClaims = await verifyToken(secret, token);
 * if (claims.tasks !== '*') console.log(claims.sub, 'may see', claims.tasks);
 */
export interface TokenClaims {
  /** Who it was minted for (a user id); shown in logs, used for per-user limits. */
  sub: string;
  /** Task (workflow) ids it may touch, or `'*'` for every task. */
  tasks: string[] | '*';
  /** What it allows on those tasks. */
  actions: TokenAction[];
  /**
   * The Temporal namespace its tasks live in. A server accepts it only if it serves
   * that namespace; without it, the token is for a single-namespace server's own.
   */
  ns?: string;
  /** Issued at, seconds since the epoch. */
  iat: number;
  /** Expires at, seconds since the epoch. */
  exp: number;
}

/**
 * What `mintToken` puts in a token.
 *
 * @example
 * const options: MintTokenOptions = { subject: user.id, tasks: [taskId], actions: ['read'], ttlSeconds: 600 };
 * const token = await mintToken(secret, options);
 */
export interface MintTokenOptions {
  /** Who the token is for. */
  subject: string;
  /** Task ids, or `'*'`. */
  tasks: string[] | '*';
  /** Defaults to `['read']`. */
  actions?: TokenAction[];
  /**
   * The Temporal namespace of those tasks (claim `ns`). Required by a server serving
   * several (`temporal.namespaces`); a server serving another namespace refuses the token.
   */
  namespace?: string;
  /** Lifetime in seconds; defaults to 300 (five minutes). */
  ttlSeconds?: number;
  /** Clock, for tests. */
  now?: () => number;
}

const VERSION = 'v1';
const encoder = new TextEncoder();
// Web Crypto's key type, named without the DOM library (this file runs on any Web Crypto runtime).
type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
const keyCache = new Map<string, Promise<HmacKey>>();

function hmacKey(secret: string): Promise<HmacKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    keyCache.set(secret, key);
  }
  return key;
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const binary = atob(padded);
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/**
 * Mints a short-lived, scoped token (what an app's token route hands to its browsers):
 * HMAC-SHA256 over the claims, readable by any Web Crypto runtime.
 *
 * @example
 * const token = await mintToken(process.env.RESUMABLE_SECRET!, { subject: user.id, tasks: [taskId] });
 */
export async function mintToken(secret: string, options: MintTokenOptions): Promise<string> {
  checkSecret(secret, 'The token secret');
  const now = Math.floor((options.now ?? Date.now)() / 1000);
  const claims: TokenClaims = {
    sub: options.subject,
    tasks: options.tasks,
    actions: options.actions ?? ['read'],
    ...(options.namespace === undefined ? {} : { ns: options.namespace }),
    iat: now,
    exp: now + (options.ttlSeconds ?? 300),
  };
  const body = base64url(encoder.encode(JSON.stringify(claims)));
  const signed = `${VERSION}.${body}`;
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(signed)));
  return `${signed}.${base64url(signature)}`;
}

/**
 * Checks a token's signature and expiry and returns its claims; throws
 * `UNAUTHORIZED` (malformed or forged) or `TOKEN_EXPIRED`.
 *
 * @example
 * const claims = await verifyToken(secret, token);
 */
export async function verifyToken(secret: string, token: string, now: () => number = Date.now): Promise<TokenClaims> {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION || token.length > 8192) {
    throw new ResumableError('UNAUTHORIZED', 'Malformed token');
  }
  const [version, body, signature] = parts as [string, string, string];
  let valid: boolean;
  try {
    // crypto.subtle.verify compares in constant time.
    valid = await crypto.subtle.verify(
      'HMAC',
      await hmacKey(secret),
      fromBase64url(signature),
      encoder.encode(`${version}.${body}`),
    );
  } catch {
    // Not even base64url (atob throws): as invalid as a wrong signature.
    valid = false;
  }
  if (!valid) throw new ResumableError('UNAUTHORIZED', 'Invalid token signature');
  let claims: TokenClaims;
  try {
    claims = JSON.parse(new TextDecoder().decode(fromBase64url(body))) as TokenClaims;
  } catch {
    throw new ResumableError('UNAUTHORIZED', 'Malformed token');
  }
  if (
    typeof claims.exp !== 'number' ||
    !Array.isArray(claims.actions) ||
    (claims.ns !== undefined && typeof claims.ns !== 'string')
  ) {
    throw new ResumableError('UNAUTHORIZED', 'Malformed token claims');
  }
  if (claims.exp * 1000 <= now()) throw new ResumableError('TOKEN_EXPIRED', 'The token has expired; refresh it');
  return claims;
}

/**
 * Throws `FORBIDDEN` unless the claims allow `action` (on `taskId`, when given).
 *
 * @example
 * authorize(await verifyToken(secret, token), 'resume', taskId);
 */
export function authorize(claims: TokenClaims, action: TokenAction, taskId?: string): void {
  if (!claims.actions.includes(action)) {
    throw new ResumableError('FORBIDDEN', `This token does not allow "${action}"`);
  }
  if (taskId !== undefined && !mayAccessTask(claims, taskId)) {
    throw new ResumableError('FORBIDDEN', 'This token does not cover this task');
  }
}

/**
 * True when the claims cover `taskId`.
 *
 * @example
 * if (!mayAccessTask(claims, taskId)) return new Response('Forbidden', { status: 403 });
 */
export function mayAccessTask(claims: TokenClaims, taskId: string): boolean {
  return claims.tasks === '*' || claims.tasks.includes(taskId);
}
