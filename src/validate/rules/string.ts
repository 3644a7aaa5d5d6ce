import { KnownRegex, StringRulesSchema, type StringRules } from "../../../gen/validate/validate_pb.js";
import { combineChecks, type ValueCheck } from "../context.js";
import { formatList, jsonSafeInteger } from "../format.js";
import { PlanError } from "../plan-error.js";
import { translateRe2 } from "../re2.js";
import { planMembership } from "./membership.js";
import type { StringLengths } from "../../wire/plan.js";
import { setRuleNames, unsupportedRule, type RuleSite } from "./rule-fields.js";

/**
 * Messages of the string family, in protoc-gen-validate's grammar ("value
 * length must be at least 1 runes"), saying characters for runes. Exported so
 * that the JSON validator words the same defects the same way.
 */
export const stringMessages = {
  const: (expected: string) => `value must equal ${JSON.stringify(expected)}`,
  len: (n: number | string) => `value length must be ${n} characters`,
  minLen: (n: number | string) => `value length must be at least ${n} characters`,
  maxLen: (n: number | string) => `value length must be at most ${n} characters`,
  lenBytes: (n: number | string) => `value length must be ${n} bytes`,
  minBytes: (n: number | string) => `value length must be at least ${n} bytes`,
  maxBytes: (n: number | string) => `value length must be at most ${n} bytes`,
  pattern: (pattern: string) => `value does not match regex pattern ${JSON.stringify(pattern)}`,
  prefix: (prefix: string) => `value does not have prefix ${JSON.stringify(prefix)}`,
  suffix: (suffix: string) => `value does not have suffix ${JSON.stringify(suffix)}`,
  contains: (part: string) => `value does not contain substring ${JSON.stringify(part)}`,
  notContains: (part: string) => `value contains substring ${JSON.stringify(part)}`,
  in: (list: readonly string[]) => `value must be in list ${formatList(list)}`,
  notIn: (list: readonly string[]) => `value must not be in list ${formatList(list)}`,
  headerName: (strict: boolean) => (strict ? "value must be a valid HTTP header name" : "value must not contain NUL, CR or LF"),
  headerValue: (strict: boolean) => (strict ? "value must be a valid HTTP header value" : "value must not contain NUL, CR or LF"),
};

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

/**
 * The number of Unicode code points in `s`: what the `*_len` rules count.
 * A surrogate pair is one code point; JavaScript's `length` counts two.
 */
