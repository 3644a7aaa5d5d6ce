import { getTextEncoding } from "@bufbuild/protobuf/wire";

/**
 * Whether the string map key in `bytes[start, end)` decodes to `__proto__`,
 * which the decoder's plain-object maps cannot hold: with an object value it
 * replaces the map's prototype, with a primitive value it is dropped. The
 * key is decoded as protobuf-es decodes it (see `keepLeadingByteOrderMarks`:
 * by default a leading byte order mark is stripped, so `"\uFEFF__proto__"`
 * is the same key); only 9 bytes, or 12 with a byte order mark, can decode
 * to it (invalid UTF-8 becomes U+FFFD).
 */
export function isPrototypeKey(bytes: Uint8Array, start: number, end: number): boolean {
  const length = end - start;
  if (length !== 9 && length !== 12) return false;
  return getTextEncoding().decodeUtf8(bytes.subarray(start, end)) === "__proto__";
}
