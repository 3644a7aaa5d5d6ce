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

type Family = NonNullable<FieldRules["type"]["case"]>;

const NONE: MessageFamilyPlan = { required: undefined, check: undefined };
const scalar = (type: ScalarType) => (t: ValueTarget) => t.kind === "scalar" && t.scalar === type;
const message = (typeName: string) => (t: ValueTarget) => t.kind === "message" && t.message.typeName === typeName;

/** Each member of `FieldRules.type`: its rules message, the values it applies to, and its planner. */
export const FAMILIES: {
  readonly [F in Family]: {
    readonly schema: DescMessage;
    readonly appliesTo: (target: ValueTarget) => boolean;
    readonly plan: (rules: never, target: ValueTarget, site: RuleSite) => MessageFamilyPlan;
  };
} = {
  int64: { schema: Int64RulesSchema, appliesTo: scalar(ScalarType.INT64), plan: (r, _, site) => ({ ...NONE, check: planInt64Rules(r, site) }) },
  uint32: { schema: UInt32RulesSchema, appliesTo: scalar(ScalarType.UINT32), plan: (r, _, site) => ({ ...NONE, check: planUInt32Rules(r, site) }) },
  string: {
    schema: StringRulesSchema,
    appliesTo: scalar(ScalarType.STRING),
    plan: (r, _, site) => ({ ...NONE, check: planStringRules(r, site), lengths: stringLengthRules(r, site) }),
  },
  bytes: { schema: BytesRulesSchema, appliesTo: scalar(ScalarType.BYTES), plan: (r, _, site) => ({ ...NONE, check: planBytesRules(r, site) }) },
  enum: {
    schema: EnumRulesSchema,
    appliesTo: (t) => t.kind === "enum",
    plan: (r, t, site) => ({ ...NONE, check: planEnumRules(r, (t as { enum: DescEnum }).enum, site) }),
  },
  // Planned by the list field planner; here only on a singular value or as items of items, where it never applies.
  repeated: { schema: RepeatedRulesSchema, appliesTo: () => false, plan: () => NONE },
  any: { schema: AnyRulesSchema, appliesTo: message("google.protobuf.Any"), plan: (r, _, site) => planAnyRules(r, site) },
  duration: { schema: DurationRulesSchema, appliesTo: message("google.protobuf.Duration"), plan: (r, _, site) => planDurationRules(r, site) },
  timestamp: { schema: TimestampRulesSchema, appliesTo: message("google.protobuf.Timestamp"), plan: (r, _, site) => planTimestampRules(r, site) },
};

/**
 * Plans the member of `FieldRules.type` set on a value of kind `target`.
 * Each family applies to one kind of value only (int64 rules to int64
 * fields, timestamp rules to google.protobuf.Timestamp fields); any other
 * pairing throws a `PlanError` naming the field and the rule, so a rule is
 * never silently skipped.
 */
export function planTypeRules(type: FieldRules["type"] | undefined, target: ValueTarget, site: RuleSite): MessageFamilyPlan {
  if (type === undefined || type.case === undefined) return NONE;
  const family = FAMILIES[type.case];
  if (!family.appliesTo(target)) {
    const names = setRuleNames(type.value, family.schema, type.case, site);
    throw notApplicable(site, names.length > 0 ? `${type.case}.${names[0]}` : type.case);
  }
  return family.plan(type.value as never, target, site);
}
