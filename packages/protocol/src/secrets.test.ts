import { describe, expect, it } from 'vitest';
import { ResumableError } from './errors';
import { MIN_SECRET_LENGTH, bearerToken, checkSecret, secretsEqual } from './secrets';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return ResumableError.is(error) ? error.code : 'not a ResumableError';
  }
  return undefined;
}

describe('secretsEqual', () => {
  it('matches only the exact secret', async () => {
    const secret = 'a-long-server-secret-0123456789-abc';
    expect(await secretsEqual(secret, secret)).toBe(true);
    expect(await secretsEqual(`${secret}x`, secret)).toBe(false);
    expect(await secretsEqual(secret.slice(0, -1), secret)).toBe(false);
    expect(await secretsEqual('', secret)).toBe(false);
    expect(await secretsEqual(secret.toUpperCase(), secret)).toBe(false);
  });
});

describe('checkSecret', () => {
  it('refuses short or missing secrets with INVALID_PARAMETER, naming the option', () => {
    for (const bad of ['', 'short', 'x'.repeat(MIN_SECRET_LENGTH - 1), undefined, 42]) {
      expect(codeOf(() => checkSecret(bad, 'busSecret'))).toBe('INVALID_PARAMETER');
    }
    expect(() => checkSecret('short', 'busSecret')).toThrow(/busSecret must be .* at least 32 characters/);
  });

  it('returns a long enough secret unchanged', () => {
    const secret = 'x'.repeat(MIN_SECRET_LENGTH);
    expect(checkSecret(secret)).toBe(secret);
  });
});

describe('bearerToken', () => {
  it('reads the token of a Bearer header, any case, spaces or tabs around', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer\tabc ')).toBe('abc');
  });

  it('says "no header" for a missing or empty header', () => {
    expect(bearerToken(null)).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('')).toBeUndefined();
  });

  it('refuses any other shape with UNAUTHORIZED instead of ignoring it', () => {
    for (const bad of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'Bearer\r\nx', 'Token abc']) {
      expect(codeOf(() => bearerToken(bad))).toBe('UNAUTHORIZED');
    }
  });
});
