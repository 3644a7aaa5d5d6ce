import { betweenPattern } from "./decimal-range.js";

/**
 * Patterns for proto3 JSON Durations within bounds.
 *
 * A Duration is written `"<seconds>[.<fraction>]s"`: an optional minus sign,
 * decimal seconds (leading zeros allowed), and one to nine fractional digits.
 * Its value is a whole number of nanoseconds, so every bound of
 * `(validate.rules).duration` (`gte`, `lte`, and `gt`/`lt` one nanosecond
 * further in) is an exact interval of nanoseconds, which a regular expression
 * can state digit by digit: the seconds compared as integers, and at the
 * bounds' own seconds the fraction compared as nine digits padded with zeros.
 */

const nanosPerSecond = 1_000_000_000n;

/** The largest Duration magnitude, in nanoseconds: 315,576,000,000 s (10,000 years) and 999,999,999 ns. */
export const maxDurationNanos = 315_576_000_000n * nanosPerSecond + 999_999_999n;

/**
 * An anchored pattern for the Duration strings whose value, in nanoseconds,
 * lies from `min` to `max` inclusive (clamped to the Duration range).
 * `"-0s"` and `"-0.000s"` are zero, as protobuf-es reads them.
 */
export function durationRangePattern(min: bigint, max: bigint): string {
  const low = min < -maxDurationNanos ? -maxDurationNanos : min;
  const high = max > maxDurationNanos ? maxDurationNanos : max;
  if (low > high) throw new Error(`durationRangePattern needs min <= max, got ${min}..${max}`);
  const parts: string[] = [];
  // After a minus sign: magnitudes from -high (or zero) up to -low.
  if (low <= 0n) parts.push(`-${magnitudePattern(high < 0n ? -high : 0n, -low)}`);
  if (high >= 0n) parts.push(magnitudePattern(low > 0n ? low : 0n, high));
  return `^(?:${parts.join("|")})s$`;
}

/** Seconds and an optional fraction (no sign, no `s`) whose value lies from `low` to `high` nanoseconds (0 <= low <= high). */
function magnitudePattern(low: bigint, high: bigint): string {
  const lowSeconds = low / nanosPerSecond;
  const highSeconds = high / nanosPerSecond;
  const lowFraction = nineDigits(low % nanosPerSecond);
  const highFraction = nineDigits(high % nanosPerSecond);
  if (lowSeconds === highSeconds) return `0*${lowSeconds}${fractionBetween(lowFraction, highFraction)}`;
  const alternatives = [`0*${lowSeconds}${fractionAtLeast(lowFraction)}`];
  if (highSeconds - lowSeconds >= 2n) {
    alternatives.push(`0*${betweenPattern(lowSeconds + 1n, highSeconds - 1n, "(?![0-9])")}${anyFraction}`);
  }
  alternatives.push(`0*${highSeconds}${fractionAtMost(highFraction)}`);
  return `(?:${alternatives.join("|")})`;
}

const anyFraction = "(?:\\.[0-9]{1,9})?";
const zeroFraction = "000000000";

function nineDigits(nanos: bigint): string {
  return nanos.toString().padStart(9, "0");
}

/** An optional fraction at least `bound` (nine digits); without a fraction the value is zero. */
function fractionAtLeast(bound: string): string {
  return bound === zeroFraction ? anyFraction : `\\.${digitsAtLeast(bound)}`;
}

/** An optional fraction at most `bound` (nine digits). */
function fractionAtMost(bound: string): string {
  return bound === "999999999" ? anyFraction : `(?:\\.${digitsAtMost(bound)})?`;
}

/** An optional fraction from `low` to `high` (nine digits each, low <= high). */
function fractionBetween(low: string, high: string): string {
  if (low === zeroFraction) return fractionAtMost(high);
  return `\\.(?=${digitsAtLeast(low)}(?![0-9]))${digitsAtMost(high)}`;
}

/**
 * One to nine digits that, padded with zeros to nine, are at least `bound`
 * (not all zeros): `bound` up to its last non-zero digit and then anything,
 * or a larger digit at the first place they differ.
 */
function digitsAtLeast(bound: string): string {
  const significant = bound.replace(/0+$/, "").length;
  const alternatives = [bound.slice(0, significant) + anyDigits(9 - significant)];
  for (let i = 0; i < significant; i++) {
    const digit = Number(bound[i]);
    if (digit < 9) alternatives.push(bound.slice(0, i) + digitClass(digit + 1, 9) + anyDigits(8 - i));
  }
  return `(?:${alternatives.join("|")})`;
}

/**
 * One to nine digits that, padded with zeros to nine, are at most `bound`:
 * a leading part of `bound` (the rest reads as zeros), or a smaller digit at
 * the first place they differ.
 */
function digitsAtMost(bound: string): string {
  const alternatives: string[] = [];
  for (let length = 9; length >= 1; length--) alternatives.push(bound.slice(0, length));
  for (let i = 0; i < 9; i++) {
    const digit = Number(bound[i]);
    if (digit > 0) alternatives.push(bound.slice(0, i) + digitClass(0, digit - 1) + anyDigits(8 - i));
  }
  return `(?:${alternatives.join("|")})`;
}

function anyDigits(upTo: number): string {
  return upTo === 0 ? "" : `[0-9]{0,${upTo}}`;
}

function digitClass(low: number, high: number): string {
  return low === high ? String(low) : `[${low}-${high}]`;
}
