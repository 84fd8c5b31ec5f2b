import { ResumableError } from '@resumable/protocol';
import { describe, expect, it } from 'vitest';
import { checkSecret, secretsEqual } from './secret';

describe('bus secret', () => {
  it('matches only the exact secret', async () => {
    const secret = 'a-long-server-secret-0123456789';
    expect(await secretsEqual(secret, secret)).toBe(true);
    expect(await secretsEqual(`${secret}x`, secret)).toBe(false);
    expect(await secretsEqual(secret.slice(0, -1), secret)).toBe(false);
    expect(await secretsEqual('', secret)).toBe(false);
    expect(await secretsEqual(secret.toUpperCase(), secret)).toBe(false);
  });

  it('refuses short or missing secrets at configuration time', () => {
    for (const bad of ['', 'short', undefined, 42]) {
      let thrown: unknown;
      try {
        checkSecret(bad);
      } catch (error) {
        thrown = error;
      }
      expect(ResumableError.is(thrown) && thrown.code).toBe('INVALID_PARAMETER');
    }
    expect(checkSecret('0123456789abcdef')).toBe('0123456789abcdef');
  });
});
