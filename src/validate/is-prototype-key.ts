/** `__proto__` in UTF-8. */
const PROTOTYPE_KEY = Uint8Array.from("__proto__", (c) => c.charCodeAt(0));
/** The byte order mark in UTF-8. */
const BOM = [0xef, 0xbb, 0xbf];

/**
 * Whether the string map key in `bytes[start, end)` decodes to `__proto__`,
 * which the decoder's plain-object maps cannot hold: with an object value it
 * replaces the map's prototype, with a primitive value it is dropped. The
 * decoder's TextDecoder strips one leading byte order mark, so
 * `"\uFEFF__proto__"` on the wire is the same key; no other byte sequence
 * decodes to it (invalid UTF-8 becomes U+FFFD).
 */
export function isPrototypeKey(bytes: Uint8Array, start: number, end: number): boolean {
  let from = start;
  if (end - start === PROTOTYPE_KEY.length + BOM.length && bytes[start] === BOM[0] && bytes[start + 1] === BOM[1] && bytes[start + 2] === BOM[2]) {
    from += BOM.length;
  }
  if (end - from !== PROTOTYPE_KEY.length) return false;
  for (let i = 0; i < PROTOTYPE_KEY.length; i++) if (bytes[from + i] !== PROTOTYPE_KEY[i]) return false;
  return true;
}
