import { ScalarType } from "@bufbuild/protobuf";
import { configureTextEncoding, getTextEncoding } from "@bufbuild/protobuf/wire";
import type { WireCursor } from "./cursor.js";

/**
 * Reads one scalar of wire type varint, fixed64 or fixed32 at the cursor as
 * protobuf-es decodes it: 64-bit integers as bigint, enums as int32.
 */
export function readScalar(cursor: WireCursor, scalar: number, end: number): number | bigint | boolean {
  switch (scalar) {
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64: {
      const size = scalar === ScalarType.FIXED32 || scalar === ScalarType.SFIXED32 || scalar === ScalarType.FLOAT ? 4 : 8;
      const at = cursor.pos;
      cursor.fixed(size, end);
      const view = new DataView(cursor.bytes.buffer, cursor.bytes.byteOffset + at, size);
      if (scalar === ScalarType.DOUBLE) return view.getFloat64(0, true);
      if (scalar === ScalarType.FLOAT) return view.getFloat32(0, true);
      if (scalar === ScalarType.FIXED32) return view.getUint32(0, true);
      if (scalar === ScalarType.SFIXED32) return view.getInt32(0, true);
      return scalar === ScalarType.FIXED64 ? view.getBigUint64(0, true) : view.getBigInt64(0, true);
    }
  }
  cursor.varint64(end);
  const { lo, hi } = cursor;
  switch (scalar) {
    case ScalarType.BOOL:
      return lo !== 0 || hi !== 0;
    case ScalarType.UINT32:
      return lo;
    case ScalarType.SINT32:
      return (lo >>> 1) ^ -(lo & 1);
    case ScalarType.INT64:
      return hi === 0 ? BigInt(lo) : BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
    case ScalarType.UINT64:
      return hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo);
    case ScalarType.SINT64: {
      const n = (BigInt(hi) << 32n) | BigInt(lo);
      return (n >> 1n) ^ -(n & 1n);
    }
    default:
      // int32 and enums: the low 32 bits, signed.
      return lo | 0;
  }
}

const keepingDecoder = new TextDecoder("utf-8", { ignoreBOM: true });
const strictKeepingDecoder = new TextDecoder("utf-8", { ignoreBOM: true, fatal: true });

/** Decodes a string as the package's decoding does: invalid UTF-8 becomes U+FFFD, a leading U+FEFF is kept. */
export function decodeString(bytes: Uint8Array, start: number, end: number): string {
  return keepingDecoder.decode(bytes.subarray(start, end));
}

/**
 * Runs `decode` (a protobuf-es decoding call) with strings that keep a
 * leading byte order mark, and restores protobuf-es' text encoding after.
 *
 * protobuf-es reads strings with the `decodeUtf8` of its text encoding, taken
 * when a reader is made; its default `TextDecoder` strips a leading U+FEFF,
 * so "\uFEFFabc" on the wire reads as "abc" (a convert loses three bytes, a
 * `min_len` counts one character too few). `fromBinary` takes no reader, so
 * the encoding is swapped for the duration of the synchronous call only.
 */
export function withLeadingByteOrderMarks<T>(decode: () => T): T {
  const current = getTextEncoding();
  configureTextEncoding({
    encodeUtf8: current.encodeUtf8,
    checkUtf8: current.checkUtf8,
    decodeUtf8: (bytes, strict) => (strict === true ? strictKeepingDecoder : keepingDecoder).decode(bytes),
  });
  try {
    return decode();
  } finally {
    configureTextEncoding(current);
  }
}
