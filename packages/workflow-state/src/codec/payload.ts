import { ResumableError } from '@resumable/protocol';

/**
 * A Temporal payload as the codec sees it: the shape of `Payload` from
 * `@temporalio/common`, declared here so this entry imports nothing from the SDK at
 * runtime or in its types (it runs on edge runtimes and in apps with only a client).
 *
 * @example
 * const payload: CodecPayload = { metadata: { encoding: new TextEncoder().encode('json/plain') }, data };
 */
export interface CodecPayload {
  /** Metadata entries (`encoding`, …), each value bytes. */
  metadata?: Record<string, Uint8Array> | null;
  /** The payload's bytes. */
  data?: Uint8Array | null;
}

// A payload is sealed as its protobuf encoding (temporal.api.common.v1.Payload:
// field 1 `map<string, bytes> metadata`, field 2 `bytes data`), written by hand so
// this entry needs no protobuf runtime. It is the layout Temporal's own encryption
// samples seal, so their codec servers could read ours.
const METADATA = 1;
const DATA = 2;
const LENGTH_DELIMITED = 2;
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

class Writer {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  varint(value: number): void {
    const bytes: number[] = [];
    let rest = value;
    while (rest > 0x7f) {
      bytes.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    bytes.push(rest);
    this.push(Uint8Array.from(bytes));
  }

  field(number: number, bytes: Uint8Array): void {
    this.varint((number << 3) | LENGTH_DELIMITED);
    this.varint(bytes.length);
    this.push(bytes);
  }

  push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.size += bytes.length;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }
}

/** The protobuf bytes of `payload`. */
export function serializePayload(payload: CodecPayload): Uint8Array {
  const writer = new Writer();
  for (const [key, value] of Object.entries(payload.metadata ?? {})) {
    const entry = new Writer();
    entry.field(1, utf8.encode(key));
    entry.field(2, value);
    writer.field(METADATA, entry.finish());
  }
  if (payload.data && payload.data.length > 0) writer.field(DATA, payload.data);
  return writer.finish();
}

function malformed(): ResumableError {
  return new ResumableError('DECRYPTION_FAILED', 'An encrypted payload opened to bytes that are not a payload', {
    details: { reason: 'tampered' },
  });
}

/** Reads the fields of one protobuf message, calling `onField` for each length-delimited one. */
function readFields(bytes: Uint8Array, onField: (number: number, value: Uint8Array) => void): void {
  let offset = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (offset >= bytes.length || scale > 2 ** 49) throw malformed();
      const byte = bytes[offset++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
  };
  while (offset < bytes.length) {
    const tag = varint();
    const wireType = tag % 8;
    const number = Math.floor(tag / 8);
    // Fields a newer Temporal adds are skipped by their wire type, as protobuf readers do.
    if (wireType === 0) varint();
    else if (wireType === 1) offset += 8;
    else if (wireType === 5) offset += 4;
    else if (wireType === LENGTH_DELIMITED) {
      const length = varint();
      if (offset + length > bytes.length) throw malformed();
      onField(number, bytes.subarray(offset, offset + length));
      offset += length;
    } else throw malformed();
    if (offset > bytes.length) throw malformed();
  }
}

/** The payload whose protobuf bytes are `bytes`. */
export function deserializePayload(bytes: Uint8Array): CodecPayload {
  const metadata: Record<string, Uint8Array> = {};
  let data = new Uint8Array(0);
  readFields(bytes, (number, value) => {
    if (number === DATA) data = value.slice();
    if (number !== METADATA) return;
    let key = '';
    let entryValue = new Uint8Array(0);
    readFields(value, (entryNumber, entryBytes) => {
      if (entryNumber === 1) key = decodeKey(entryBytes);
      if (entryNumber === 2) entryValue = entryBytes.slice();
    });
    metadata[key] = entryValue;
  });
  return { metadata, data };
}

function decodeKey(bytes: Uint8Array): string {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    throw malformed();
  }
}
