import type { DescEnum } from "@bufbuild/protobuf";
import type { EnumRules } from "../../../gen/validate/validate_pb.js";
import { combineChecks, type ValueCheck } from "../context.js";
import { planMembership } from "./membership.js";
import { unsupportedRule, type RuleSite } from "./rule-fields.js";

/**
 * Plans `(validate.rules).enum` on an enum field of type `enumDesc`:
 * `const`, `defined_only` (the number must be one the enum declares; open
 * proto3 enums carry undeclared numbers through decoding), `in`, `not_in`.
 */
export function planEnumRules(rules: EnumRules, names: readonly string[], enumDesc: DescEnum, site: RuleSite): ValueCheck | undefined {
  const checks: ((value: number, ctx: Parameters<ValueCheck>[1]) => void)[] = [];
  for (const name of names) {
    const ruleId = `enum.${name}`;
    switch (name) {
      case "const": {
        const expected = rules.const;
        checks.push((value, ctx) => {
          if (value !== expected) ctx.report(ruleId, `value must equal ${expected}`, value, { const: expected });
        });
        break;
      }
      case "defined_only": {
        if (!rules.definedOnly) break;
        const defined = new Set(enumDesc.values.map((v) => v.number));
        checks.push((value, ctx) => {
          if (!defined.has(value)) ctx.report(ruleId, "value must be one of the defined enum values", value, { defined_only: true });
        });
        break;
      }
      case "in":
      case "not_in":
        checks.push(planMembership("enum", name, rules, (value: number) => value));
        break;
      default:
        throw unsupportedRule(site, ruleId);
    }
  }
  return combineChecks(checks as ValueCheck[]);
}
