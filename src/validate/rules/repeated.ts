import { ScalarType } from "@bufbuild/protobuf";
import { RepeatedRulesSchema, type FieldRules, type RepeatedRules } from "../../../gen/validate/validate_pb.js";
import { combineChecks, type EvalContext, type ValueCheck } from "../context.js";
import { jsonSafeInteger } from "../format.js";
import { notApplicable, setRuleNames, unsupportedRule, type RuleSite } from "./rule-fields.js";

/** A check of a whole list (not of its elements). */
export type ListCheck = (list: readonly unknown[], ctx: EvalContext) => void;

/** What `(validate.rules).repeated` asks of a list field. */
export interface RepeatedRulesPlan {
  /** Checks of the list itself: `min_items`, `max_items`, `unique`. */
  readonly check: ListCheck | undefined;
  /** `items`: the rules every element must satisfy, planned by the caller for the element kind. */
  readonly items: FieldRules | undefined;
  /** `ignore_empty`: skip every rule, items included, for an empty list. */
  readonly ignoreEmpty: boolean;
  /** Whether `check` reads nothing but the list's length (no `unique`). */
  readonly countOnly: boolean;
}

/** What a list holds, for `unique`. */
export type ElementKind = "scalar" | "enum" | "message";

/**
 * Plans `(validate.rules).repeated` on a list field. `unique` applies to
 * lists of scalars and enums (as in protoc-gen-validate); the second and
 * later occurrences of an element are reported at their index.
 */
export function planRepeatedRules(rules: RepeatedRules, element: ElementKind, scalar: ScalarType | undefined, site: RuleSite): RepeatedRulesPlan {
  const checks: ListCheck[] = [];
  let items: FieldRules | undefined;
  let ignoreEmpty = false;
  for (const name of setRuleNames(rules, RepeatedRulesSchema, "repeated", site)) {
    const ruleId = `repeated.${name}`;
    switch (name) {
      case "min_items":
      case "max_items": {
        const limit = Number(name === "min_items" ? rules.minItems : rules.maxItems);
        const shown = jsonSafeInteger(BigInt(limit));
        const params = { [name]: shown };
        const tooShort = name === "min_items";
        const message = `value must contain ${tooShort ? "at least" : "no more than"} ${shown} item(s)`;
        checks.push((list, ctx) => {
          if (tooShort ? list.length < limit : list.length > limit) ctx.report(ruleId, message, list.length, params);
        });
        break;
      }
      case "unique": {
        if (!rules.unique) break;
        if (element === "message") throw notApplicable(site, ruleId);
        const key = scalar === ScalarType.BYTES ? bytesKey : (v: unknown) => v;
        checks.push((list, ctx) => {
          const seen = new Set<unknown>();
          for (let i = 0; i < list.length; i++) {
            const k = key(list[i]);
            if (!seen.has(k)) {
              seen.add(k);
              continue;
            }
            ctx.path.push(i);
            ctx.report(ruleId, "repeated value must contain unique items", typeof k === "bigint" ? jsonSafeInteger(k) : scalar === ScalarType.BYTES ? undefined : k, { unique: true });
            ctx.path.pop();
            if (ctx.stopped) return;
          }
        });
        break;
      }
      case "items":
        items = rules.items;
        break;
      case "ignore_empty":
        ignoreEmpty = rules.ignoreEmpty;
        break;
      default:
        throw unsupportedRule(site, ruleId);
    }
  }
  return { check: combineChecks(checks as ValueCheck[]) as ListCheck | undefined, items, ignoreEmpty, countOnly: !rules.unique };
}

/** Bytes compared by content for `unique`. */
function bytesKey(value: unknown): string {
  const bytes = value as Uint8Array;
  let key = "";
  for (let i = 0; i < bytes.length; i++) key += String.fromCharCode(bytes[i]!);
  return key;
}
