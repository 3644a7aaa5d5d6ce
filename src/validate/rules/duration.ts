import { DurationRulesSchema, type DurationRules } from "../../../gen/validate/validate_pb.js";
import { formatDuration } from "../format.js";
import type { MessageFamilyPlan } from "./message.js";
import type { RangeDisplay } from "./range.js";
import { setRuleNames, type RuleSite } from "./rule-fields.js";
import { planTimeRules, timeFamilyPlan } from "./time.js";

/** Messages of the duration family, in protoc-gen-validate's words. */
export const durationMessages = {
  required: () => "value is required",
  const: (expected: string) => `value must equal ${expected}`,
};

/** Durations in messages and params: proto3 JSON notation (`0.025s`). */
export const durationDisplay: RangeDisplay<bigint> = { family: "duration", show: formatDuration, json: formatDuration };

/**
 * Plans `(validate.rules).duration` on a google.protobuf.Duration field:
 * `required`, `const` and the bounds (see `planRange`), compared exactly in
 * nanoseconds.
 */
export function planDurationRules(rules: DurationRules, site: RuleSite): MessageFamilyPlan {
  const names = setRuleNames(rules, DurationRulesSchema, "duration", site);
  const plan = planTimeRules(rules, names, durationDisplay, durationMessages.const, site);
  return timeFamilyPlan("duration", plan, durationMessages.required());
}
