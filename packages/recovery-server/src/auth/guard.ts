import { ResumableError, bearerToken, checkSecret } from '@resumable/protocol';
import { authorize, verifyToken, type TokenAction, type TokenClaims } from './tokens';

/**
 * Auth settings: a token secret, or auth switched off explicitly.
 *
 * @example
 * const auth: AuthOptions = process.env.RESUMABLE_SECRET ? { secret: process.env.RESUMABLE_SECRET } : { disabled: true };
 */
export type AuthOptions =
  | {
      /** The key tokens are signed with (at least 32 characters). */
      secret: string;
    }
  | {
      /** Every request is allowed everything: for local development only. */
      disabled: true;
    };

/** Claims that allow everything, used when auth is switched off. */
const OPEN: TokenClaims = {
  sub: 'anonymous',
  tasks: '*',
  actions: ['read', 'resume', 'cancel', 'trigger'],
  iat: 0,
  exp: Infinity,
};

/**
 * Who is asking, once the token checked out.
 *
 * @example
 * const mayResume = (caller: Caller, taskId: string) => caller.claims.actions.includes('resume') && mayAccessTask(caller.claims, taskId);
 */
export interface Caller {
  /** The token's verified claims. */
  claims: TokenClaims;
  /** The raw token, as a key for per-token limits ('' with auth off). */
  token: string;
}

/** Checks the bearer token of every request. */
export class AuthGuard {
  private readonly secret: string | undefined;

  constructor(options: AuthOptions) {
    if ('disabled' in options) {
      if (options.disabled !== true)
        throw new ResumableError('INVALID_PARAMETER', 'auth.disabled must be exactly true');
      this.secret = undefined;
    } else {
      checkSecret(options.secret, 'auth.secret');
      this.secret = options.secret;
    }
  }

  get enabled(): boolean {
    return this.secret !== undefined;
  }

  /**
   * The caller of `request`, allowed to do `action` (on `taskId`), or a 401/403.
   * The token comes from `Authorization: Bearer …`, else `?token=` (for native EventSource).
   */
  async check(request: Request, url: URL, action: TokenAction, taskId?: string): Promise<Caller> {
    if (this.secret === undefined) return { claims: OPEN, token: '' };
    const token = bearerToken(request.headers.get('authorization')) ?? url.searchParams.get('token');
    if (!token) throw new ResumableError('UNAUTHORIZED', 'A token is required: Authorization: Bearer <token>');
    const claims = await verifyToken(this.secret, token);
    authorize(claims, action, taskId);
    return { claims, token };
  }
}
