import { daysInMonth, daysSinceEpoch } from "./calendar.js";
import { isDigit, JsonTokens } from "./json-tokens.js";

const MAX_DURATION_SECONDS = 315_576_000_000;
const NOT_A_TIMESTAMP = "not a timestamp in the proto3 JSON form (RFC 3339 in UTC, years 1 to 9999)";
const NOT_A_DURATION = "not a duration in the proto3 JSON form (such as \"1.5s\", within ±315576000000s)";

/**
 * The tokenizer with the string forms of the proto3 JSON mapping's
 * well-known types read in place, in their canonical, unambiguous subset
 * (what protoc and protobuf-es read to the same value): a Timestamp, a
 * Duration; and padded base64 for bytes. Anything outside it is refused
 * through {@link JsonTokens.fail}.
 */
export abstract class WellKnownTokens extends JsonTokens {
  /** The last Timestamp or Duration read. */
  protected seconds = 0;
  protected nanos = 0;

  /** A Timestamp: `YYYY-MM-DDTHH:MM:SS`, an optional fraction of 1 to 9 digits, then `Z`; a real date from year 1 to 9999. `keep`: its seconds and nanos are kept for a rule. */
  protected timestamp(keep: boolean): void {
    const text = this.text;
    const at = this.i;
    if (text.charCodeAt(this.i) !== 0x22) this.fail(NOT_A_TIMESTAMP, at);
    // Every character of a timestamp is ASCII and none is escaped: the first quote ends it.
    const s = this.i + 1;
    const end = text.indexOf('"', s);
    const length = end - s;
    if (length < 20 || length > 30) this.fail(NOT_A_TIMESTAMP, at);
    this.i = end + 1;
    const year = digitsAt(text, s, 4);
    const month = digitsAt(text, s + 5, 2);
    const day = digitsAt(text, s + 8, 2);
    const hour = digitsAt(text, s + 11, 2);
    const minute = digitsAt(text, s + 14, 2);
    const second = digitsAt(text, s + 17, 2);
    if (text.charCodeAt(s + 4) !== 0x2d || text.charCodeAt(s + 7) !== 0x2d || text.charCodeAt(s + 10) !== 0x54) this.fail(NOT_A_TIMESTAMP, at);
    if (text.charCodeAt(s + 13) !== 0x3a || text.charCodeAt(s + 16) !== 0x3a || text.charCodeAt(s + length - 1) !== 0x5a) this.fail(NOT_A_TIMESTAMP, at);
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) this.fail(NOT_A_TIMESTAMP, at);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) this.fail(NOT_A_TIMESTAMP, at);
    let nanos = 0;
    if (length > 20) {
      const fractionDigits = length - 21;
      if (text.charCodeAt(s + 19) !== 0x2e || fractionDigits < 1) this.fail(NOT_A_TIMESTAMP, at);
      const fraction = digitsAt(text, s + 20, fractionDigits);
      if (fraction < 0) this.fail(NOT_A_TIMESTAMP, at);
      if (keep) nanos = fraction * 10 ** (9 - fractionDigits);
    }
    if (keep) {
      this.seconds = daysSinceEpoch(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second;
      this.nanos = nanos;
    }
  }

  /** A Duration in canonical form: `-?(0|[1-9][0-9]{0,11})(\.[0-9]{1,9})?s`, within ±315,576,000,000 s. */
  protected duration(): void {
    const text = this.text;
    const at = this.i;
    if (text.charCodeAt(this.i) !== 0x22) this.fail(NOT_A_DURATION, at);
    this.string();
    const end = this.strEnd - 1;
    let j = this.strStart;
    const negative = text.charCodeAt(j) === 0x2d;
    if (negative) j++;
    const from = j;
    let seconds = 0;
    while (j < end && isDigit(text.charCodeAt(j))) seconds = seconds * 10 + text.charCodeAt(j++) - 0x30;
    const count = j - from;
    if (this.escaped || text.charCodeAt(end) !== 0x73 /* s */ || count < 1 || count > 12 || (count > 1 && text.charCodeAt(from) === 0x30)) this.fail(NOT_A_DURATION, at);
    let nanos = 0;
    if (j < end) {
      const fractionDigits = end - j - 1;
      if (text.charCodeAt(j) !== 0x2e || fractionDigits < 1 || fractionDigits > 9) this.fail(NOT_A_DURATION, at);
      const fraction = digitsAt(text, j + 1, fractionDigits);
      if (fraction < 0) this.fail(NOT_A_DURATION, at);
      nanos = fraction * 10 ** (9 - fractionDigits);
    }
    if (seconds > MAX_DURATION_SECONDS) this.fail(NOT_A_DURATION, at);
    // "-0.5s" is zero seconds and minus half a second.
    this.seconds = negative ? -seconds : seconds;
    this.nanos = negative && nanos !== 0 ? -nanos : nanos;
  }
}

/** Base64 of the standard alphabet, padded to a multiple of four. */
export function isPaddedBase64(text: string, start: number, end: number): boolean {
  const length = end - start;
  if (length % 4 !== 0) return false;
  for (let j = start; j < end; j++) {
    const c = text.charCodeAt(j);
    if (isBase64(c)) continue;
    // Padding: "x=" at the end, or "==" as the last two.
    if (c !== 0x3d || j < end - 2 || (j === end - 2 && text.charCodeAt(end - 1) !== 0x3d)) return false;
  }
  return true;
}

function isBase64(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f;
}

/** The decimal number of `count` ASCII digits at `from`, or -1 when one is not a digit. */
function digitsAt(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}
