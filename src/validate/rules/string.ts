import { KnownRegex, type StringRules } from "../../../gen/validate/validate_pb.js";
import { combineChecks, type ValueCheck } from "../context.js";
import { PlanError } from "../plan-error.js";
import { translateRe2 } from "../re2.js";
import { planLengthRule, type LengthEstimate } from "./length.js";
import { planMembership } from "./membership.js";
import type { StringLengths } from "../../wire/plan.js";
import { unsupportedRule, type RuleSite } from "./rule-fields.js";

/**
 * protoc-gen-validate's `well_known_regex` patterns. `strict: false` (what
 * Envoy's header protos set) relaxes both to "no NUL, CR or LF": the bytes
 * that would split a header line.
 */
const KNOWN_PATTERNS = {
  // Upstream's class writes `+-.`, a range that also admits `,`; kept as is.
  headerName: /^:?[0-9a-zA-Z!#$%&'*+-.^_|~`]+$/,
  headerValue: /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/,
  headerLoose: /^[^\u0000\u000A\u000D]*$/,
};

/** The substring rules: how each tests a value, and protoc-gen-validate's words when it fails. */
const SUBSTRING_RULES = {
  prefix: { holds: (v: string, part: string) => v.startsWith(part), words: "does not have prefix" },
  suffix: { holds: (v: string, part: string) => v.endsWith(part), words: "does not have suffix" },
  contains: { holds: (v: string, part: string) => v.includes(part), words: "does not contain substring" },
  not_contains: { holds: (v: string, part: string) => !v.includes(part), words: "contains substring" },
};

/**
 * The number of Unicode code points in `s`: what the `*_len` rules count.
 * A surrogate pair is one code point; JavaScript's `length` counts two.
 */
function codePointCount(s: string): number {
  let count = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const unit = s.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

/**
 * The number of bytes of `s` in UTF-8: what the `*_bytes` rules count. A lone
 * surrogate counts as the three bytes of the U+FFFD it is encoded as.
 */
function utf8ByteCount(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** A string of n UTF-16 units has n/2 to n code points, and n to 3n UTF-8 bytes. */
const CHARS_OF_UNITS: LengthEstimate<string> = { lower: (s) => Math.ceil(s.length / 2), upper: (s) => s.length };
const BYTES_OF_UNITS: LengthEstimate<string> = { lower: (s) => s.length, upper: (s) => 3 * s.length };

/**
 * The bounds of `rules` when its only members are lengths (`len`,
 * `min_len`, `max_len`, the `*_bytes` forms, `ignore_empty`): the wire walk
 * checks them from the UTF-8 bytes without decoding. Otherwise undefined.
 */
export function stringLengthRules(rules: StringRules, names: readonly string[]): StringLengths | undefined {
  const lengths = { minChars: 0, maxChars: Infinity, minBytes: 0, maxBytes: Infinity, ignoreEmpty: false };
  for (const name of names) {
    if (name === "len" || name === "min_len") lengths.minChars = Number(name === "len" ? rules.len : rules.minLen);
    if (name === "len" || name === "max_len") lengths.maxChars = Number(name === "len" ? rules.len : rules.maxLen);
    if (name === "len_bytes" || name === "min_bytes") lengths.minBytes = Number(name === "len_bytes" ? rules.lenBytes : rules.minBytes);
    if (name === "len_bytes" || name === "max_bytes") lengths.maxBytes = Number(name === "len_bytes" ? rules.lenBytes : rules.maxBytes);
    if (name === "ignore_empty") lengths.ignoreEmpty = rules.ignoreEmpty;
    else if (!/^(len|min_len|max_len|len_bytes|min_bytes|max_bytes)$/.test(name)) return undefined;
  }
  return lengths;
}

/** Plans `(validate.rules).string` on a string field, in protoc-gen-validate's words (saying characters for runes). */
export function planStringRules(rules: StringRules, names: readonly string[], site: RuleSite): ValueCheck | undefined {
  const checks: ((value: string, ctx: Parameters<ValueCheck>[1]) => void)[] = [];
  let ignoreEmpty = false;
  const check = (ruleId: string, holds: (value: string) => boolean, message: string, params: Readonly<Record<string, unknown>>) =>
    checks.push((value, ctx) => {
      if (!holds(value)) ctx.report(ruleId, message, value, params);
    });
  for (const name of names) {
    const ruleId = `string.${name}`;
    switch (name) {
      case "const": {
        const expected = rules.const;
        check(ruleId, (value) => value === expected, `value must equal ${JSON.stringify(expected)}`, { const: expected });
        break;
      }
      case "len":
      case "min_len":
      case "max_len":
        checks.push(planLengthRule("string", name, rules[name === "len" ? "len" : name === "min_len" ? "minLen" : "maxLen"], "characters", codePointCount, String, CHARS_OF_UNITS));
        break;
      case "len_bytes":
      case "min_bytes":
      case "max_bytes":
        checks.push(planLengthRule("string", name, rules[name === "len_bytes" ? "lenBytes" : name === "min_bytes" ? "minBytes" : "maxBytes"], "bytes", utf8ByteCount, String, BYTES_OF_UNITS));
        break;
      case "pattern": {
        let regexp: RegExp;
        try {
          regexp = translateRe2(rules.pattern);
        } catch (cause) {
          throw new PlanError(site.field, ruleId, `${JSON.stringify(rules.pattern)} cannot be used: ${(cause as Error).message}`, { cause });
        }
        check(ruleId, (value) => regexp.test(value), `value does not match regex pattern ${JSON.stringify(rules.pattern)}`, { pattern: rules.pattern });
        break;
      }
      case "prefix":
      case "suffix":
      case "contains":
      case "not_contains": {
        const part = name === "not_contains" ? rules.notContains : rules[name];
        const { holds, words } = SUBSTRING_RULES[name];
        check(ruleId, (value) => holds(value, part), `value ${words} ${JSON.stringify(part)}`, { [name]: part });
        break;
      }
      case "in":
      case "not_in":
        checks.push(planMembership("string", name, rules, (value: string) => value));
        break;
      case "well_known_regex": {
        // `strict` is proto2 with default true: unset means strict.
        const strict = rules.strict;
        const known = rules.wellKnown.value;
        if (known !== KnownRegex.HTTP_HEADER_NAME && known !== KnownRegex.HTTP_HEADER_VALUE) {
          throw new PlanError(site.field, ruleId, `${String(known)} is not a pattern this rule engine knows`);
        }
        const isName = known === KnownRegex.HTTP_HEADER_NAME;
        const regexp = !strict ? KNOWN_PATTERNS.headerLoose : isName ? KNOWN_PATTERNS.headerName : KNOWN_PATTERNS.headerValue;
        const message = strict ? `value must be a valid HTTP header ${isName ? "name" : "value"}` : "value must not contain NUL, CR or LF";
        const params = { well_known_regex: isName ? "HTTP_HEADER_NAME" : "HTTP_HEADER_VALUE", strict };
        check(ruleId, (value) => regexp.test(value), message, params);
        break;
      }
      case "strict":
        // Read by well_known_regex; alone it asks nothing.
        break;
      case "ignore_empty":
        // Explicit presence: `ignore_empty: false` is set, and means no exemption.
        ignoreEmpty = rules.ignoreEmpty;
        break;
      default:
        throw unsupportedRule(site, ruleId);
    }
  }
  return combineChecks(checks as ValueCheck[], ignoreEmpty ? (value) => value === "" : undefined);
}
