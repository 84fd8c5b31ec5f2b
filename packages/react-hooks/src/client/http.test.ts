import { describe, expect, it } from 'vitest';
import { ClientError } from './errors';
import { requestJson } from './http';
import { createTokenSource } from './token';

const neverCalled: typeof fetch = () => Promise.reject(new Error('fetch must not be called without a token'));

describe('requestJson when the app cannot give a token', () => {
  it('rejects with an UNAUTHORIZED ClientError that names refreshToken and keeps the cause, and sends nothing', async () => {
    const cause = new Error('session expired');
    const tokens = createTokenSource(() => Promise.reject(cause));
    const failure = await requestJson('http://127.0.0.1/api/x', {}, { tokens, fetch: neverCalled }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ClientError);
    expect(failure).toMatchObject({ code: 'UNAUTHORIZED', message: 'refreshToken() failed: session expired', cause });
  });

  it("keeps the app's own ClientError as it is", async () => {
    const own = new ClientError('FORBIDDEN', 'not your task', { status: 403 });
    const tokens = createTokenSource(() => Promise.reject(own));
    await expect(requestJson('http://127.0.0.1/api/x', undefined, { tokens, fetch: neverCalled })).rejects.toBe(own);
  });
});
