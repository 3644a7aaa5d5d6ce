import type { BytesRules } from "../../../gen/validate/validate_pb.js";
import { combineChecks, type ValueCheck } from "../context.js";
import { planLengthRule } from "./length.js";
import { unsupportedRule, type RuleSite } from "./rule-fields.js";

/** Whether `needle` occurs in `haystack` starting at some position in [from, to]. */
function occursAt(haystack: Uint8Array, needle: Uint8Array, from: number, to: number): boolean {
  outer: for (let start = from; start <= to; start++) {
    for (let i = 0; i < needle.length; i++) if (haystack[start + i] !== needle[i]) continue outer;
    return true;
  }
  return false;
}

/** The rules that compare with given bytes: how each tests a value, and protoc-gen-validate's words when it fails. */
const PART_RULES = {
  const: { holds: (v: Uint8Array, p: Uint8Array) => v.length === p.length && occursAt(v, p, 0, 0), message: "value must equal the given bytes" },
  prefix: { holds: (v: Uint8Array, p: Uint8Array) => v.length >= p.length && occursAt(v, p, 0, 0), message: "value does not have the given prefix" },
  suffix: {
    holds: (v: Uint8Array, p: Uint8Array) => v.length >= p.length && occursAt(v, p, v.length - p.length, v.length - p.length),
    message: "value does not have the given suffix",
  },
  contains: { holds: (v: Uint8Array, p: Uint8Array) => v.length >= p.length && occursAt(v, p, 0, v.length - p.length), message: "value does not contain the given bytes" },
};

/**
 * Plans `(validate.rules).bytes` on a bytes field. Lengths count bytes. The
 * members this package's validate.proto does not declare (pattern, in,
 * not_in, ip) fail planning as unknown rule fields, never silently.
 */
export function planBytesRules(rules: BytesRules, names: readonly string[], site: RuleSite): ValueCheck | undefined {
  const checks: ((value: Uint8Array, ctx: Parameters<ValueCheck>[1]) => void)[] = [];
  let ignoreEmpty = false;
  for (const name of names) {
    switch (name) {
      case "len":
      case "min_len":
      case "max_len":
        checks.push(planLengthRule("bytes", name, rules[name === "len" ? "len" : name === "min_len" ? "minLen" : "maxLen"], "bytes", (v: Uint8Array) => v.length, () => undefined));
        break;
      case "const":
      case "prefix":
      case "suffix":
      case "contains": {
        const part = rules[name];
        const { holds, message } = PART_RULES[name];
        checks.push((value, ctx) => {
          if (!holds(value, part)) ctx.report(`bytes.${name}`, message);
        });
        break;
      }
      case "ignore_empty":
        ignoreEmpty = rules.ignoreEmpty;
        break;
      default:
        throw unsupportedRule(site, `bytes.${name}`);
    }
  }
  return combineChecks(checks as ValueCheck[], ignoreEmpty ? (value) => (value as Uint8Array).length === 0 : undefined);
}
