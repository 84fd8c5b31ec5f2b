import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { DefaultPayloadConverter, type PayloadCodec } from '@temporalio/common';
import { ResumableError } from '@resumable/protocol';
import {
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  createEncryptionCodec,
  createKeyRing,
  keyRingFromEnv,
  parseKeyRing,
  type CodecPayload,
} from '../src/codec/index';

const utf8 = new TextEncoder();
const text = (bytes: Uint8Array | undefined | null) => new TextDecoder().decode(bytes ?? new Uint8Array(0));
const newKey = () => crypto.getRandomValues(new Uint8Array(32));
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const SECRET = 'card 4111-1111-1111-1111, cvc 737';
const converter = new DefaultPayloadConverter();

/** The payloads Temporal's default converter makes: JSON, binary, null, undefined. */
function plainPayloads(): CodecPayload[] {
  return [
    converter.toPayload({ card: SECRET, amounts: [1, 2, 3] }),
    converter.toPayload(utf8.encode(SECRET)),
    converter.toPayload(null),
    converter.toPayload(undefined),
  ];
}

/** The part of @temporalio/proto this file uses (the package is the SDK's, not ours to import by name). */
interface ProtoModule {
  temporal: { api: { common: { v1: { Payload: { encode(payload: CodecPayload): { finish(): Uint8Array } } } } } };
}

/** What a DECRYPTION_FAILED rejection says, for one assertion. */
async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(ResumableError.is(error), String(error)).toBe(true);
  const { code, details, message } = error as ResumableError;
  return { code, details, message };
}

