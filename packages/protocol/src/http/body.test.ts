import { describe, expect, it } from 'vitest';
import { ResumableError } from '../errors';
import { parseJsonBody, readBoundedBody } from './body';

async function codeOf(run: () => Promise<unknown> | unknown): Promise<string | undefined> {
  try {
    await run();
  } catch (error) {
    return ResumableError.is(error) ? error.code : 'not a ResumableError';
  }
  return undefined;
}

function streamed(chunks: string[], headers: Record<string, string> = {}): Request {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[pulled++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(new TextEncoder().encode(chunk));
    },
  });
  return new Request('http://127.0.0.1/', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
}

describe('readBoundedBody', () => {
  it('joins the chunks of a body within the limit', async () => {
    const bytes = await readBoundedBody(streamed(['{"a":', '1}']), 100);
    expect(new TextDecoder().decode(bytes)).toBe('{"a":1}');
  });

  it('reads an absent body as empty', async () => {
    expect((await readBoundedBody(new Request('http://127.0.0.1/'), 10)).byteLength).toBe(0);
  });

  it('refuses a declared Content-Length above the limit before reading', async () => {
    const request = new Request('http://127.0.0.1/', {
      method: 'POST',
      body: 'x'.repeat(11),
      headers: { 'Content-Length': '11' },
    });
    expect(await codeOf(() => readBoundedBody(request, 10))).toBe('PAYLOAD_TOO_LARGE');
    expect(request.bodyUsed).toBe(false);
  });

  it('stops reading a streamed body at the limit', async () => {
    const chunks = Array.from({ length: 100 }, () => 'x'.repeat(10));
    const request = streamed(chunks);
    expect(await codeOf(() => readBoundedBody(request, 25))).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('parseJsonBody', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('parses JSON declared as JSON, as +json, or undeclared', () => {
    expect(
      parseJsonBody(
        new Request('http://127.0.0.1/', { headers: { 'Content-Type': 'application/json' } }),
        bytes('[1]'),
      ),
    ).toEqual([1]);
    expect(
      parseJsonBody(
        new Request('http://127.0.0.1/', { headers: { 'Content-Type': 'application/merge-patch+json' } }),
        bytes('{}'),
      ),
    ).toEqual({});
    expect(parseJsonBody(new Request('http://127.0.0.1/'), bytes('"x"'))).toBe('x');
  });

  it('refuses another declared type, broken JSON and broken UTF-8 with their codes', async () => {
    const form = new Request('http://127.0.0.1/', { headers: { 'Content-Type': 'text/plain' } });
    expect(await codeOf(() => parseJsonBody(form, bytes('{}')))).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await codeOf(() => parseJsonBody(new Request('http://127.0.0.1/'), bytes('{oops')))).toBe('INVALID_JSON');
    expect(
      await codeOf(() => parseJsonBody(new Request('http://127.0.0.1/'), new Uint8Array([0x22, 0xff, 0x22]))),
    ).toBe('INVALID_JSON');
  });
});
