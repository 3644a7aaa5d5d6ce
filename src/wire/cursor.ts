import { WireRule } from "../fault/rule-ids.js";

/** A fault of the wire format at a byte offset, thrown by {@link WireCursor} and the walk. */
export class WireFault {
  constructor(
    readonly ruleId: string,
    readonly message: string,
    readonly offset: number,
  ) {}
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Wire types by number, for messages. */
export const WIRE_TYPE_NAMES = ["varint", "fixed64", "length-delimited", "start-group", "end-group", "fixed32", "6", "7"] as const;

/**
 * The one reader of protobuf binary in the package: a position in `bytes`
 * and the reads the format has, each bounded by an `end` (the end of the
 * enclosing message) and each as strict as Google's C++ runtime:
 *
 * - a tag has at most 5 bytes and fits in 32 bits;
 * - a varint has at most 10 bytes;
 * - a length prefix has at most 5 bytes and is below 2³¹ (C++ `ReadSize`);
 * - a value that runs past `end` is `wire.truncated` when `end` is the end
 *   of the data, else `wire.invalid_length`.
 *
 * A read that fails throws a {@link WireFault} and leaves `pos` where the
 * faulty item starts. Reads allocate nothing.
 */
export class WireCursor {
  /** The low and high 32 bits (unsigned) of the last {@link varint64}. */
  lo = 0;
  hi = 0;

  constructor(
    readonly bytes: Uint8Array,
    public pos = 0,
  ) {}

  /** Reads a tag; returns it unsigned (field number `tag >>> 3`, wire type `tag & 7`). */
  tag(end: number): number {
    const bytes = this.bytes;
    const start = this.pos;
    let pos = start;
    let result = 0;
    for (let i = 0; i < 5; i++) {
      if (pos >= end) throw this.pastEnd(start, end, "the data ends inside a tag");
      const byte = bytes[pos++]!;
      // Google's ReadTag drops a fifth byte's bits above 32; protobuf-es refuses them, so the walk does.
      if (i === 4 && byte > 0x0f) throw new WireFault(WireRule.invalidTag, "tag is wider than 32 bits", start);
      result |= (byte & 0x7f) << (7 * i);
      if (byte < 0x80) {
        this.pos = pos;
        return result >>> 0;
      }
    }
    throw new WireFault(WireRule.invalidTag, "tag is longer than 5 bytes", start);
  }

  /** Reads a varint into {@link lo} and {@link hi}. */
  varint64(end: number): void {
    const bytes = this.bytes;
    const start = this.pos;
    let pos = start;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw this.pastEnd(start, end, "the data ends inside a varint");
      const byte = bytes[pos++]!;
      const bits = byte & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= bits << 28;
        hi = bits >>> 4;
      } else hi |= bits << (7 * i - 32);
      if (byte < 0x80) {
        this.pos = pos;
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    throw new WireFault(WireRule.invalidVarint, "varint is longer than 10 bytes", start);
  }

  /** Skips a varint. */
  skipVarint(end: number): void {
    const bytes = this.bytes;
    const start = this.pos;
    const limit = start + 10;
    for (let pos = start; pos < limit; pos++) {
      if (pos >= end) throw this.pastEnd(start, end, "the data ends inside a varint");
      if (bytes[pos]! < 0x80) {
        this.pos = pos + 1;
        return;
      }
    }
    throw new WireFault(WireRule.invalidVarint, "varint is longer than 10 bytes", start);
  }

  /** Reads a length prefix and returns where its value ends; `pos` is then at the value's first byte. */
  lengthEnd(end: number): number {
    const bytes = this.bytes;
    const start = this.pos;
    // Lengths below 16 KiB (one or two bytes), the usual ones, without the loop.
    if (start + 1 < end) {
      const low = bytes[start]!;
      const short = low < 0x80 ? start + 1 : bytes[start + 1]! < 0x80 ? start + 2 : -1;
      if (short > 0) {
        const valueEnd = short + (low < 0x80 ? low : (low & 0x7f) | (bytes[start + 1]! << 7));
        if (valueEnd <= end) {
          this.pos = short;
          return valueEnd;
        }
      }
    }
    let pos = start;
    let length = 0;
    for (let i = 0; ; i++) {
      if (pos >= end) throw this.pastEnd(start, end, "the data ends inside a length prefix");
      const byte = bytes[pos++]!;
      if (i < 4) length |= (byte & 0x7f) << (7 * i);
      else if (byte > 0x07) throw new WireFault(WireRule.invalidLength, "length prefix is longer than 5 bytes or not below 2^31", start);
      else length += byte * 0x10000000;
      if (byte < 0x80) break;
    }
    const valueEnd = pos + length;
    if (valueEnd > end) {
      const [value, left] = [`length-delimited value of ${length} bytes runs past the end of`, `(${end - pos} bytes left)`];
      throw this.pastEnd(start, end, `${value} the data ${left}`, `${value} its enclosing message ${left}`);
    }
    this.pos = pos;
    return valueEnd;
  }

