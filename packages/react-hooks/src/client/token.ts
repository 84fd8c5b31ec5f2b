/**
 * What `refreshToken()` may return: the bearer token, optionally with its expiry
 * (ms since the epoch). A bare token that carries an `exp` claim (a JWT, or a
 * Resumable server token) has its expiry read from it.
 *
 * @example
 * const result: TokenResult = { token, expiresAt: Date.now() + 5 * 60_000 };
 */
export type TokenResult =
  | string
  | {
      /** The bearer token. */
      token: string;
      /** When it expires, ms since the epoch. */
      expiresAt?: number;
    };

/**
 * Mints or fetches a fresh token, e.g. a call to the app's own token route.
 *
 * @example
 * const refreshToken: RefreshToken = async () => (await fetch('/api/token', { method: 'POST' })).text();
 */
export type RefreshToken = () => TokenResult | Promise<TokenResult>;

/**
 * Hands out a token that is not about to expire, refreshing it when needed.
 *
 * @example
 * const tokens: TokenSource = createTokenSource(refreshToken);
 * const headers = { Authorization: `Bearer ${await tokens.get()}` };
 */
export interface TokenSource {
  /** A token valid for at least the refresh margin. */
  get(): Promise<string>;
  /** Forgets the cached token (after a 401), so the next `get()` refreshes. */
  invalidate(): void;
}

/**
 * Reads the `exp` claim (seconds) of a `header.claims.signature` token, if any.
 *
 * @example
 * tokenExpiry('v1.eyJleHAiOjE3MDAwMDAwMDB9.sig'); // 1700000000000
 */
export function tokenExpiry(token: string): number | undefined {
  const claims = token.split('.')[1];
  if (!claims) return undefined;
  try {
    const exp = JSON.parse(atob(claims.replace(/-/g, '+').replace(/_/g, '/'))).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Wraps `refreshToken` so that a token is reused only while it is known to be valid
 * for more than `marginMs`; a token of unknown expiry is never reused, so a retry
 * never carries a stale one. Concurrent callers share one refresh.
 *
 * @example
 * const tokens = createTokenSource(() => fetch('/token').then((r) => r.text()));
 * const headers = { Authorization: `Bearer ${await tokens.get()}` };
 */
export function createTokenSource(refresh: RefreshToken, marginMs = 10_000, now: () => number = Date.now): TokenSource {
  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;
  return {
    get() {
      if (cached && cached.expiresAt - marginMs > now()) return Promise.resolve(cached.token);
      cached = undefined;
      if (!pending) {
        const refreshing = Promise.resolve()
          .then(refresh)
          .then((result) => {
            const token = typeof result === 'string' ? result : result.token;
            const expiresAt = (typeof result === 'string' ? undefined : result.expiresAt) ?? tokenExpiry(token);
            if (expiresAt !== undefined) cached = { token, expiresAt };
            return token;
          });
        const done = () => (pending = undefined);
        refreshing.then(done, done);
        pending = refreshing;
      }
      return pending;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
