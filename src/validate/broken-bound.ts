import { create, getOption, hasOption, ScalarType, type DescField } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import { rules as rulesOption, type FieldRules } from "../../gen/validate/validate_pb.js";
import { validate } from "./validate.js";
import type { Violation } from "../fault/violation.js";

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
 * gives (it asks the engine). Undefined when the value meets every bound
 * (or the field has none).
 */
export function brokenBound(field: DescField, element: boolean, value: bigint): BrokenBound | undefined {
  const family = elementRules(field, element)?.type.case;
  if (family !== "int64" && family !== "uint32" && family !== "duration") return undefined;
  const held = family === "duration" ? create(DurationSchema, { seconds: value / 1_000_000_000n, nanos: Number(value % 1_000_000_000n) }) : heldInteger(field, value);
  const broken = engineViolations(field, element, held).find((v) => v.ruleId.startsWith(`${family}.`));
  return broken === undefined ? undefined : { ruleId: broken.ruleId, message: broken.message, value: broken.value };
}

/** An integer as protobuf-es holds it in `field`: a bigint (a string under `jstype = JS_STRING`) for 64-bit types, else a number. */
function heldInteger(field: DescField, value: bigint): unknown {
  const sixtyFour = [ScalarType.INT64, ScalarType.UINT64, ScalarType.SINT64, ScalarType.FIXED64, ScalarType.SFIXED64].includes(field.scalar!);
  if (!sixtyFour) return Number(value);
  return "longAsString" in field && field.longAsString ? String(value) : value;
}

/**
 * What the rule engine reports for `value` held by `field` (as its one
 * element, when `element`; `undefined` leaves the field at its default, as
 * a JSON null does), alone in a message of the field's type: the field's
 * own rules, in the engine's ids, words and values.
 */
export function engineViolations(field: DescField, element: boolean, value: unknown): Violation[] {
  const message = create(field.parent) as unknown as Record<string, unknown>;
  if (value !== undefined) {
    const held = element ? [value] : value;
    if (field.oneof === undefined) message[field.localName] = held;
    else message[field.oneof.localName] = { case: field.localName, value: held };
  }
  const path = element ? `${field.name}[0]` : field.name;
  return validate(field.parent, message as never).violations.filter((v) => v.path === path);
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
