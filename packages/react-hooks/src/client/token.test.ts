import { describe, expect, it } from 'vitest';
import { createTokenSource, tokenExpiry } from './token';

const encodeClaims = (claims: object) => btoa(JSON.stringify(claims)).replace(/=+$/, '');

describe('createTokenSource', () => {
  it('reuses a token while it is valid beyond the margin, then refreshes before it expires', async () => {
    let clock = 1_000_000;
    let minted = 0;
    const source = createTokenSource(
      () => ({ token: `t${++minted}`, expiresAt: clock + 60_000 }),
      10_000,
      () => clock,
    );
    expect(await source.get()).toBe('t1');
    clock += 49_000;
    expect(await source.get()).toBe('t1');
    clock += 2_000; // 9 s left: inside the margin, so refreshed before expiry
    expect(await source.get()).toBe('t2');
  });

  it('never reuses a token of unknown expiry', async () => {
    let minted = 0;
    const source = createTokenSource(() => `plain-${++minted}`);
    expect([await source.get(), await source.get()]).toEqual(['plain-1', 'plain-2']);
  });

  it('refreshes after invalidate(), even when the token looked valid', async () => {
    let minted = 0;
    const source = createTokenSource(async () => ({ token: `t${++minted}`, expiresAt: Date.now() + 3_600_000 }));
    expect(await source.get()).toBe('t1');
    source.invalidate();
    expect(await source.get()).toBe('t2');
  });

  it('shares one refresh between concurrent callers', async () => {
    let calls = 0;
    const source = createTokenSource(async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return 'shared';
    });
    expect(await Promise.all([source.get(), source.get(), source.get()])).toEqual(['shared', 'shared', 'shared']);
    expect(calls).toBe(1);
  });

  it('reads the expiry of a bare token from its exp claim', async () => {
    let clock = 0;
    let minted = 0;
    const exp = 1_700_000_000;
    const source = createTokenSource(
      () => `v1.${encodeClaims({ exp, n: ++minted })}.sig`,
      10_000,
      () => clock,
    );
    clock = exp * 1000 - 60_000;
    const first = await source.get();
    expect(await source.get()).toBe(first);
    clock = exp * 1000 - 5_000;
    expect(await source.get()).not.toBe(first);
  });

  it('passes a failing refresh on to the caller and tries again next time', async () => {
    let fail = true;
    const source = createTokenSource(() => {
      if (fail) throw new Error('login expired');
      return 'ok';
    });
    await expect(source.get()).rejects.toThrow('login expired');
    fail = false;
    expect(await source.get()).toBe('ok');
  });
});

describe('tokenExpiry', () => {
  it('reads exp in seconds as ms and ignores tokens without one', () => {
    expect(tokenExpiry(`h.${encodeClaims({ exp: 12 })}.s`)).toBe(12_000);
    expect(tokenExpiry('opaque-token')).toBeUndefined();
    expect(tokenExpiry('a.!!!.c')).toBeUndefined();
    expect(tokenExpiry(`h.${encodeClaims({ exp: 'soon' })}.s`)).toBeUndefined();
  });
});
