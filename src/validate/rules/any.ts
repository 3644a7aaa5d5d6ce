import type { Any } from "@bufbuild/protobuf/wkt";
import type { AnyRules } from "../../../gen/validate/validate_pb.js";
import { combineChecks, type ValueCheck } from "../context.js";
import { planMembership } from "./membership.js";
import { unsupportedRule, type RuleSite } from "./rule-fields.js";
import type { MessageFamilyPlan } from "./message.js";

/**
 * Plans `(validate.rules).any` on a google.protobuf.Any field: `required`
 * (the field must be set) and `in` / `not_in` on the type URL. As in
 * protoc-gen-validate, the packed message itself is not unpacked.
 */
export function planAnyRules(rules: AnyRules, names: readonly string[], site: RuleSite): MessageFamilyPlan {
  let required = false;
  const checks: ValueCheck[] = [];
  for (const name of names) {
    const ruleId = `any.${name}`;
    switch (name) {
      case "required":
        required = rules.required;
        break;
      case "in":
      case "not_in":
        checks.push(planMembership("any", name, rules, (value: unknown) => (value as Any).typeUrl, undefined, "type URL"));
        break;
      default:
        throw unsupportedRule(site, ruleId);
    }
  }
  return { required: required ? "any.required" : undefined, check: combineChecks(checks) };
}
