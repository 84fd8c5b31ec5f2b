import { describe, expect, it } from 'vitest';
import { utf8Length } from './utf8';

describe('utf8Length', () => {
  it.each(['', 'plain ascii', 'é', 'ü€', '日本語', '😀 emoji', '\ud800 lone surrogate', 'end \udfff'])(
    'matches Buffer for %j',
    (text) => {
      // A lone surrogate is written as U+FFFD (3 bytes), as Buffer does.
      expect(utf8Length(text)).toBe(Buffer.byteLength(text, 'utf8'));
    },
  );
});
