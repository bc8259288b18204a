/**
 * A minimal protobuf wire-format reader for test support: splits a message into its fields and
 * converts field values to JavaScript. It knows no schema: callers map field numbers to readers
 * (`decodeMessage`).
 * Written from the encoding spec (protobuf.dev/programming-guides/encoding) so that tests decode
 * OTLP independently of the OpenTelemetry serializer under test.
 */

/** One field occurrence. Varints and fixed64 values are carried as unsigned 64-bit bigints. */
export type WireField =
  | { readonly field: number; readonly wireType: 0; readonly varint: bigint }
  | { readonly field: number; readonly wireType: 1; readonly bytes: Uint8Array }
  | { readonly field: number; readonly wireType: 2; readonly bytes: Uint8Array }
  | { readonly field: number; readonly wireType: 5; readonly bytes: Uint8Array };

export class ProtobufDecodeError extends Error {
  override readonly name = "ProtobufDecodeError";
}

/** A 64-bit integer as a number when it is a safe integer, otherwise as the bigint itself. */
export type Int64 = number | bigint;

export function int64ToJs(value: bigint): Int64 {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

/** Reads a varint at `pos`; returns its unsigned value and the position after it. */
function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    const byte = buf[pos + i];
    if (byte === undefined) throw new ProtobufDecodeError(`Truncated varint at byte ${pos}`);
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) return [BigInt.asUintN(64, value), pos + i + 1];
  }
  throw new ProtobufDecodeError(`Varint longer than 10 bytes at byte ${pos}`);
}

function take(buf: Uint8Array, pos: number, length: number, field: number): Uint8Array {
  if (pos + length > buf.length) {
    throw new ProtobufDecodeError(
      `Field ${field} needs ${length} bytes at byte ${pos}, but the message ends at ${buf.length}`,
    );
  }
  return buf.subarray(pos, pos + length);
}

/** Splits one message into its fields, in wire order. Unknown fields are returned like any other. */
export function readFields(buf: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, afterKey] = readVarint(buf, pos);
    const field = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (field === 0) throw new ProtobufDecodeError(`Field number 0 at byte ${pos}`);
    pos = afterKey;
    switch (wireType) {
      case 0: {
        const [varint, next] = readVarint(buf, pos);
        fields.push({ field, wireType, varint });
        pos = next;
        break;
      }
      case 1:
        fields.push({ field, wireType, bytes: take(buf, pos, 8, field) });
        pos += 8;
        break;
      case 2: {
        const [length, next] = readVarint(buf, pos);
        const bytes = take(buf, next, Number(length), field);
        fields.push({ field, wireType, bytes });
        pos = next + bytes.length;
        break;
      }
      case 5:
        fields.push({ field, wireType, bytes: take(buf, pos, 4, field) });
        pos += 4;
        break;
      default:
        // Groups (3, 4) are deprecated and never used by OTLP; anything else is corruption.
        throw new ProtobufDecodeError(`Unsupported wire type ${wireType} for field ${field}`);
    }
  }
  return fields;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function wrongWireType(f: WireField, expected: number): ProtobufDecodeError {
  return new ProtobufDecodeError(`Field ${f.field} has wire type ${f.wireType}, expected ${expected}`);
}

/** uint64/int64/uint32/enum/bool (varint) or fixed64/fixed32, as an unsigned bigint. */
export function unsignedOf(f: WireField): bigint {
  if (f.wireType === 0) return f.varint;
  if (f.wireType === 1) return view(f.bytes).getBigUint64(0, true);
  if (f.wireType === 5) return BigInt(view(f.bytes).getUint32(0, true));
  throw new ProtobufDecodeError(`Field ${f.field} is length-delimited, expected a number`);
}

/** int64 (two's complement varint) or sfixed64, as a signed bigint. */
export function signedOf(f: WireField): bigint {
  return BigInt.asIntN(64, unsignedOf(f));
}

/** uint32/enum/bool/fixed32 (or any small varint) as a number. */
export function numberOf(f: WireField): number {
  return Number(BigInt.asUintN(32, unsignedOf(f)));
}

export function boolOf(f: WireField): boolean {
  return unsignedOf(f) !== 0n;
}

export function doubleOf(f: WireField): number {
  if (f.wireType !== 1) throw wrongWireType(f, 1);
  return view(f.bytes).getFloat64(0, true);
}

export function bytesOf(f: WireField): Uint8Array {
  if (f.wireType !== 2) throw wrongWireType(f, 2);
  return f.bytes;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function stringOf(f: WireField): string {
  return utf8.decode(bytesOf(f));
}

export function hexOf(f: WireField): string {
  return Array.from(bytesOf(f), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A repeated fixed64 field occurrence: packed (wire type 2) or a single unpacked value. */
export function repeatedFixed64Of(f: WireField): bigint[] {
  if (f.wireType !== 2) return [unsignedOf(f)];
  return chunks(f, 8).map((c) => view(c).getBigUint64(0, true));
}

/** A repeated double field occurrence: packed (wire type 2) or a single unpacked value. */
export function repeatedDoubleOf(f: WireField): number[] {
  if (f.wireType !== 2) return [doubleOf(f)];
  return chunks(f, 8).map((c) => view(c).getFloat64(0, true));
}

function chunks(f: WireField & { wireType: 2 }, size: number): Uint8Array[] {
  if (f.bytes.length % size !== 0) {
    throw new ProtobufDecodeError(
      `Packed field ${f.field} is ${f.bytes.length} bytes, not a multiple of ${size}`,
    );
  }
  const out: Uint8Array[] = [];
  for (let pos = 0; pos < f.bytes.length; pos += size) out.push(f.bytes.subarray(pos, pos + size));
  return out;
}

/**
 * How each field number contributes to a decoded object: a function returning the properties to
 * merge. Fields without an entry, including ones from newer schema versions, are skipped.
 */
export type FieldReaders<T> = Readonly<Record<number, (field: WireField, decoded: T) => Partial<T>>>;

/** Decodes `bytes` into `initial` (which holds the proto3 defaults) with `readers`, and returns it. */
export function decodeMessage<T extends object>(bytes: Uint8Array, initial: T, readers: FieldReaders<T>): T {
  for (const f of readFields(bytes)) {
    const read = readers[f.field];
    if (read !== undefined) Object.assign(initial, read(f, initial));
  }
  return initial;
}

/** Every occurrence of a repeated message field, as bytes. */
export function repeatedMessages(message: Uint8Array, field: number): Uint8Array[] {
  return readFields(message)
    .filter((f) => f.field === field)
    .map(bytesOf);
}

/** An embedded message field (the last occurrence wins); an empty message when absent. */
export function embeddedMessage(message: Uint8Array, field: number): Uint8Array {
  return repeatedMessages(message, field).at(-1) ?? new Uint8Array(0);
}

/** An enum field as the name at its index in `names`. */
export function enumOf<T extends string>(names: readonly T[], f: WireField): T {
  const name = names[numberOf(f)];
  if (name === undefined)
    throw new ProtobufDecodeError(`Field ${f.field} has unknown enum value ${numberOf(f)}`);
  return name;
}
