/**
 * Values attackers and unlucky payloads put in SSE fields. Shared by the injection
 * suites of `@resumable/protocol` (the encoder) and `@resumable/sse-publisher` (a real
 * socket and a spec-strict client); not part of the public API.
 */
export const INJECTION_PAYLOADS: Record<string, string> = {
  LF: 'a\nb',
  CR: 'a\rb',
  CRLF: 'a\r\nb',
  'lone trailing CR': 'abc\r',
  NUL: 'a\0b',
  'forged event': 'x\n\nevent: admin\ndata: x',
  'forged event after CR': 'x\r\revent: admin\rdata: x',
  'forged id and retry': 'x\nid: 999\nretry: 1',
  BOM: '\uFEFFhello',
  'leading space': ' padded',
  'leading colon': ':not a comment',
  'only line breaks': '\n\r\n\r',
  empty: '',
  '1 MB': `${'x'.repeat(512 * 1024)}\n${'y'.repeat(512 * 1024)}`,
};
