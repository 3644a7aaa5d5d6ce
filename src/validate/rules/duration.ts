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
  valid: () => "value is not a valid duration",
};

/** google.protobuf.Duration's own range: ±10,000 years, nanos below a second and of the seconds' sign. */
function isValidDuration({ seconds, nanos }: { readonly seconds: bigint; readonly nanos: number }): boolean {
  if (seconds < -315_576_000_000n || seconds > 315_576_000_000n) return false;
  if (nanos < -999_999_999 || nanos > 999_999_999) return false;
  return !((seconds > 0n && nanos < 0) || (seconds < 0n && nanos > 0));
}

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
  return timeFamilyPlan("duration", plan, durationMessages.required(), { isValid: isValidDuration, message: durationMessages.valid() });
}
