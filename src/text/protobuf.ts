/**
 * A minimal protocol-buffers wire-format reader (proto2/proto3 binary encoding): enough to walk a message's fields
 * and read varints, 32-bit floats, strings and nested messages. Used to parse SentencePiece `ModelProto` files
 * without a protobuf dependency. Every read is bounds-checked; a truncated or corrupt buffer throws an `LmiError`
 * naming the source and the byte offset.
 */
import { LmiError } from '../errors';

/** Wire types of the protobuf encoding. */
export enum WireType {
  Varint = 0,
  Fixed64 = 1,
  LengthDelimited = 2,
  StartGroup = 3,
  EndGroup = 4,
  Fixed32 = 5,
}

/** One field key: field number and wire type. */
export interface FieldKey {
  field: number;
  wireType: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Sequential reader over one message's bytes. `source` names the file in error messages. */
export class ProtoReader {
  private pos: number;
  private readonly end: number;

  /**
   * @param buf bytes of one message
   * @param source file name (or description) used in error messages
   * @param start first byte of the message within `buf`
   * @param end one past the last byte (default: `buf.length`)
   */
  constructor(
    private readonly buf: Uint8Array,
    readonly source: string,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  /** Current byte offset within the underlying buffer. */
  get offset(): number {
    return this.pos;
  }

  /** True when every byte of the message has been consumed. */
  done(): boolean {
    return this.pos >= this.end;
  }

  private fail(what: string): never {
    throw new LmiError(
      `${this.source}: corrupt or truncated protobuf at byte ${this.pos}: ${what}; ` +
        'the file is not a valid SentencePiece model (re-download or re-export it)',
    );
  }

  /** Reads the next field key. */
  key(): FieldKey {
    const k = this.varint();
    const field = Math.floor(k / 8);
    const wireType = k % 8;
    if (field === 0) this.fail('field number 0');
    if (wireType > 5) this.fail(`unknown wire type ${wireType}`);
    return { field, wireType };
  }

  /** Unsigned varint as a JS number (exact below 2^53; larger values lose low bits). */
  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('varint runs past the end');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** Varint read as a signed 32-bit integer (protobuf `int32`/`enum`: negatives are 10-byte varints). */
  int32(): number {
    const start = this.pos;
    let lo = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('varint runs past the end');
      const b = this.buf[this.pos++];
      if (i < 5) lo |= (b & 0x7f) << (7 * i);
      if (b < 0x80) return lo | 0;
    }
    this.pos = start;
    return this.fail('varint longer than 10 bytes');
  }

  /** Varint read as a boolean. */
  bool(): boolean {
    return this.varint() !== 0;
  }

  /** Little-endian IEEE-754 single (wire type 5). */
  float32(): number {
    if (this.pos + 4 > this.end) this.fail('float runs past the end');
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return v;
  }

  /** Length-delimited bytes (a view, not a copy). */
  bytes(): Uint8Array {
    const len = this.varint();
    if (this.pos + len > this.end) this.fail(`length ${len} runs past the end`);
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  /** Length-delimited UTF-8 string. */
  string(): string {
    return utf8.decode(this.bytes());
  }

  /** A reader over a nested, length-delimited message. */
  message(): ProtoReader {
    const len = this.varint();
    if (this.pos + len > this.end) this.fail(`message length ${len} runs past the end`);
    const sub = new ProtoReader(this.buf, this.source, this.pos, this.pos + len);
    this.pos += len;
    return sub;
  }

  /** Skips a field's value of the given wire type. */
  skip(wireType: number): void {
    switch (wireType) {
      case WireType.Varint:
        this.varint();
        return;
      case WireType.Fixed64:
        if (this.pos + 8 > this.end) this.fail('fixed64 runs past the end');
        this.pos += 8;
        return;
      case WireType.LengthDelimited:
        this.bytes();
        return;
      case WireType.Fixed32:
        if (this.pos + 4 > this.end) this.fail('fixed32 runs past the end');
        this.pos += 4;
        return;
      default:
        this.fail(`unsupported wire type ${wireType} (groups are not used by SentencePiece)`);
    }
  }

  /** Checks that a field has the expected wire type. */
  expect(k: FieldKey, wireType: number, name: string): void {
    if (k.wireType !== wireType) this.fail(`field ${name} (#${k.field}) has wire type ${k.wireType}, expected ${wireType}`);
  }
}