  /** Skips a fixed-size value of `size` bytes. */
  fixed(size: number, end: number): void {
    if (this.pos + size > end) throw this.pastEnd(this.pos, end, `the data ends inside a ${size * 8}-bit value`);
    this.pos += size;
  }

  /**
   * Skips the value of a field of wire type `wireType` (not end-group),
   * groups included up to the end-group tag of `number`; a group counts as
   * one more level against `depthLeft`.
   */
  skip(wireType: number, number: number, end: number, depthLeft: number, tagOffset: number): void {
    switch (wireType) {
      case 0:
        this.skipVarint(end);
        return;
      case 1:
        this.fixed(8, end);
        return;
      case 5:
        this.fixed(4, end);
        return;
      case 2:
        this.pos = this.lengthEnd(end);
        return;
      case 3:
        if (depthLeft <= 0) throw new WireFault(WireRule.depthLimit, "group nesting exceeds the decoder's limit", tagOffset);
        for (;;) {
          if (this.pos >= end) throw new WireFault(WireRule.invalidGroup, `group of field ${number} is not terminated`, tagOffset);
          const innerOffset = this.pos;
          const tag = this.checkedTag(end);
          if ((tag & 7) === 4) {
            if (tag >>> 3 !== number) throw new WireFault(WireRule.invalidGroup, `end-group tag for field ${tag >>> 3} inside group ${number}`, innerOffset);
            return;
          }
          this.skip(tag & 7, tag >>> 3, end, depthLeft - 1, innerOffset);
        }
      default:
        throw new WireFault(WireRule.invalidGroup, `end-group tag for field ${number} without a matching start-group`, tagOffset);
    }
  }

  /** Checks that `bytes[start, end)` is UTF-8 (ASCII, the usual content, without a decoder call). */
  checkUtf8(start: number, end: number): void {
    const bytes = this.bytes;
    let i = start;
    while (i < end && bytes[i]! < 0x80) i++;
    if (i === end) return;
    try {
      strictUtf8.decode(bytes.subarray(i, end));
    } catch {
      throw new WireFault(WireRule.invalidUtf8, "string field holds invalid UTF-8", start);
    }
  }

  /** Reads a tag and refuses field number 0 and wire types 6 and 7. */
  checkedTag(end: number): number {
    const start = this.pos;
    const tag = this.tag(end);
    if ((tag & 7) > 5) throw new WireFault(WireRule.invalidWireType, `invalid wire type ${tag & 7} for field ${tag >>> 3}`, start);
    if (tag >>> 3 === 0) throw new WireFault(WireRule.invalidTag, "field number 0 is not allowed", start);
    return tag;
  }

  /** A fault for an item that runs past `end`: truncated data, or past the enclosing message. */
  private pastEnd(start: number, end: number, truncatedMessage: string, invalidMessage = "a value runs past the end of its enclosing message"): WireFault {
    return end === this.bytes.length
      ? new WireFault(WireRule.truncated, truncatedMessage, start)
      : new WireFault(WireRule.invalidLength, invalidMessage, start);
  }
}

/**
 * Reads an unsigned varint at `offset` of bytes that may stop anywhere (a
 * stream's length prefix, a format guess): its value (exact up to 2⁵³) and
 * byte count, `undefined` when the bytes end first, or a {@link WireFault}
 * when it is longer than `maxBytes`.
 */
export function peekVarint(bytes: Uint8Array, offset: number, maxBytes = 10): { readonly value: number; readonly length: number } | WireFault | undefined {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < maxBytes; i++) {
    if (offset + i >= bytes.length) return undefined;
    const byte = bytes[offset + i]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return { value, length: i + 1 };
  }
  return new WireFault(maxBytes === 10 ? WireRule.invalidVarint : WireRule.invalidLength, `varint is longer than ${maxBytes} bytes`, offset);
}
