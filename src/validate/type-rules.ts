import { ScalarType, type DescEnum, type DescMessage } from "@bufbuild/protobuf";
import {
  AnyRulesSchema,
  BytesRulesSchema,
  DurationRulesSchema,
  EnumRulesSchema,
  Int64RulesSchema,
  RepeatedRulesSchema,
  StringRulesSchema,
  TimestampRulesSchema,
  UInt32RulesSchema,
  type FieldRules,
} from "../../gen/validate/validate_pb.js";
import { planAnyRules } from "./rules/any.js";
import { planBytesRules } from "./rules/bytes.js";
import { planDurationRules } from "./rules/duration.js";
import { planEnumRules } from "./rules/enum.js";
import { planInt64Rules, planUInt32Rules } from "./rules/int.js";
import type { MessageFamilyPlan } from "./rules/message.js";
import { notApplicable, setRuleNames, type RuleSite } from "./rules/rule-fields.js";
import { planStringRules, stringLengthRules } from "./rules/string.js";
import { planTimestampRules } from "./rules/timestamp.js";

/** The kind of value a type rule is applied to: a field's value, or the elements of a list. */
export type ValueTarget =
  | { readonly kind: "scalar"; readonly scalar: ScalarType }
  | { readonly kind: "enum"; readonly enum: DescEnum }
  | { readonly kind: "message"; readonly message: DescMessage };

/** The rules message schema of each member of `FieldRules.type`. */
export const FAMILY_SCHEMAS: Record<NonNullable<FieldRules["type"]["case"]>, DescMessage> = {
  int64: Int64RulesSchema,
  uint32: UInt32RulesSchema,
  string: StringRulesSchema,
  bytes: BytesRulesSchema,
  enum: EnumRulesSchema,
  repeated: RepeatedRulesSchema,
  any: AnyRulesSchema,
  duration: DurationRulesSchema,
  timestamp: TimestampRulesSchema,
};

const NONE: MessageFamilyPlan = { required: undefined, check: undefined };

/**
 * Plans the member of `FieldRules.type` set on a value of kind `target`.
 * Each family applies to one kind of value only (int64 rules to int64
 * fields, timestamp rules to google.protobuf.Timestamp fields); any other
 * pairing throws a `PlanError` naming the field and the rule, so a rule is
 * never silently skipped. `repeated` is planned by the list field planner and
 * is rejected here (it reaches here only on a singular value or as items of
 * items).
 */
export function planTypeRules(type: FieldRules["type"] | undefined, target: ValueTarget, site: RuleSite): MessageFamilyPlan {
  if (type === undefined || type.case === undefined) return NONE;
  const mismatch = () => {
    const names = setRuleNames(type.value, FAMILY_SCHEMAS[type.case], type.case, site);
    return notApplicable(site, names.length > 0 ? `${type.case}.${names[0]}` : type.case);
  };
  switch (type.case) {
    case "int64":
      if (target.kind !== "scalar" || target.scalar !== ScalarType.INT64) throw mismatch();
      return { required: undefined, check: planInt64Rules(type.value, site) };
    case "uint32":
      if (target.kind !== "scalar" || target.scalar !== ScalarType.UINT32) throw mismatch();
      return { required: undefined, check: planUInt32Rules(type.value, site) };
    case "string":
      if (target.kind !== "scalar" || target.scalar !== ScalarType.STRING) throw mismatch();
      return { required: undefined, check: planStringRules(type.value, site), lengths: stringLengthRules(type.value, site) };
    case "bytes":
      if (target.kind !== "scalar" || target.scalar !== ScalarType.BYTES) throw mismatch();
      return { required: undefined, check: planBytesRules(type.value, site) };
    case "enum":
      if (target.kind !== "enum") throw mismatch();
      return { required: undefined, check: planEnumRules(type.value, target.enum, site) };
    case "any":
      if (target.kind !== "message" || target.message.typeName !== "google.protobuf.Any") throw mismatch();
      return planAnyRules(type.value, site);
    case "duration":
      if (target.kind !== "message" || target.message.typeName !== "google.protobuf.Duration") throw mismatch();
      return planDurationRules(type.value, site);
    case "timestamp":
      if (target.kind !== "message" || target.message.typeName !== "google.protobuf.Timestamp") throw mismatch();
      return planTimestampRules(type.value, site);
    case "repeated":
      throw mismatch();
  }
}
