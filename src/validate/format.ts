/**
 * How values and rule parameters appear in violation messages and in the
 * `value` / `params` of a violation: JSON-friendly (no bigint), in the proto3
 * JSON notation for durations and timestamps.
 */

const NANOS_PER_SECOND = 1_000_000_000n;

/**
 * A 64-bit integer as a JSON-friendly value: a number when it is exact as
 * one, otherwise its decimal string (as proto3 JSON writes 64-bit integers).
 */
export function jsonSafeInteger(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

/** Total nanoseconds of a Duration or Timestamp message. */
export function totalNanos(message: { readonly seconds: bigint; readonly nanos: number }): bigint {
  return message.seconds * NANOS_PER_SECOND + BigInt(message.nanos);
}

/** The fractional digits proto3 JSON prints: none, 3, 6 or 9. */
function fraction(nanos: bigint): string {
  if (nanos === 0n) return "";
  const digits = nanos.toString().padStart(9, "0");
  if (digits.endsWith("000000")) return `.${digits.slice(0, 3)}`;
  if (digits.endsWith("000")) return `.${digits.slice(0, 6)}`;
  return `.${digits}`;
}

/** A duration in proto3 JSON notation: `0.025s`, `3600s`, `-1.500s`. */
export function formatDuration(nanos: bigint): string {
  const negative = nanos < 0n;
  const magnitude = negative ? -nanos : nanos;
  return `${negative ? "-" : ""}${magnitude / NANOS_PER_SECOND}${fraction(magnitude % NANOS_PER_SECOND)}s`;
}

/** A timestamp in proto3 JSON notation (RFC 3339, UTC): `2026-11-21T10:00:00.125Z`. */
export function formatTimestamp(nanos: bigint): string {
  let seconds = nanos / NANOS_PER_SECOND;
  let subsecond = nanos % NANOS_PER_SECOND;
  if (subsecond < 0n) {
    subsecond += NANOS_PER_SECOND;
    seconds -= 1n;
  }
  const date = new Date(Number(seconds) * 1000);
  if (Number.isNaN(date.getTime())) return `${seconds}s since the epoch`;
  return `${date.toISOString().slice(0, 19)}${fraction(subsecond)}Z`;
}

/** A list as messages print it: `["a", "b"]` for strings, `[1, 2]` for numbers. */
export function formatList(values: readonly (string | number | bigint)[]): string {
  return `[${values.map((v) => (typeof v === "string" ? JSON.stringify(v) : String(v))).join(", ")}]`;
}
