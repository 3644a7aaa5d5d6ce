import type { Int64Rules, UInt32Rules } from "../../../gen/validate/validate_pb.js";
import { combineChecks, type ValueCheck } from "../context.js";
import { jsonSafeInteger } from "../format.js";
import { planMembership } from "./membership.js";
import { planRange, type RangeDisplay } from "./range.js";
import { unsupportedRule, type RuleSite } from "./rule-fields.js";

/** The members Int64Rules and UInt32Rules share, over their value type. */
interface IntRules<T> {
  readonly const: T;
  readonly lt: T;
  readonly lte: T;
  readonly gt: T;
  readonly gte: T;
  readonly in: readonly T[];
  readonly notIn: readonly T[];
  readonly ignoreEmpty: boolean;
}

/**
 * Plans `(validate.rules).int64` on an int64 field: `const`, the bounds
 * (see {@link planRange}), `in`, `not_in` and `ignore_empty` (skip the rules
 * for 0). Values may arrive as bigint or, for `jstype = JS_STRING` fields,
 * as decimal strings.
 */
export function planInt64Rules(rules: Int64Rules, names: readonly string[], site: RuleSite): ValueCheck | undefined {
  const display: RangeDisplay<bigint> = { family: "int64", show: (v) => v.toString(), json: jsonSafeInteger };
  return planIntRules(rules, names, display, site, 0n, (value) =>
    typeof value === "bigint" ? value : BigInt(value as string),
  );
}

/** Plans `(validate.rules).uint32` on a uint32 field, with the same members as int64. */
export function planUInt32Rules(rules: UInt32Rules, names: readonly string[], site: RuleSite): ValueCheck | undefined {
  const display: RangeDisplay<number> = { family: "uint32", show: String, json: (v) => v };
  return planIntRules(rules, names, display, site, 0, (value) => value as number);
}

function planIntRules<T extends number | bigint>(
  rules: IntRules<T>,
  names: readonly string[],
  display: RangeDisplay<T>,
  site: RuleSite,
  zero: T,
  convert: (value: unknown) => T,
): ValueCheck | undefined {
  const family = display.family;
  const checks: ((value: T, ctx: Parameters<ValueCheck>[1]) => void)[] = [];
  let ignoreEmpty = false;
  const bounds: { lt?: T; lte?: T; gt?: T; gte?: T } = {};
  for (const name of names) {
    switch (name) {
      case "const": {
        const expected = rules.const;
        const message = `value must equal ${display.show(expected)}`;
        const params = { const: display.json(expected) };
        checks.push((value, ctx) => {
          if (value !== expected) ctx.report(`${family}.const`, message, display.json(value), params);
        });
        break;
      }
      case "lt":
      case "lte":
      case "gt":
      case "gte":
        bounds[name] = rules[name];
        break;
      case "in":
      case "not_in":
        checks.push(planMembership(family, name, rules, (value: T) => value, display.json));
        break;
      case "ignore_empty":
        // Explicit presence: `ignore_empty: false` is set, and means no exemption.
        ignoreEmpty = rules.ignoreEmpty;
        break;
      default:
        throw unsupportedRule(site, `${family}.${name}`);
    }
  }
  const range = planRange(bounds, display, site);
  if (range !== undefined) checks.splice(names.includes("const") ? 1 : 0, 0, range);
  const combined = combineChecks(checks as unknown as ValueCheck[]);
  if (combined === undefined) return undefined;
  return (value, ctx) => {
    const converted = convert(value);
    if (ignoreEmpty && converted === zero) return;
    combined(converted, ctx);
  };
}
