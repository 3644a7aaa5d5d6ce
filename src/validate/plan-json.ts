import { ScalarType, type DescField, type DescMessage } from "@bufbuild/protobuf";
import { MessageForm, ValueForm, type JsonFieldPlan, type JsonMessagePlan } from "../json/json-plan.js";
import type { MessagePlan } from "../wire/plan.js";

const plans = new WeakMap<MessagePlan, JsonMessagePlan>();

const FORMS: Readonly<Record<string, MessageForm>> = {
  "google.protobuf.Timestamp": MessageForm.Timestamp,
  "google.protobuf.Duration": MessageForm.Duration,
  "google.protobuf.Struct": MessageForm.Struct,
  "google.protobuf.Value": MessageForm.Value,
  "google.protobuf.ListValue": MessageForm.ListValue,
  "google.protobuf.Empty": MessageForm.Empty,
};

/**
 * The JSON plan of a wire plan's type (and of every type it holds), for the
 * verdict walk of `src/json/`; cached per wire plan, so per descriptor and
 * rule source.
 */
export function planJson(wire: MessagePlan): JsonMessagePlan {
  const cached = plans.get(wire);
  if (cached !== undefined) return cached;
  const schema: DescMessage = wire.schema;
  const form = FORMS[schema.typeName] ?? (schema.file.proto.package === "google.protobuf" ? MessageForm.Undecided : MessageForm.Fields);
  const counted: JsonFieldPlan[] = [];
  const keys: string[] = [];
  const fieldOfKey: JsonFieldPlan[] = [];
  const plan: JsonMessagePlan = { wire, form, keys, fieldOfKey, counted };
  // Cached before its fields are planned: recursive types (Struct, Value) end on the cache.
  plans.set(wire, plan);
  const fields = schema.fields.map((field, index): JsonFieldPlan => {
    const planned = field.number < wire.dense.length ? wire.dense[field.number]! : wire.sparse.get(field.number)!;
    const countIndex = wire.countedLists.indexOf(planned);
    const enumType = field.enum;
    const form = valueForm(field);
    const fieldPlan: JsonFieldPlan = {
      wire: planned,
      index,
      // A rule that reads bytes needs them decoded: left to the full path.
      form: form === ValueForm.Bytes && planned.rules?.value?.test !== undefined ? ValueForm.Undecided : form,
      enumNames: enumType?.values.map((v) => v.name) ?? [],
      enumNumbers: enumType?.values.map((v) => v.number) ?? [],
      struct: field.fieldKind === "message" && field.message.typeName === "google.protobuf.Struct",
      countIndex,
      child: planned.child === undefined ? undefined : planJson(planned.child),
    };
    if (countIndex >= 0) counted[countIndex] = fieldPlan;
    return fieldPlan;
  });
  for (const plan of fields) {
    keys.push(schema.fields[plan.index]!.jsonName);
    fieldOfKey.push(plan);
  }
  for (const plan of fields) {
    const field = schema.fields[plan.index]!;
    if (field.name !== field.jsonName) {
      keys.push(field.name);
      fieldOfKey.push(plan);
    }
  }
  return plan;
}

function valueForm(field: DescField): ValueForm {
  if (field.message !== undefined) return ValueForm.Message;
  if (field.enum !== undefined) return ValueForm.Enum;
  if ("longAsString" in field && field.longAsString) return ValueForm.Undecided;
  switch (field.scalar) {
    case ScalarType.STRING:
      return ValueForm.String;
    case ScalarType.BOOL:
      return ValueForm.Bool;
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return ValueForm.Int32;
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return ValueForm.Uint32;
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return ValueForm.Int64;
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return ValueForm.Uint64;
    case ScalarType.FLOAT:
      return ValueForm.Float;
    case ScalarType.DOUBLE:
      return ValueForm.Double;
    case ScalarType.BYTES:
      return ValueForm.Bytes;
    default:
      return ValueForm.Undecided;
  }
}
