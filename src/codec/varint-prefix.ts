/**
 * The varint length prefix of size-delimited streams, read from bytes that
 * may stop anywhere. protobuf-es' `sizeDelimitedPeek` throws on a truncated
 * varint and reads 32 bits only; a stream reader must tell "need more bytes"
 * from "malformed" and must see a 64-bit length to refuse it.
 */

/** The outcome of reading a varint prefix at an offset. */
export type VarintPrefix =
  | { readonly kind: "complete"; readonly value: number; readonly length: number }
  | { readonly kind: "incomplete" }
  | { readonly kind: "malformed"; readonly reason: string };

/** A varint of more than ten bytes overflows 64 bits. */
const MAX_VARINT_BYTES = 10;

/**
 * Reads an unsigned varint at `offset`. The value is exact up to 2^53 and
 * only grows beyond, which is all a size check needs.
 */
export function readVarintPrefix(bytes: Uint8Array, offset: number): VarintPrefix {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (offset + i >= bytes.length) return { kind: "incomplete" };
    const byte = bytes[offset + i]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return { kind: "complete", value, length: i + 1 };
  }
  return { kind: "malformed", reason: "length prefix is not a valid varint (more than 10 bytes)" };
}
