import { describe, expect, it } from 'vitest';
import { createInMemoryBus } from '@resumable/sse-publisher';
import { createRecoveryServer } from '../server';

function server() {
  return createRecoveryServer({
    auth: { disabled: true },
    bus: createInMemoryBus(),
    temporal: { address: '127.0.0.1:1' },
    cors: { origin: ['https://app.example'] },
    recoverPausedOnStart: false,
    onError: () => undefined,
  });
}

describe('CORS', () => {
  it('answers a preflight from an allowed origin, allowing Last-Event-ID and Authorization', async () => {
    const response = await server().fetch(
      new Request('http://api.local/api/temporal/stream/t1', {
        method: 'OPTIONS',
        headers: { Origin: 'https://app.example', 'Access-Control-Request-Headers': 'last-event-id, authorization' },
      }),
    );
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(response.headers.get('access-control-allow-headers')).toMatch(/Last-Event-ID/);
    expect(response.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
  });

  it('gives nothing to an origin it does not list', async () => {
    const response = await server().fetch(
      new Request('http://api.local/api/temporal/stream/t1', {
        method: 'OPTIONS',
        headers: { Origin: 'https://evil.example' },
      }),
    );
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('puts the CORS headers on error answers too, so the browser can read the error', async () => {
    const response = await server().fetch(
      new Request('http://api.local/api/temporal/recovery/t1?sinceSequence=-1', {
        headers: { Origin: 'https://app.example' },
      }),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(await response.json()).toMatchObject({ error: { code: 'INVALID_PARAMETER' } });
  });
});
