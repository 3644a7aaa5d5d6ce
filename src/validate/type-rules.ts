import { ScalarType, type DescField, type DescMessage } from "@bufbuild/protobuf";
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
import { planEnumRules } from "./rules/enum.js";
import { planInt64Rules, planUInt32Rules } from "./rules/int.js";
import type { MessageFamilyPlan } from "./rules/message.js";
import type { PlanError } from "./plan-error.js";
import { notApplicable, setRuleNames, type RuleSite } from "./rules/rule-fields.js";
import { planStringRules, stringLengthRules } from "./rules/string.js";
import { planTimeFamily } from "./rules/time.js";
import { planTimestampRules } from "./rules/timestamp.js";

type Family = NonNullable<FieldRules["type"]["case"]>;

const NONE: MessageFamilyPlan = { required: undefined, check: undefined };
// A field's `scalar`, `enum` and `message` are those of its elements when it is a list.
const scalar = (type: ScalarType) => (field: DescField) => field.scalar === type;
const message = (typeName: string) => (field: DescField) => field.message?.typeName === typeName;

/** Each member of `FieldRules.type`: its rules message, the values it applies to, and its planner. */
export const FAMILIES: {
  readonly [F in Family]: {
    readonly schema: DescMessage;
    /** Whether the family applies to the field's values (its elements, for lists). */
    readonly appliesTo: (field: DescField) => boolean;
    /** Plans the rules, whose set members are `names` (in declaration order). */
    readonly plan: (rules: never, names: readonly string[], field: DescField, site: RuleSite) => MessageFamilyPlan;
  };
} = {
  int64: { schema: Int64RulesSchema, appliesTo: scalar(ScalarType.INT64), plan: (r, names, _, site) => ({ ...NONE, check: planInt64Rules(r, names, site) }) },
  uint32: { schema: UInt32RulesSchema, appliesTo: scalar(ScalarType.UINT32), plan: (r, names, _, site) => ({ ...NONE, check: planUInt32Rules(r, names, site) }) },
  string: {
    schema: StringRulesSchema,
    appliesTo: scalar(ScalarType.STRING),
    plan: (r, names, _, site) => ({ ...NONE, check: planStringRules(r, names, site), lengths: stringLengthRules(r, names) }),
  },
  bytes: { schema: BytesRulesSchema, appliesTo: scalar(ScalarType.BYTES), plan: (r, names, _, site) => ({ ...NONE, check: planBytesRules(r, names, site) }) },
  enum: { schema: EnumRulesSchema, appliesTo: (field) => field.enum !== undefined, plan: (r, names, field, site) => ({ ...NONE, check: planEnumRules(r, names, field.enum!, site) }) },
  // Planned by the list field planner; here only on a singular value or as items of items, where it never applies.
  repeated: { schema: RepeatedRulesSchema, appliesTo: () => false, plan: () => NONE },
  any: { schema: AnyRulesSchema, appliesTo: message("google.protobuf.Any"), plan: (r, names, _, site) => planAnyRules(r, names, site) },
  // `required`, `const` and the bounds, shared with timestamp (see planTimeFamily).
  duration: { schema: DurationRulesSchema, appliesTo: message("google.protobuf.Duration"), plan: (r, names, _, site) => planTimeFamily("duration", r, names, site) },
  timestamp: { schema: TimestampRulesSchema, appliesTo: message("google.protobuf.Timestamp"), plan: (r, names, _, site) => planTimestampRules(r, names, site) },
};

/**
 * Plans the member of `FieldRules.type` set on `field`'s values (its
 * elements, for lists). Each family applies to one kind of value only
 * (int64 rules to int64 fields, timestamp rules to google.protobuf.Timestamp
 * fields); any other pairing throws a `PlanError` naming the field and the
 * rule, so a rule is never silently skipped.
 */
export function planTypeRules(type: FieldRules["type"] | undefined, field: DescField, site: RuleSite): MessageFamilyPlan {
  if (type === undefined || type.case === undefined) return NONE;
  const family = FAMILIES[type.case];
  if (!family.appliesTo(field)) throw misplacedFamily(type, site);
  return family.plan(type.value as never, setRuleNames(type.value, family.schema, type.case, site), field, site);
}

/** The error for a family set where it does not apply, named by its first set member (`string.min_len`) or the family. */
export function misplacedFamily(type: Exclude<FieldRules["type"], { case: undefined }>, site: RuleSite): PlanError {
  const names = setRuleNames(type.value, FAMILIES[type.case].schema, type.case, site);
  return notApplicable(site, names.length > 0 ? `${type.case}.${names[0]}` : type.case);
}
