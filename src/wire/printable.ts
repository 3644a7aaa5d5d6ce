/**
 * Whether seconds and nanos make a google.protobuf.Timestamp (`timestamp`)
 * or Duration that JSON can print: a Timestamp from 0001-01-01 to
 * 9999-12-31 with nanos in [0, 10⁹), a Duration within ±10,000 years with
 * nanos of the seconds' sign. What the validator reports otherwise is
 * `timestamp.valid` or `duration.valid`.
 */
export function isPrintableTime(seconds: number, nanos: number, timestamp: boolean): boolean {
  if (timestamp) return seconds >= -62_135_596_800 && seconds <= 253_402_300_799 && nanos >= 0 && nanos <= 999_999_999;
  if (seconds < -315_576_000_000 || seconds > 315_576_000_000 || nanos < -999_999_999 || nanos > 999_999_999) return false;
  return !((seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0));
}

/** Whether the little-endian double at `bytes[at, at + 8)` is finite (JSON has no NaN or infinity). */
export function isFiniteDouble(bytes: Uint8Array, at: number): boolean {
  return !((bytes[at + 7]! & 0x7f) === 0x7f && bytes[at + 6]! >> 4 === 0x0f);
}
