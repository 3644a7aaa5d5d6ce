import { WireCursor } from "./cursor.js";

/**
 * Whether the google.protobuf.Timestamp or Duration in `bytes[start, end)`
 * (a message the walk found well-formed) holds a value JSON can print: a
 * Timestamp from 0001-01-01 to 9999-12-31 with nanos in [0, 10⁹), a
 * Duration within ±10,000 years with nanos of the seconds' sign. Seconds
 * (1) and nanos (2) are read as the decoder reads them, the last of each
 * counting; what the validator reports otherwise is `timestamp.valid` or
 * `duration.valid`.
 */
export function isPrintableTime(bytes: Uint8Array, start: number, end: number, timestamp: boolean): boolean {
  const cursor = new WireCursor(bytes, start);
  let seconds = 0;
  let nanos = 0;
  while (cursor.pos < end) {
    const tag = cursor.checkedTag(end);
    if ((tag & 7) !== 0 || (tag >>> 3 !== 1 && tag >>> 3 !== 2)) {
      cursor.skip(tag & 7, tag >>> 3, end, 100, cursor.pos);
      continue;
    }
    cursor.varint64(end);
    // Seconds as a signed 64-bit number: exact where it matters, since the bounds are below 2⁵³.
    if (tag >>> 3 === 1) seconds = (cursor.hi | 0) * 2 ** 32 + cursor.lo;
    else nanos = cursor.lo | 0;
  }
  return isPrintableTimeValue(seconds, nanos, timestamp);
}

/** Whether seconds and nanos make a Timestamp (`timestamp`) or Duration that JSON can print (see {@link isPrintableTime}). */
export function isPrintableTimeValue(seconds: number, nanos: number, timestamp: boolean): boolean {
  if (timestamp) return seconds >= -62_135_596_800 && seconds <= 253_402_300_799 && nanos >= 0 && nanos <= 999_999_999;
  if (seconds < -315_576_000_000 || seconds > 315_576_000_000 || nanos < -999_999_999 || nanos > 999_999_999) return false;
  return !((seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0));
}

/** Whether the little-endian double at `bytes[at, at + 8)` is finite (JSON has no NaN or infinity). */
export function isFiniteDouble(bytes: Uint8Array, at: number): boolean {
  return !((bytes[at + 7]! & 0x7f) === 0x7f && bytes[at + 6]! >> 4 === 0x0f);
}