export function codePointCount(s: string): number {
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
export function utf8ByteCount(s: string): number {
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

/**
 * The bounds of `rules` when its only members are lengths (`len`,
 * `min_len`, `max_len`, the `*_bytes` forms, `ignore_empty`): the wire walk
 * checks them from the UTF-8 bytes without decoding. Otherwise undefined.
 */
export function stringLengthRules(rules: StringRules, site: RuleSite): StringLengths | undefined {
  const lengths = { minChars: 0, maxChars: Infinity, minBytes: 0, maxBytes: Infinity, ignoreEmpty: false };
  for (const name of setRuleNames(rules, StringRulesSchema, "string", site)) {
    if (name === "len" || name === "min_len") lengths.minChars = Number(name === "len" ? rules.len : rules.minLen);
    if (name === "len" || name === "max_len") lengths.maxChars = Number(name === "len" ? rules.len : rules.maxLen);
    if (name === "len_bytes" || name === "min_bytes") lengths.minBytes = Number(name === "len_bytes" ? rules.lenBytes : rules.minBytes);
    if (name === "len_bytes" || name === "max_bytes") lengths.maxBytes = Number(name === "len_bytes" ? rules.lenBytes : rules.maxBytes);
    if (name === "ignore_empty") lengths.ignoreEmpty = rules.ignoreEmpty;
    else if (!/^(len|min_len|max_len|len_bytes|min_bytes|max_bytes)$/.test(name)) return undefined;
  }
  return lengths;
}

type StringCheck = (value: string, ctx: Parameters<ValueCheck>[1]) => void;

/**
 * Plans `(validate.rules).string` on a string field. Length bounds compare
 * without counting when the UTF-16 length already decides (a string of
 * `length` units has between `length / 2` and `length` code points, and
 * between `length` and `3 * length` UTF-8 bytes), so short ASCII values cost
 * one comparison.
 */
export function planStringRules(rules: StringRules, site: RuleSite): ValueCheck | undefined {
  const checks: StringCheck[] = [];
  let ignoreEmpty = false;
  for (const name of setRuleNames(rules, StringRulesSchema, "string", site)) {
    const ruleId = `string.${name}`;
    switch (name) {
      case "const": {
        const expected = rules.const;
        const message = stringMessages.const(expected);
        checks.push((value, ctx) => {
          if (value !== expected) ctx.report(ruleId, message, value, { const: expected });
        });
        break;
      }
      case "len":
      case "min_len":
      case "max_len": {
        const limit = Number(rules[name === "len" ? "len" : name === "min_len" ? "minLen" : "maxLen"]);
        const shown = jsonSafeInteger(BigInt(limit));
        const params = { [name]: shown };
        if (name === "len") {
          const message = stringMessages.len(shown);
          checks.push((value, ctx) => {
            if (value.length < limit || codePointCount(value) !== limit) ctx.report(ruleId, message, value, params);
          });
        } else if (name === "min_len") {
          const message = stringMessages.minLen(shown);
          checks.push((value, ctx) => {
            if (value.length >= 2 * limit) return;
            if (value.length < limit || codePointCount(value) < limit) ctx.report(ruleId, message, value, params);
          });
        } else {
          const message = stringMessages.maxLen(shown);
          checks.push((value, ctx) => {
            if (value.length <= limit) return;
            if (value.length > 2 * limit || codePointCount(value) > limit) ctx.report(ruleId, message, value, params);
          });
        }
        break;
      }
      case "len_bytes":
      case "min_bytes":
      case "max_bytes": {
        const limit = Number(rules[name === "len_bytes" ? "lenBytes" : name === "min_bytes" ? "minBytes" : "maxBytes"]);
        const shown = jsonSafeInteger(BigInt(limit));
        const params = { [name]: shown };
        if (name === "len_bytes") {
          const message = stringMessages.lenBytes(shown);
          checks.push((value, ctx) => {
            if (utf8ByteCount(value) !== limit) ctx.report(ruleId, message, value, params);
          });
        } else if (name === "min_bytes") {
          const message = stringMessages.minBytes(shown);
          checks.push((value, ctx) => {
            if (value.length >= limit) return;
            if (utf8ByteCount(value) < limit) ctx.report(ruleId, message, value, params);
          });
        } else {
          const message = stringMessages.maxBytes(shown);
          checks.push((value, ctx) => {
            if (value.length * 3 <= limit) return;
            if (value.length > limit || utf8ByteCount(value) > limit) ctx.report(ruleId, message, value, params);
          });
        }
        break;
      }
      case "pattern": {
        let regexp: RegExp;
        try {
          regexp = translateRe2(rules.pattern);
        } catch (cause) {
          throw new PlanError(site.field, ruleId, `${JSON.stringify(rules.pattern)} cannot be used: ${(cause as Error).message}`, { cause });
        }
        const message = stringMessages.pattern(rules.pattern);
        const params = { pattern: rules.pattern };
        checks.push((value, ctx) => {
          if (!regexp.test(value)) ctx.report(ruleId, message, value, params);
        });
        break;
      }
      case "prefix":
      case "suffix":
      case "contains":
      case "not_contains": {
        const part = name === "not_contains" ? rules.notContains : rules[name];
        const params = { [name]: part };
        const message =
          name === "prefix"
            ? stringMessages.prefix(part)
            : name === "suffix"
              ? stringMessages.suffix(part)
              : name === "contains"
                ? stringMessages.contains(part)
                : stringMessages.notContains(part);
        const test: (value: string) => boolean =
          name === "prefix"
            ? (v) => v.startsWith(part)
            : name === "suffix"
              ? (v) => v.endsWith(part)
              : name === "contains"
                ? (v) => v.includes(part)
                : (v) => !v.includes(part);
        checks.push((value, ctx) => {
          if (!test(value)) ctx.report(ruleId, message, value, params);
        });
        break;
      }
      case "in":
      case "not_in": {
        const list = name === "in" ? rules.in : rules.notIn;
        const message = name === "in" ? stringMessages.in(list) : stringMessages.notIn(list);
        checks.push(planMembership("string", name, list, message, (value: string) => value));
        break;
      }
      case "well_known_regex": {
        // `strict` is proto2 with default true: unset means strict.
        const strict = rules.strict;
        const known = rules.wellKnown.value;
        if (known !== KnownRegex.HTTP_HEADER_NAME && known !== KnownRegex.HTTP_HEADER_VALUE) {
          throw new PlanError(site.field, ruleId, `${String(known)} is not a pattern this rule engine knows`);
        }
        const isName = known === KnownRegex.HTTP_HEADER_NAME;
        const regexp = !strict ? KNOWN_PATTERNS.headerLoose : isName ? KNOWN_PATTERNS.headerName : KNOWN_PATTERNS.headerValue;
        const message = isName ? stringMessages.headerName(strict) : stringMessages.headerValue(strict);
        const params = { well_known_regex: isName ? "HTTP_HEADER_NAME" : "HTTP_HEADER_VALUE", strict };
        checks.push((value, ctx) => {
          if (!regexp.test(value)) ctx.report(ruleId, message, value, params);
        });
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
  const combined = combineChecks(checks as ValueCheck[]);
  if (combined === undefined) return undefined;
  if (!ignoreEmpty) return combined;
  return (value, ctx) => {
    if (value !== "") combined(value, ctx);
  };
}
