import { getOption, hasOption, isFieldSet, type DescField } from "@bufbuild/protobuf";
import { DurationRulesSchema, Int64RulesSchema, rules as rulesOption, UInt32RulesSchema, type FieldRules } from "../../gen/validate/validate_pb.js";
import { formatDuration, jsonSafeInteger, totalNanos } from "./format.js";
import { BOUND_PHRASES } from "./rules/range.js";

/** A bound rule a value breaks, in the rule engine's words. */
export interface BrokenBound {
  readonly ruleId: string;
  readonly message: string;
  /** The value as the rule engine reports it. */
  readonly value: unknown;
}

/**
 * Which of the field's integer or duration bounds (`int64.gte`,
 * `duration.lte`, ...) `value` breaks: an integer, or a duration in
 * nanoseconds. The generated schema states these bounds as patterns on the
 * JSON strings (and as minimum/maximum on numbers); this names the rule a
 * failed pattern stands for, with the message and value the rule engine
 * gives. Undefined when the value meets every bound (or the field has none).
 */
export function brokenBound(field: DescField, element: boolean, value: bigint): BrokenBound | undefined {
  const type = elementRules(field, element)?.type;
  switch (type?.case) {
    case "int64":
      return check(type.case, value, boundsOf<bigint>(type.value, Int64RulesSchema.field, (b) => b), String, jsonSafeInteger);
    case "uint32":
      return check(type.case, value, boundsOf<number>(type.value, UInt32RulesSchema.field, BigInt), String, Number);
    case "duration":
      return check(type.case, value, boundsOf(type.value, DurationRulesSchema.field, totalNanos), formatDuration, formatDuration);
    default:
      return undefined;
  }
}

/** The field's `(validate.rules)`, if any. */
export function fieldRules(field: DescField): FieldRules | undefined {
  return hasOption(field, rulesOption) ? getOption(field, rulesOption) : undefined;
}

/** The rules that apply to one value of the field: its own, or `repeated.items` for an element. */
export function elementRules(field: DescField, element: boolean): FieldRules | undefined {
  const rules = fieldRules(field);
  if (!element) return rules;
  return rules?.type.case === "repeated" ? rules.type.value.items : undefined;
}

type BoundKey = keyof typeof BOUND_PHRASES;

/** The set bounds of a rules message, as bigints. */
function boundsOf<T>(
  rules: { readonly [K in BoundKey]?: T | undefined },
  fields: Record<BoundKey, Parameters<typeof isFieldSet>[1]>,
  toBigint: (bound: T) => bigint,
): Partial<Record<BoundKey, bigint>> {
  const bounds: Partial<Record<BoundKey, bigint>> = {};
  for (const key of ["gte", "gt", "lte", "lt"] as const) {
    const bound = rules[key];
    if (bound !== undefined && isFieldSet(rules as never, fields[key])) bounds[key] = toBigint(bound);
  }
  return bounds;
}

function check(
  family: string,
  value: bigint,
  bounds: Partial<Record<BoundKey, bigint>>,
  show: (v: bigint) => string,
  json: (v: bigint) => unknown,
): BrokenBound | undefined {
  const broken = (key: BoundKey, limit: bigint): BrokenBound => ({
    ruleId: `${family}.${key}`,
    message: `value must be ${BOUND_PHRASES[key]} ${show(limit)}`,
    value: json(value),
  });
  if (bounds.gte !== undefined && !(value >= bounds.gte)) return broken("gte", bounds.gte);
  if (bounds.gt !== undefined && !(value > bounds.gt)) return broken("gt", bounds.gt);
  if (bounds.lte !== undefined && !(value <= bounds.lte)) return broken("lte", bounds.lte);
  if (bounds.lt !== undefined && !(value < bounds.lt)) return broken("lt", bounds.lt);
  return undefined;
}

/**
 * The value of a proto3 JSON Duration string in nanoseconds, or undefined
 * when it is not one protobuf-es reads (seconds past ±315,576,000,000, more
 * than nine fractional digits, no `s`, ...).
 */
export function durationNanos(text: string): bigint | undefined {
  const match = /^(-?)([0-9]+)(?:\.([0-9]{1,9}))?s$/.exec(text);
  if (match === null) return undefined;
  const seconds = BigInt(match[2]!);
  if (seconds > 315_576_000_000n) return undefined;
  const magnitude = seconds * 1_000_000_000n + BigInt((match[3] ?? "").padEnd(9, "0"));
  return match[1] === "-" ? -magnitude : magnitude;
}