describe('the encryption codec', () => {
  const k1 = { id: 'k1', key: newKey() };
  const k2 = { id: 'k2', key: newKey() };

  it('is a Temporal PayloadCodec whose payloads round-trip to what the converter reads', async () => {
    const codec: PayloadCodec = createEncryptionCodec({ keyRing: createKeyRing([k1]) });
    const original = plainPayloads();
    const encoded = await codec.encode(original);
    const decoded = await codec.decode(encoded);
    expect(decoded).toEqual(
      original.map((payload) => ({ metadata: payload.metadata, data: payload.data ?? new Uint8Array(0) })),
    );
    expect(converter.fromPayload(decoded[0]!)).toEqual({ card: SECRET, amounts: [1, 2, 3] });
    expect(text(converter.fromPayload<Uint8Array>(decoded[1]!))).toBe(SECRET);
    expect(converter.fromPayload(decoded[2]!)).toBeNull();
    expect(converter.fromPayload(decoded[3]!)).toBeUndefined();
  });

  it('hides the plaintext, names its key, and uses a fresh 96-bit IV every time', async () => {
    const codec = createEncryptionCodec({ keyRing: createKeyRing([k1]) });
    const same = converter.toPayload({ card: SECRET });
    const [a, b] = await codec.encode([same, same]);
    for (const sealed of [a!, b!]) {
      expect(Object.keys(sealed.metadata!).sort()).toEqual(['encoding', KEY_ID_METADATA]);
      expect(text(sealed.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
      expect(text(sealed.metadata![KEY_ID_METADATA])).toBe('k1');
      expect(Buffer.from(sealed.data!).includes(Buffer.from(SECRET))).toBe(false);
      expect(Buffer.from(sealed.data!).includes(Buffer.from('json/plain'))).toBe(false);
    }
    expect(base64(a!.data!.subarray(0, 12))).not.toBe(base64(b!.data!.subarray(0, 12)));
    expect(base64(a!.data!)).not.toBe(base64(b!.data!));
  });

  it('seals the protobuf bytes of the payload, as Temporal encodes them (interoperable layout)', async () => {
    // @temporalio/proto, the SDK's own protobuf classes, reached through @temporalio/common.
    const requireFromCommon = createRequire(createRequire(import.meta.url).resolve('@temporalio/common'));
    const { temporal } = requireFromCommon('@temporalio/proto') as ProtoModule;
    const keyRing = createKeyRing([k1]);
    const codec = createEncryptionCodec({ keyRing });
    const payload = converter.toPayload({ card: SECRET });
    const [sealed] = await codec.encode([payload]);
    const opened = await keyRing.open({ keyId: 'k1', bytes: sealed!.data! });
    expect(Buffer.from(opened).equals(Buffer.from(temporal.api.common.v1.Payload.encode(payload).finish()))).toBe(true);
    // And a payload Temporal encoded opens to the same thing through our decoder.
    const theirs = await keyRing.seal(temporal.api.common.v1.Payload.encode(payload).finish());
    const [decoded] = await codec.decode([
      {
        metadata: { encoding: utf8.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8.encode('k1') },
        data: theirs.bytes,
      },
    ]);
    expect(converter.fromPayload(decoded!)).toEqual({ card: SECRET });
  });

  it('passes payloads that are not encrypted through decode untouched', async () => {
    const codec = createEncryptionCodec({ keyRing: createKeyRing([k1]) });
    const plain = plainPayloads();
    const decoded = await codec.decode(plain);
    decoded.forEach((payload, index) => expect(payload).toBe(plain[index]));
    // Mixed: one written before encryption was switched on, one after.
    const [sealed] = await codec.encode([plain[0]!]);
    const mixed = await codec.decode([plain[1]!, sealed!]);
    expect(mixed[0]).toBe(plain[1]);
    expect(converter.fromPayload(mixed[1]!)).toEqual({ card: SECRET, amounts: [1, 2, 3] });
  });

  it('refuses an altered payload with DECRYPTION_FAILED (tampered), whichever byte changed', async () => {
    const codec = createEncryptionCodec({ keyRing: createKeyRing([k1]) });
    const [sealed] = await codec.encode([converter.toPayload({ card: SECRET })]);
    const length = sealed!.data!.length;
    // The IV, the ciphertext and the tag each authenticate.
    for (const position of [0, 11, 12, Math.floor(length / 2), length - 1]) {
      const data = sealed!.data!.slice();
      data[position]! ^= 0x01;
      const result = await failure(codec.decode([{ metadata: sealed!.metadata, data }]));
      expect(result.code, `byte ${position}`).toBe('DECRYPTION_FAILED');
      expect(result.details).toEqual({ keyId: 'k1', reason: 'tampered' });
    }
    const truncated = await failure(
      codec.decode([{ metadata: sealed!.metadata, data: sealed!.data!.subarray(0, 20) }]),
    );
    expect(truncated).toMatchObject({ code: 'DECRYPTION_FAILED', details: { keyId: 'k1', reason: 'tampered' } });
    const noKeyId = await failure(
      codec.decode([{ metadata: { encoding: sealed!.metadata!.encoding! }, data: sealed!.data }]),
    );
    expect(noKeyId).toMatchObject({ code: 'DECRYPTION_FAILED', details: { reason: 'tampered' } });
    // A payload re-labelled with another key of the ring does not open either.
    const relabelled = await failure(
      createEncryptionCodec({ keyRing: createKeyRing([k1, k2]) }).decode([
        { metadata: { ...sealed!.metadata, [KEY_ID_METADATA]: utf8.encode('k2') }, data: sealed!.data },
      ]),
    );
    expect(relabelled).toMatchObject({ code: 'DECRYPTION_FAILED', details: { keyId: 'k2', reason: 'tampered' } });
  });

  it('refuses a payload sealed with a key the ring lacks, naming the key', async () => {
    const [sealed] = await createEncryptionCodec({ keyRing: createKeyRing([k1]) }).encode([
      converter.toPayload({ card: SECRET }),
    ]);
    const result = await failure(createEncryptionCodec({ keyRing: createKeyRing([k2]) }).decode([sealed!]));
    expect(result.code).toBe('DECRYPTION_FAILED');
    expect(result.details).toEqual({ keyId: 'k1', reason: 'unknown-key' });
    expect(result.message).toContain('"k1"');
    expect(result.message).toContain('not in this key ring (k2)');
    expect(result.message).not.toContain(SECRET);
  });

  it('rotates: a ring [k2, k1] seals with k2 and still opens what k1 sealed', async () => {
    const before = createEncryptionCodec({ keyRing: createKeyRing([k1]) });
    const after = createEncryptionCodec({ keyRing: createKeyRing([k2, k1]) });
    const [old] = await before.encode([converter.toPayload({ card: SECRET, written: 'before' })]);
    const [fresh] = await after.encode([converter.toPayload({ card: SECRET, written: 'after' })]);
    expect(text(fresh!.metadata![KEY_ID_METADATA])).toBe('k2');
    const decoded = await after.decode([old!, fresh!]);
    expect(decoded.map((payload) => converter.fromPayload(payload))).toEqual([
      { card: SECRET, written: 'before' },
      { card: SECRET, written: 'after' },
    ]);
    // Once k1 is retired, what it sealed is unreadable: the error says which key is missing.
    const retired = createEncryptionCodec({ keyRing: createKeyRing([k2]) });
    expect(await failure(retired.decode([old!]))).toMatchObject({ details: { keyId: 'k1', reason: 'unknown-key' } });
    expect(converter.fromPayload((await retired.decode([fresh!]))[0]!)).toEqual({ card: SECRET, written: 'after' });
  });

  it('handles many and large payloads (a 1 MiB payload, 200 at once)', async () => {
    const codec = createEncryptionCodec({ keyRing: createKeyRing([k1]) });
    const large = converter.toPayload('x'.repeat(1024 * 1024));
    const many = Array.from({ length: 200 }, (_, index) => converter.toPayload({ index }));
    const decoded = await codec.decode(await codec.encode([large, ...many]));
    expect(converter.fromPayload<string>(decoded[0]!).length).toBe(1024 * 1024);
    expect(decoded.slice(1).map((payload) => converter.fromPayload(payload))).toEqual(
      many.map((_, index) => ({ index })),
    );
    expect(await codec.encode([])).toEqual([]);
  });

  it('refuses to be built without a key ring', () => {
    expect(() => createEncryptionCodec({} as never)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
  });
});

describe('key rings', () => {
  const k1 = newKey();
  const k2 = newKey();

  it('parses "id:base64" lists, the first key sealing, spaces allowed', async () => {
    const ring = parseKeyRing(` k2:${base64(k2)} , k1:${base64(k1)}`);
    expect(ring.ids).toEqual(['k2', 'k1']);
    const sealed = await ring.seal(utf8.encode(SECRET));
    expect(sealed.keyId).toBe('k2');
    const onlyK2 = createKeyRing([{ id: 'k2', key: k2 }]);
    expect(text(await onlyK2.open(sealed))).toBe(SECRET);
    // URL-safe base64 without padding is the same key.
    const urlSafe = base64(k2).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(text(await parseKeyRing(`k2:${urlSafe}`).open(sealed))).toBe(SECRET);
  });

  it('reads RESUMABLE_PAYLOAD_KEYS, and no variable means no encryption', () => {
    expect(keyRingFromEnv({ RESUMABLE_PAYLOAD_KEYS: `k1:${base64(k1)}` })?.ids).toEqual(['k1']);
    expect(keyRingFromEnv({})).toBeUndefined();
    expect(keyRingFromEnv({ RESUMABLE_PAYLOAD_KEYS: '  ' })).toBeUndefined();
    expect(keyRingFromEnv({ OTHER: `k9:${base64(k1)}` }, 'OTHER')?.ids).toEqual(['k9']);
  });

  it.each([
    [
      'a short key',
      `k1:${base64(k1.subarray(0, 24))}`,
      'RESUMABLE_PAYLOAD_KEYS: Key "k1" is 24 bytes; AES-256 needs exactly 32',
    ],
    ['a long key', `k1:${base64(new Uint8Array(48))}`, 'Key "k1" is 48 bytes'],
    ['a key that is not base64', 'k1:not*base64!', 'key "k1": not base64'],
    ['an entry without id', base64(k1), 'entry 1: expected "id:base64key"'],
    ['an empty entry', `k1:${base64(k1)},`, 'entry 2: expected "id:base64key"'],
    ['a repeated id', `k1:${base64(k1)},k1:${base64(k2)}`, 'Key id "k1" appears twice'],
    ['an id with a space', `my key:${base64(k1)}`, 'Key id "my key" must be 1 to 64 characters'],
  ])('refuses %s with a clear INVALID_PARAMETER', (_, value, message) => {
    expect(() => keyRingFromEnv({ RESUMABLE_PAYLOAD_KEYS: value })).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER', message: expect.stringContaining(message) }),
    );
  });

  it('refuses an empty ring and keys that are not bytes', () => {
    expect(() => createKeyRing([])).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
    expect(() => createKeyRing([{ id: 'k1', key: 'secret' as never }])).toThrow(/Key "k1" is not bytes/);
  });

  it('authenticates additional data: the same bytes open only with the same context', async () => {
    const ring = createKeyRing([{ id: 'k1', key: k1 }]);
    const sealed = await ring.seal(utf8.encode(SECRET), utf8.encode('task:a'));
    expect(text(await ring.open(sealed, utf8.encode('task:a')))).toBe(SECRET);
    expect(await failure(ring.open(sealed, utf8.encode('task:b')))).toMatchObject({ details: { reason: 'tampered' } });
    expect(await failure(ring.open(sealed))).toMatchObject({ details: { reason: 'tampered' } });
  });
});
