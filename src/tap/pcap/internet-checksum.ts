/**
 * The ones'-complement sum of `bytes` as 16-bit big-endian words, added to
 * `initial` (RFC 1071), not yet folded or inverted, so a pseudo-header, a
 * header and a payload can be summed in pieces. Pieces after the first must
 * start at an even offset of the checksummed data, which headers do.
 */
export function onesSum(bytes: Uint8Array, initial = 0): number {
  let sum = initial;
  const even = bytes.length & ~1;
  for (let i = 0; i < even; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (even !== bytes.length) sum += bytes[even]! << 8;
  // Fold now and then so the sum stays a small integer on large payloads.
  return sum > 0x7fffffff ? fold(sum) : sum;
}

/** Folds a running sum into 16 bits and inverts it: the value to store in a checksum field. */
export function finishChecksum(sum: number): number {
  return ~fold(sum) & 0xffff;
}

function fold(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}
