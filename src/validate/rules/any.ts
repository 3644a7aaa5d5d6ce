import type { Any } from "@bufbuild/protobuf/wkt";
import { AnyRulesSchema, type AnyRules } from "../../../gen/validate/validate_pb.js";
import { combineChecks, type ValueCheck } from "../context.js";
import { formatList } from "../format.js";
import { planMembership } from "./membership.js";
import { setRuleNames, unsupportedRule, type RuleSite } from "./rule-fields.js";
import type { MessageFamilyPlan } from "./message.js";

/**
 * Plans `(validate.rules).any` on a google.protobuf.Any field: `required`
 * (the field must be set) and `in` / `not_in` on the type URL. As in
 * protoc-gen-validate, the packed message itself is not unpacked.
 */
export function planAnyRules(rules: AnyRules, site: RuleSite): MessageFamilyPlan {
  let required = false;
  const checks: ValueCheck[] = [];
  for (const name of setRuleNames(rules, AnyRulesSchema, "any", site)) {
    const ruleId = `any.${name}`;
    switch (name) {
      case "required":
        required = rules.required;
        break;
      case "in":
      case "not_in": {
        const list = name === "in" ? rules.in : rules.notIn;
        const message = `type URL must ${name === "in" ? "" : "not "}be in list ${formatList(list)}`;
        checks.push(planMembership("any", name, list, message, (value: unknown) => (value as Any).typeUrl));
        break;
      }
      default:
        throw unsupportedRule(site, ruleId);
    }
  }
  return { required: required ? { ruleId: "any.required", message: "value is required" } : undefined, check: combineChecks(checks) };
}
