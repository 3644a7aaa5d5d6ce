import { BytesRulesSchema, type BytesRules } from "../../../gen/validate/validate_pb.js";
import { combineChecks, type ValueCheck } from "../context.js";
import { jsonSafeInteger } from "../format.js";
import { setRuleNames, unsupportedRule, type RuleSite } from "./rule-fields.js";

/** Messages of the bytes family, in protoc-gen-validate's grammar. */
export const bytesMessages = {
  const: "value must equal the given bytes",
  len: (n: number | string) => `value length must be ${n} bytes`,
  minLen: (n: number | string) => `value length must be at least ${n} bytes`,
  maxLen: (n: number | string) => `value length must be at most ${n} bytes`,
  prefix: "value does not have the given prefix",
  suffix: "value does not have the given suffix",
  contains: "value does not contain the given bytes",
};

type BytesCheck = (value: Uint8Array, ctx: Parameters<ValueCheck>[1]) => void;

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number, to: number): boolean {
  // Whether `needle` occurs starting at some position in [from, to].
  outer: for (let start = from; start <= to; start++) {
    for (let i = 0; i < needle.length; i++) if (haystack[start + i] !== needle[i]) continue outer;
    return true;
  }
  return false;
}

/**
 * Plans `(validate.rules).bytes` on a bytes field. Lengths count bytes. The
 * members this package's validate.proto does not declare (pattern, in,
 * not_in, ip) fail planning as unknown rule fields, never silently.
 */
export function planBytesRules(rules: BytesRules, site: RuleSite): ValueCheck | undefined {
  const checks: BytesCheck[] = [];
  let ignoreEmpty = false;
  for (const name of setRuleNames(rules, BytesRulesSchema, "bytes", site)) {
    const ruleId = `bytes.${name}`;
    switch (name) {
      case "len":
      case "min_len":
      case "max_len": {
        const limit = Number(rules[name === "len" ? "len" : name === "min_len" ? "minLen" : "maxLen"]);
        const shown = jsonSafeInteger(BigInt(limit));
        const params = { [name]: shown };
        const message = name === "len" ? bytesMessages.len(shown) : name === "min_len" ? bytesMessages.minLen(shown) : bytesMessages.maxLen(shown);
        const fails: (n: number) => boolean = name === "len" ? (n) => n !== limit : name === "min_len" ? (n) => n < limit : (n) => n > limit;
        checks.push((value, ctx) => {
          if (fails(value.length)) ctx.report(ruleId, message, undefined, params);
        });
        break;
      }
      case "const":
      case "prefix":
      case "suffix":
      case "contains": {
        const part = rules[name];
        const message = bytesMessages[name];
        const test: (v: Uint8Array) => boolean =
          name === "const"
            ? (v) => v.length === part.length && indexOf(v, part, 0, 0)
            : name === "prefix"
              ? (v) => v.length >= part.length && indexOf(v, part, 0, 0)
              : name === "suffix"
                ? (v) => v.length >= part.length && indexOf(v, part, v.length - part.length, v.length - part.length)
                : (v) => v.length >= part.length && indexOf(v, part, 0, v.length - part.length);
        checks.push((value, ctx) => {
          if (!test(value)) ctx.report(ruleId, message);
        });
        break;
      }
      case "ignore_empty":
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
    if ((value as Uint8Array).length !== 0) combined(value, ctx);
  };
}
