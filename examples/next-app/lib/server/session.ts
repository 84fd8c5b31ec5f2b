import { randomBytes } from 'node:crypto';
import { cookies } from 'next/headers';

const COOKIE = 'resumable-demo-user';

/**
 * Demo sign-in: every browser gets a random user id in an http-only cookie. A real
 * app uses its own session here; what matters downstream is that tokens are minted
 * for a known user and scoped to what that user may see.
 */
export async function currentUser(): Promise<string> {
  const jar = await cookies();
  const existing = jar.get(COOKIE)?.value;
  if (existing && /^u[0-9a-f]{8}$/.test(existing)) return existing;
  const user = `u${randomBytes(4).toString('hex')}`;
  jar.set(COOKIE, user, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 60 * 60 * 24 * 30 });
  return user;
}

/**
 * The signed-in user, if this browser has one, without signing anyone in: for server
 * components, which may read cookies but not set them.
 */
export async function existingUser(): Promise<string | undefined> {
  const existing = (await cookies()).get(COOKIE)?.value;
  return existing && /^u[0-9a-f]{8}$/.test(existing) ? existing : undefined;
}

/** The owner encoded in a workflow id this app started (`<kind>-<user>-<random>`). */
export function ownerOf(workflowId: string): string | undefined {
  return /^[a-z]+-(u[0-9a-f]{8})-[0-9a-z]+$/.exec(workflowId)?.[1];
}

/** A fresh workflow id owned by `user`. */
export function newWorkflowId(prefix: string, user: string): string {
  return `${prefix}-${user}-${randomBytes(5).toString('hex')}`;
}
