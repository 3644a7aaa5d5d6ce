import type { TimestampRules } from "../../../gen/validate/validate_pb.js";
import { formatDuration, formatTimestamp, totalNanos } from "../format.js";
import { PlanError } from "../plan-error.js";
import type { MessageFamilyPlan } from "./message.js";
import type { RuleSite } from "./rule-fields.js";
import { planTimeFamily, type NanosCheck } from "./time.js";

/** The message of `timestamp.valid`, also used where a timestamp is checked outside the rule engine. */
export const timestampMessages = {
  valid: () => "value is not a valid timestamp",
};

/**
 * Plans `(validate.rules).timestamp` on a google.protobuf.Timestamp field:
 * `required`, `const`, the bounds, and the rules relative to the validation
 * time (`ValidateOptions.now`):
 *
 * - `lt_now`: before now; with `within`, also no earlier than now − within.
 * - `gt_now`: after now; with `within`, also no later than now + within.
 * - `within` alone: strictly between now − within and now + within.
 *
 * These are protoc-gen-validate's conditions; each part that fails is
 * reported under its own rule id (`timestamp.lt_now`, `timestamp.within`).
 */
export function planTimestampRules(rules: TimestampRules, names: readonly string[], site: RuleSite): MessageFamilyPlan {
  let ltNow = false;
  let gtNow = false;
  let within: bigint | undefined;
  const accepts = (name: string): boolean => {
    if (name === "lt_now") ltNow = rules.ltNow;
    else if (name === "gt_now") gtNow = rules.gtNow;
    else if (name !== "within") return false;
    else if ((within = totalNanos(rules.within!)) <= 0n) throw new PlanError(site.field, "timestamp.within", "must be a positive duration");
    return true;
  };
  const checks = (): NanosCheck[] => {
    if (ltNow && gtNow) throw new PlanError(site.field, "timestamp.lt_now and timestamp.gt_now", "are both set; no time satisfies both");
    const out: NanosCheck[] = [];
    if (ltNow) {
      out.push((nanos, ctx) => {
        if (!(nanos < ctx.nowNanos())) ctx.report("timestamp.lt_now", "value must be less than now", formatTimestamp(nanos), { lt_now: true });
      });
    }
    if (gtNow) {
      out.push((nanos, ctx) => {
        if (!(nanos > ctx.nowNanos())) ctx.report("timestamp.gt_now", "value must be greater than now", formatTimestamp(nanos), { gt_now: true });
      });
    }
    if (within !== undefined) {
      const span = within;
      const shown = formatDuration(span);
      const message = `value must be within ${shown} of now`;
      // Which side of now is allowed, and whether the far edge is included,
      // follows protoc-gen-validate's three forms; the near side (now itself)
      // is lt_now's or gt_now's to report.
      const inside: (nanos: bigint, now: bigint) => boolean = ltNow
        ? (nanos, now) => nanos >= now - span
        : gtNow
          ? (nanos, now) => nanos <= now + span
          : (nanos, now) => nanos > now - span && nanos < now + span;
      out.push((nanos, ctx) => {
        if (!inside(nanos, ctx.nowNanos())) ctx.report("timestamp.within", message, formatTimestamp(nanos), { within: shown });
      });
    }
    return out;
  };
  return planTimeFamily("timestamp", rules, names, site, { accepts, checks });
}
