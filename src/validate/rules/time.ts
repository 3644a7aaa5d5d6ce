import { combineChecks, type EvalContext, type ValueCheck } from "../context.js";
import { jsonSafeInteger, totalNanos } from "../format.js";
import type { MessageFamilyPlan } from "./message.js";
import { planRange, type RangeDisplay } from "./range.js";
import { unsupportedRule, type RuleSite } from "./rule-fields.js";

/** A seconds-and-nanos message: google.protobuf.Duration or Timestamp. */
interface SecondsNanos {
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

/** What {@link planTimeRules} planned: the presence rule, and the checks of a set value so far. */
export interface TimeRulesPlan {
  readonly required: boolean;
  readonly checks: NanosCheck[];
}

/**
 * Plans the members the duration and timestamp families share: `required`,
 * `const` and the bounds (see `planRange`), compared exactly in nanoseconds.
 * Every other member of `names` goes to `other`, which returns false for one
 * it does not know either; planning then throws.
 */
export function planTimeRules(
  rules: TimeRules,
  names: readonly string[],
  display: RangeDisplay<bigint>,
  constMessage: (shown: string) => string,
  site: RuleSite,
  other: (name: string) => boolean = () => false,
): TimeRulesPlan {
  const family = display.family;
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
        const shown = display.show(expected);
        const message = constMessage(shown);
        checks.push((nanos, ctx) => {
          if (nanos !== expected) ctx.report(`${family}.const`, message, display.json(nanos), { const: shown });
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
        if (!other(name)) throw unsupportedRule(site, `${family}.${name}`);
    }
  }
  const range = planRange(bounds, display, site);
  if (range !== undefined) checks.push(range);
  return { required, checks };
}

/** What makes a Duration or Timestamp message a value at all, and protoc-gen-validate's words when it is not. */
export interface TimeValidity {
  readonly isValid: (value: SecondsNanos) => boolean;
  readonly message: string;
}

/**
 * The family plan of a duration or timestamp field: the presence rule, and
 * the checks run on a set value's nanoseconds. As in protoc-gen-validate,
 * a value the comparisons would run on must first be a valid duration or
 * timestamp (seconds and nanos in range; a binary payload can carry any
 * pair): otherwise it is reported as `<family>.valid` and not compared.
 */
export function timeFamilyPlan(family: string, plan: TimeRulesPlan, requiredMessage: string, validity: TimeValidity): MessageFamilyPlan {
  const combined = combineChecks(plan.checks as unknown as ValueCheck[]);
  const ruleId = `${family}.valid`;
  return {
    required: plan.required ? { ruleId: `${family}.required`, message: requiredMessage } : undefined,
    check:
      combined === undefined
        ? undefined
        : (value, ctx) => {
            const time = value as SecondsNanos;
            if (validity.isValid(time)) combined(totalNanos(time), ctx);
            else ctx.report(ruleId, validity.message, { seconds: jsonSafeInteger(time.seconds), nanos: time.nanos });
          },
  };
}
