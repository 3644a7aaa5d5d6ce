import { DurationRulesSchema, type DurationRules } from "../../../gen/validate/validate_pb.js";
import type { MessageFamilyPlan } from "./message.js";
import { setRuleNames, type RuleSite } from "./rule-fields.js";
import { planTimeFamily } from "./time.js";

/** Plans `(validate.rules).duration` on a google.protobuf.Duration field: `required`, `const` and the bounds. */
export function planDurationRules(rules: DurationRules, site: RuleSite): MessageFamilyPlan {
  return planTimeFamily("duration", rules, setRuleNames(rules, DurationRulesSchema, "duration", site), site);
}
