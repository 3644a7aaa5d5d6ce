import { TimestampRulesSchema, type TimestampRules } from "../../../gen/validate/validate_pb.js";
import { formatDuration, formatTimestamp, totalNanos } from "../format.js";
import { PlanError } from "../plan-error.js";
import type { MessageFamilyPlan } from "./message.js";
import type { RangeDisplay } from "./range.js";
import { setRuleNames, type RuleSite } from "./rule-fields.js";
import { planTimeRules, timeFamilyPlan } from "./time.js";

/** Messages of the timestamp family, in protoc-gen-validate's words. */
export const timestampMessages = {
  required: () => "value is required",
  const: (expected: string) => `value must equal ${expected}`,
  ltNow: () => "value must be less than now",
  gtNow: () => "value must be greater than now",
  within: (within: string) => `value must be within ${within} of now`,
  valid: () => "value is not a valid timestamp",
};

/** google.protobuf.Timestamp's own range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z. */
function isValidTimestamp({ seconds, nanos }: { readonly seconds: bigint; readonly nanos: number }): boolean {
  return seconds >= -62_135_596_800n && seconds <= 253_402_300_799n && nanos >= 0 && nanos <= 999_999_999;
}

/** Timestamps in messages and params: RFC 3339 (`2026-11-21T10:00:00Z`). */
export const timestampDisplay: RangeDisplay<bigint> = { family: "timestamp", show: formatTimestamp, json: formatTimestamp };

/**
 * Plans `(validate.rules).timestamp` on a google.protobuf.Timestamp field:
 * `required`, `const`, the bounds (see `planRange`), and the rules relative
 * to the validation time (`ValidateOptions.now`):
 *
 * - `lt_now`: before now; with `within`, also no earlier than now − within.
 * - `gt_now`: after now; with `within`, also no later than now + within.
 * - `within` alone: strictly between now − within and now + within.
 *
 * These are protoc-gen-validate's conditions; each part that fails is
 * reported under its own rule id (`timestamp.lt_now`, `timestamp.within`).
 */
export function planTimestampRules(rules: TimestampRules, site: RuleSite): MessageFamilyPlan {
  let ltNow = false;
  let gtNow = false;
  let within: bigint | undefined;
  const names = setRuleNames(rules, TimestampRulesSchema, "timestamp", site);
  const plan = planTimeRules(rules, names, timestampDisplay, timestampMessages.const, site, (name) => {
    switch (name) {
      case "lt_now":
        ltNow = rules.ltNow;
        return true;
      case "gt_now":
        gtNow = rules.gtNow;
        return true;
      case "within":
        within = totalNanos(rules.within!);
        if (within <= 0n) throw new PlanError(site.field, "timestamp.within", "must be a positive duration");
        return true;
      default:
        return false;
    }
  });
  const checks = plan.checks;
  if (ltNow && gtNow) throw new PlanError(site.field, "timestamp.lt_now and timestamp.gt_now", "are both set; no time satisfies both");
  if (ltNow) {
    const message = timestampMessages.ltNow();
    checks.push((nanos, ctx) => {
      if (!(nanos < ctx.nowNanos())) ctx.report("timestamp.lt_now", message, formatTimestamp(nanos), { lt_now: true });
    });
  }
  if (gtNow) {
    const message = timestampMessages.gtNow();
    checks.push((nanos, ctx) => {
      if (!(nanos > ctx.nowNanos())) ctx.report("timestamp.gt_now", message, formatTimestamp(nanos), { gt_now: true });
    });
  }
  if (within !== undefined) {
    const span = within;
    const shown = formatDuration(span);
    const message = timestampMessages.within(shown);
    const params = { within: shown };
    // Which side of now is allowed, and whether the far edge is included,
    // follows protoc-gen-validate's three forms; the near side (now itself)
    // is lt_now's or gt_now's to report.
    const inside: (nanos: bigint, now: bigint) => boolean = ltNow
      ? (nanos, now) => nanos >= now - span
      : gtNow
        ? (nanos, now) => nanos <= now + span
        : (nanos, now) => nanos > now - span && nanos < now + span;
    checks.push((nanos, ctx) => {
      if (!inside(nanos, ctx.nowNanos())) ctx.report("timestamp.within", message, formatTimestamp(nanos), params);
    });
  }
  return timeFamilyPlan("timestamp", plan, timestampMessages.required(), { isValid: isValidTimestamp, message: timestampMessages.valid() });
}
