import { ScalarType } from "@bufbuild/protobuf";
import { MapKeySegment } from "../fault/path.js";
import { WireCursor } from "./cursor.js";
import { decodeString, readScalar } from "./read-scalar.js";

/**
 * Whether the string map key in `bytes[start, end)` is `__proto__`, which
 * the decoder's plain-object maps cannot hold: with an object value it
 * replaces the map's prototype, with a primitive value it is dropped. The
 * package's decoding keeps a leading byte order mark, so only these 9 bytes
 * spell it.
 */
export function isPrototypeKey(bytes: Uint8Array, start: number, end: number): boolean {
  return end - start === 9 && decodeString(bytes, start, end) === "__proto__";
}

/** The key of the map entry in `bytes[start, end)` as a path segment; a missing key is the key type's zero value, as the decoder assumes. */
export function mapKeyOf(bytes: Uint8Array, start: number, end: number, keyScalar: ScalarType): MapKeySegment {
  const quoted = keyScalar === ScalarType.STRING;
  let key = quoted ? "" : keyScalar === ScalarType.BOOL ? "false" : "0";
  const cursor = new WireCursor(bytes, start);
  try {
    while (cursor.pos < end) {
      const tag = cursor.checkedTag(end);
      if (tag >>> 3 !== 1 || (tag & 7) === 3 || (tag & 7) === 4) {
        cursor.skip(tag & 7, tag >>> 3, end, 0, cursor.pos);
        continue;
      }
      if (quoted) {
        const stop = cursor.lengthEnd(end);
        key = decodeString(bytes, cursor.pos, stop);
        cursor.pos = stop;
      } else key = String(readScalar(cursor, keyScalar, end));
    }
  } catch {
    // A broken entry keeps the last key read; the walk reports the fault itself.
  }
  return new MapKeySegment(key, quoted);
}
