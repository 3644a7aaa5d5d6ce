import { combineChecks, type EvalContext, type ValueCheck } from "../context.js";
import { PlanError } from "../plan-error.js";
import type { RuleSite } from "./rule-fields.js";

/** The four bound rules of the numeric, duration and timestamp families, each optional. */
export interface RangeBounds<T> {
  readonly lt?: T | undefined;
  readonly lte?: T | undefined;
  readonly gt?: T | undefined;
  readonly gte?: T | undefined;
}

/** How a family shows its values. */
export interface RangeDisplay<T> {
  /** The family prefix of rule ids: `int64`, `duration`. */
  readonly family: string;
  /** A value inside a message: `25`, `0.025s`. */
  show(value: T): string;
  /** A value in `params` and `value`: JSON-friendly. */
  json(value: T): unknown;
}

/** A planned range check on an already converted value. */
export type RangeCheck<T> = (value: T, ctx: EvalContext) => void;

interface Bound<T> {
  readonly key: "lt" | "lte" | "gt" | "gte";
  readonly limit: T;
}

function satisfies<T extends number | bigint>(bound: Bound<T>, value: T): boolean {
  switch (bound.key) {
    case "lt":
      return value < bound.limit;
    case "lte":
      return value <= bound.limit;
    case "gt":
      return value > bound.limit;
    case "gte":
      return value >= bound.limit;
  }
}

/** How each bound rule reads in protoc-gen-validate's messages: `value must be greater than 5`. */
export const BOUND_PHRASES = {
  lt: "less than",
  lte: "less than or equal to",
  gt: "greater than",
  gte: "greater than or equal to",
} as const;

/**
 * Plans `lt`/`lte`/`gt`/`gte` exactly as protoc-gen-validate defines them.
 *
 * With one bound, or with a lower bound below the upper bound, each bound is
 * its own rule: a value under `gte: 0` violates `int64.gte`. When the lower
 * bound is at or above the upper bound, PGV reads the pair as the outside of
 * the interval: `gt: 10, lt: 5` allows `x < 5 || x > 10`, and a value between
 * violates the pair as a whole, reported as `int64.gt_lt_exclusive` (the id
 * protovalidate uses) with PGV's message `value must be outside range [5, 10]`.
 * As in PGV, equal bounds are exclusive too: `gte: 5, lte: 5` allows every
 * value, `gt: 5, lt: 5` every value but 5.
 */
export function planRange<T extends number | bigint>(
  bounds: RangeBounds<T>,
  display: RangeDisplay<T>,
  site: RuleSite,
): RangeCheck<T> | undefined {
  const { family } = display;
  if (bounds.lt !== undefined && bounds.lte !== undefined) {
    throw new PlanError(site.field, `${family}.lt and ${family}.lte`, "are both set; set one upper bound");
  }
  if (bounds.gt !== undefined && bounds.gte !== undefined) {
    throw new PlanError(site.field, `${family}.gt and ${family}.gte`, "are both set; set one lower bound");
  }
  const upper: Bound<T> | undefined =
    bounds.lt !== undefined ? { key: "lt", limit: bounds.lt } : bounds.lte !== undefined ? { key: "lte", limit: bounds.lte } : undefined;
  const lower: Bound<T> | undefined =
    bounds.gt !== undefined ? { key: "gt", limit: bounds.gt } : bounds.gte !== undefined ? { key: "gte", limit: bounds.gte } : undefined;

  if (upper !== undefined && lower !== undefined && !(upper.limit > lower.limit)) {
    const ruleId = `${family}.${lower.key}_${upper.key}_exclusive`;
    const open = upper.key === "lt" ? "[" : "(";
    const close = lower.key === "gt" ? "]" : ")";
    const message = `value must be outside range ${open}${display.show(upper.limit)}, ${display.show(lower.limit)}${close}`;
    const params = { [lower.key]: display.json(lower.limit), [upper.key]: display.json(upper.limit) };
    return (value, ctx) => {
      if (!satisfies(upper, value) && !satisfies(lower, value)) ctx.report(ruleId, message, display.json(value), params);
    };
  }
  const checks = [lower, upper].filter((b): b is Bound<T> => b !== undefined).map((bound) => planBound(bound, display));
  return combineChecks(checks as ValueCheck[]) as RangeCheck<T> | undefined;
}

function planBound<T extends number | bigint>(bound: Bound<T>, display: RangeDisplay<T>): RangeCheck<T> {
  const ruleId = `${display.family}.${bound.key}`;
  const message = `value must be ${BOUND_PHRASES[bound.key]} ${display.show(bound.limit)}`;
  const params = { [bound.key]: display.json(bound.limit) };
  const limit = bound.limit;
  // One closure per comparison keeps the hot path to a single compare.
  switch (bound.key) {
    case "lt":
      return (value, ctx) => {
        if (!(value < limit)) ctx.report(ruleId, message, display.json(value), params);
      };
    case "lte":
      return (value, ctx) => {
        if (!(value <= limit)) ctx.report(ruleId, message, display.json(value), params);
      };
    case "gt":
      return (value, ctx) => {
        if (!(value > limit)) ctx.report(ruleId, message, display.json(value), params);
      };
    case "gte":
      return (value, ctx) => {
        if (!(value >= limit)) ctx.report(ruleId, message, display.json(value), params);
      };
  }
}
