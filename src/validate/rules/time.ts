import { combineChecks, type EvalContext, type ValueCheck } from "../context.js";
import { isPrintableTime } from "../../wire/printable.js";
import { formatDuration, formatTimestamp, jsonSafeInteger, totalNanos } from "../format.js";
import type { MessageFamilyPlan } from "./message.js";
import { planRange, type RangeDisplay } from "./range.js";
import { unsupportedRule, type RuleSite } from "./rule-fields.js";

/** A seconds-and-nanos message: google.protobuf.Duration or Timestamp. */
export interface SecondsNanos {
  readonly seconds: bigint;
  readonly nanos: number;
}

/** The members DurationRules and TimestampRules share, over their own message type. */
interface TimeRules {
  readonly required: boolean;
  readonly const?: SecondsNanos | undefined;
  readonly lt?: SecondsNanos | undefined;
  readonly lte?: SecondsNanos | undefined;
  readonly gt?: SecondsNanos | undefined;
  readonly gte?: SecondsNanos | undefined;
}

/** A planned check of a duration or timestamp, on its total nanoseconds. */
export type NanosCheck = (nanos: bigint, ctx: EvalContext) => void;

/**
 * Whether a Duration (±10,000 years, nanos below a second and of the
 * seconds' sign) or Timestamp (0001-01-01 to 9999-12-31, nanos in [0, 10⁹))
 * is in its type's own range: the wire walk's test, on the decoded value.
 * Seconds beyond 2⁵³ round, but stay far outside either range.
 */
export function isValidTime({ seconds, nanos }: SecondsNanos, timestamp: boolean): boolean {
  return isPrintableTime(Number(seconds), nanos, timestamp);
}

/** Members of one family only (timestamp's `lt_now`, `gt_now`, `within`): `accepts` takes each, `checks` plans them once all are seen. */
export interface OwnTimeRules {
  accepts(name: string): boolean;
  checks(): NanosCheck[];
}

/**
 * Plans the duration and timestamp families: `required`, `const` and the
 * bounds (see `planRange`), compared exactly in nanoseconds (durations shown
 * as `0.025s`, timestamps in RFC 3339), then the family's `own` members.
 * As in protoc-gen-validate, a value the comparisons would run on must first
 * be a valid duration or timestamp (a binary payload can carry any seconds
 * and nanos): otherwise it is reported as `<family>.valid` and not compared.
 */
export function planTimeFamily(
  family: "duration" | "timestamp",
  rules: TimeRules,
  names: readonly string[],
  site: RuleSite,
  own: OwnTimeRules = { accepts: () => false, checks: () => [] },
): MessageFamilyPlan {
  const show = family === "duration" ? formatDuration : formatTimestamp;
  const display: RangeDisplay<bigint> = { family, show, json: show };
  let required = false;
  const checks: NanosCheck[] = [];
  const bounds: { lt?: bigint; lte?: bigint; gt?: bigint; gte?: bigint } = {};
  for (const name of names) {
    switch (name) {
      case "required":
        required = rules.required;
        break;
      case "const": {
        const expected = totalNanos(rules.const!);
        const shown = show(expected);
        checks.push((nanos, ctx) => {
          if (nanos !== expected) ctx.report(`${family}.const`, `value must equal ${shown}`, show(nanos), { const: shown });
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
        if (!own.accepts(name)) throw unsupportedRule(site, `${family}.${name}`);
    }
  }
  const range = planRange(bounds, display, site);
  if (range !== undefined) checks.push(range);
  checks.push(...own.checks());
  const combined = combineChecks(checks as unknown as ValueCheck[]);
  const timestamp = family === "timestamp";
  const invalid = `value is not a valid ${family}`;
  return {
    required: required ? `${family}.required` : undefined,
    check:
      combined === undefined
        ? undefined
        : (value, ctx) => {
            const time = value as SecondsNanos;
            if (isValidTime(time, timestamp)) combined(totalNanos(time), ctx);
            else ctx.report(`${family}.valid`, invalid, { seconds: jsonSafeInteger(time.seconds), nanos: time.nanos });
          },
  };
}
