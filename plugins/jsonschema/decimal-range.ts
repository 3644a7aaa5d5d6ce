/**
 * Regular expressions for decimal integer strings within a range.
 *
 * The proto3 JSON mapping lets every integer field be written as a quoted
 * decimal string, and 64-bit values must be (a JSON number cannot hold them
 * exactly). JSON Schema's `minimum`/`maximum` only constrain numbers, so the
 * range of a quoted integer is stated as a `pattern` instead. The patterns are
 * built digit by digit; they accept leading zeros and `-0`, as protobuf-es's
 * parser does.
 */

/**
 * A pattern (without anchors) for the decimal strings of the integers from 0
 * to `max` inclusive, written without leading zeros.
 */
export function upToPattern(max: bigint): string {
  if (max < 0n) throw new Error(`upToPattern needs a non-negative bound, got ${max}`);
  const digits = max.toString();
  const length = digits.length;
  const alternatives: string[] = [];
  // Every number with fewer digits than `max` is below it.
  if (length >= 2) alternatives.push("[0-9]");
  if (length >= 3) alternatives.push(`[1-9][0-9]{1,${length - 2}}`);
  // Same length: equal to `max` up to some digit, then smaller there, then anything.
  for (let i = 0; i < length; i++) {
    const low = i === 0 && length > 1 ? 1 : 0;
    const high = Number(digits[i]) - 1;
    if (high < low) continue;
    const rest = length - i - 1;
    alternatives.push(digits.slice(0, i) + digitClass(low, high) + (rest > 1 ? `[0-9]{${rest}}` : rest === 1 ? "[0-9]" : ""));
  }
  alternatives.push(digits);
  return alternatives.length === 1 ? alternatives[0]! : `(?:${alternatives.join("|")})`;
}

/**
 * An anchored pattern for the decimal strings of the integers from `min` to
 * `max` inclusive, where `min <= 0 <= max`. Leading zeros are allowed.
 */
export function integerStringPattern(min: bigint, max: bigint): string {
  if (min > 0n || max < 0n) throw new Error(`integerStringPattern needs min <= 0 <= max, got ${min}..${max}`);
  const positive = `0*${upToPattern(max)}`;
  if (min === 0n) return `^${positive}$`;
  return `^(?:-0*${upToPattern(-min)}|${positive})$`;
}

function digitClass(low: number, high: number): string {
  return low === high ? String(low) : `[${low}-${high}]`;
}
