import type { Duration } from "@bufbuild/protobuf/wkt";
import { DurationRulesSchema, type DurationRules } from "../../../gen/validate/validate_pb.js";
import { combineChecks, type ValueCheck } from "../context.js";
import { formatDuration, totalNanos } from "../format.js";
import type { MessageFamilyPlan } from "./message.js";
import { planRange, type RangeDisplay } from "./range.js";
import { setRuleNames, unsupportedRule, type RuleSite } from "./rule-fields.js";

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
  let required = false;
  const checks: ((nanos: bigint, ctx: Parameters<ValueCheck>[1]) => void)[] = [];
  const bounds: { lt?: bigint; lte?: bigint; gt?: bigint; gte?: bigint } = {};
  for (const name of setRuleNames(rules, DurationRulesSchema, "duration", site)) {
    switch (name) {
      case "required":
        required = rules.required;
        break;
      case "const": {
        const expected = totalNanos(rules.const!);
        const shown = formatDuration(expected);
        const message = durationMessages.const(shown);
        checks.push((nanos, ctx) => {
          if (nanos !== expected) ctx.report("duration.const", message, formatDuration(nanos), { const: shown });
        });
        break;
      }
      case "lt":
      case "lte":
      case "gt":
      case "gte":
        bounds[name] = totalNanos(rules[name]!);
        break;
      default:
        throw unsupportedRule(site, `duration.${name}`);
    }
  }
  const range = planRange(bounds, durationDisplay, site);
  if (range !== undefined) checks.push(range);
  const combined = combineChecks(checks as unknown as ValueCheck[]);
  return {
    required: required ? { ruleId: "duration.required", message: durationMessages.required() } : undefined,
    check: combined === undefined ? undefined : (value, ctx) => combined(totalNanos(value as Duration), ctx),
  };
}
