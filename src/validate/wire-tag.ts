/** Where a reader of wire bytes is; advanced by {@link readTag}. */
export interface WireCursor {
  pos: number;
}

/**
 * Reads a tag at `cursor.pos` as protobuf-es's decoder does: at most 5 bytes,
 * fitting in 32 bits (a longer or wider one is refused there). Returns the
 * tag unsigned and moves the cursor past it, or returns -1 (the cursor is
 * then unchanged) for a tag that runs past `end` or that the decoder refuses.
 */
export function readTag(bytes: Uint8Array, cursor: WireCursor, end: number): number {
  let pos = cursor.pos;
  let result = 0;
  for (let i = 0; i < 5; i++) {
    if (pos >= end) return -1;
    const byte = bytes[pos++]!;
    if (i < 4) result |= (byte & 0x7f) << (7 * i);
    else if (byte > 0x0f) return -1;
    else result |= byte << 28;
    if (byte < 0x80) {
      cursor.pos = pos;
      return result >>> 0;
    }
  }
  return -1;
}
