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
  if (length === 3) alternatives.push("[1-9][0-9]");
  if (length > 3) alternatives.push(`[1-9][0-9]{1,${length - 2}}`);
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
 * `max` inclusive. Leading zeros are allowed, and `-0` (with any number of
 * zeros) where the range holds 0 and `signed` says the type's parser reads a
 * minus sign at all; the package's unsigned types state no minus sign.
 */
export function integerStringPattern(min: bigint, max: bigint, signed = min < 0n): string {
  if (min > max) throw new Error(`integerStringPattern needs min <= max, got ${min}..${max}`);
  const parts: string[] = [];
  if (min <= 0n) {
    // Magnitudes after a minus sign: from -max (or 0) up to -min; 0 only where "-0" is read as 0.
    let low = max < 0n ? -max : 0n;
    if (low === 0n && !signed) low = 1n;
    if (low <= -min) parts.push(`-0*${betweenPattern(low, -min)}`);
  }
  if (max >= 0n) parts.push(`0*${betweenPattern(min > 0n ? min : 0n, max)}`);
  return parts.length === 1 ? `^${parts[0]!}$` : `^(?:${parts.join("|")})$`;
}

/**
 * A pattern for the decimal strings, without leading zeros, of the integers
 * from `low` to `high` (0 <= low <= high): the numbers up to `high`, less (by
 * a lookahead) those below `low`. `end` is what the lookahead takes to follow
 * the digits: the end of the input by default, `(?![0-9])` inside a longer
 * pattern.
 */
export function betweenPattern(low: bigint, high: bigint, end = "$"): string {
  if (low < 0n || low > high) throw new Error(`betweenPattern needs 0 <= low <= high, got ${low}..${high}`);
  const upTo = upToPattern(high);
  return low === 0n ? upTo : `(?!${upToPattern(low - 1n)}${end})${upTo}`;
}

function digitClass(low: number, high: number): string {
  return low === high ? String(low) : `[${low}-${high}]`;
}
