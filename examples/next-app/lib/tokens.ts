/** A token and when it expires, as the hooks' `refreshToken` may return it. */
export interface TokenGrant {
  token: string;
  expiresAt: number;
}

async function requestToken(body: object): Promise<TokenGrant> {
  const response = await fetch('/api/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`Token refused: HTTP ${response.status}`);
  return (await response.json()) as TokenGrant;
}

const perTask = new Map<string, () => Promise<TokenGrant>>();

/**
 * `getTemporalSubscriptionToken` for one task: a stable function per task,
 * so the hooks' token cache is kept across renders. The hooks call it before expiry
 * and after a 401.
 */
export function getTemporalSubscriptionToken(taskId: string): () => Promise<TokenGrant> {
  let refresh = perTask.get(taskId);
  if (!refresh) perTask.set(taskId, (refresh = () => requestToken({ scope: 'task', taskId })));
  return refresh;
}

/** A token for the paused-workflows dashboard (every execution; resume, cancel, trigger). */
export function getOperatorToken(): Promise<TokenGrant> {
  return requestToken({ scope: 'operator' });
}
