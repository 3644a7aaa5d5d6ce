import type { StringLengths } from "./plan.js";

/** Whether the UTF-8 string in `bytes[start, end)` meets `lengths`; code points are the bytes that do not continue a sequence. */
export function stringLengthsHold(bytes: Uint8Array, start: number, end: number, lengths: StringLengths): boolean {
  const size = end - start;
  if (size === 0 && lengths.ignoreEmpty) return true;
  if (size < lengths.minBytes || size > lengths.maxBytes) return false;
  if (size <= lengths.maxChars && size >= 4 * lengths.minChars) return true;
  let chars = 0;
  for (let i = start; i < end; i++) if ((bytes[i]! & 0xc0) !== 0x80) chars++;
  return chars >= lengths.minChars && chars <= lengths.maxChars;
}
