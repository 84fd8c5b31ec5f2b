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

/**
 * @internal The namespace a server's guard admits tokens for. `required`: a token
 * must name it (a server that is one of several namespaces' behind one secret);
 * otherwise a token naming no namespace is for this server too.
 */
export interface NamespaceScope {
  namespace: string;
  required: boolean;
}

/**
 * @internal The refusal of a token for a namespace the server does not serve
 * (`details.reason`: `namespace-not-served`), or of a token naming none where one
 * is required (`namespace-missing`).
 */
export function namespaceRefused(namespace: string | undefined): ResumableError {
  if (namespace === undefined) {
    return new ResumableError('FORBIDDEN', 'This server serves several namespaces: the token must name one', {
      details: { reason: 'namespace-missing' },
    });
  }
  return new ResumableError('FORBIDDEN', `This server does not serve namespace "${namespace}"`, {
    details: { reason: 'namespace-not-served', namespace },
  });
}

/** Checks the bearer token of every request. */
export class AuthGuard {
  private readonly secret: string | undefined;

  constructor(
    options: AuthOptions,
    private readonly scope?: NamespaceScope,
  ) {
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
    // Before the task check: the same task id names another workflow in another namespace.
    if (this.scope && (claims.ns === undefined ? this.scope.required : claims.ns !== this.scope.namespace)) {
      throw namespaceRefused(claims.ns);
    }
    authorize(claims, action, taskId);
    return { claims, token };
  }
}
