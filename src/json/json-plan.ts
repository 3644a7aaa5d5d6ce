import { ScalarType, type DescField, type DescMessage } from "@bufbuild/protobuf";
import type { FieldPlan, MessagePlan } from "../wire/plan.js";

/** How the JSON of a message type is read by the verdict walk. */
export enum MessageForm {
  /** An object of fields. */
  Fields,
  Timestamp,
  Duration,
  /** `google.protobuf.Struct`: a JSON object, free-form. */
  Struct,
  /** `google.protobuf.Value`: any JSON value. */
  Value,
  /** `google.protobuf.ListValue`: a JSON array. */
  ListValue,
  /** `google.protobuf.Empty`: `{}`. */
  Empty,
  /** `Any`, wrappers, `FieldMask` and the other forms of their own: left to the full path. */
  Undecided,
}

/** How one value of a field is written in JSON. */
export enum ValueForm {
  String,
  Bool,
  Int32,
  Uint32,
  Int64,
  Uint64,
  Float,
  Double,
  Bytes,
  Enum,
  Message,
  /** A 64-bit integer held as a string (`jstype = JS_STRING`), and other forms left to the full path. */
  Undecided,
}

/** One field of a {@link JsonMessagePlan}. */
export interface JsonFieldPlan {
  /** The wire plan of the field: slot, oneof siblings, list or map, its rules. */
  readonly wire: FieldPlan;
  /** Position among the type's fields, to catch a field given twice or under both names. */
  readonly index: number;
  readonly form: ValueForm;
  /** Enum value names and numbers, for enum fields. */
  readonly enumNames: readonly string[];
  readonly enumNumbers: readonly number[];
  /** Whether a singular `Struct` field holds the JSON object itself (protobuf-es). */
  readonly struct: boolean;
  /** Index into the message plan's counted fields, or -1. */
  readonly countIndex: number;
  /** The child's JSON plan, filled on first use (recursive types). */
  child: JsonMessagePlan | undefined;
}

/** The JSON plan of one message type: its keys (JSON and proto names) to field plans. */
export interface JsonMessagePlan {
  readonly wire: MessagePlan;
  readonly form: MessageForm;
  /** Every accepted key, JSON names first (protobuf-es and protoc print them); `fieldOfKey[i]` is its field. */
  readonly keys: readonly string[];
  readonly fieldOfKey: readonly JsonFieldPlan[];
  /** Fields whose element count has a rule (`wire.countedLists`), in that order. */
  readonly counted: readonly JsonFieldPlan[];
}

const plans = new WeakMap<MessagePlan, JsonMessagePlan>();

const FORMS: Readonly<Record<string, MessageForm>> = {
  "google.protobuf.Timestamp": MessageForm.Timestamp,
  "google.protobuf.Duration": MessageForm.Duration,
  "google.protobuf.Struct": MessageForm.Struct,
  "google.protobuf.Value": MessageForm.Value,
  "google.protobuf.ListValue": MessageForm.ListValue,
  "google.protobuf.Empty": MessageForm.Empty,
};

/** The JSON plan of a wire plan's type, cached per wire plan (so per descriptor and rule source). */
export function jsonPlan(wire: MessagePlan): JsonMessagePlan {
  const cached = plans.get(wire);
  if (cached !== undefined) return cached;
  const schema: DescMessage = wire.schema;
  const form = FORMS[schema.typeName] ?? (schema.file.proto.package === "google.protobuf" ? MessageForm.Undecided : MessageForm.Fields);
  const counted: JsonFieldPlan[] = [];
  const fields = schema.fields.map((field, index): JsonFieldPlan => {
    const planned = field.number < wire.dense.length ? wire.dense[field.number]! : wire.sparse.get(field.number)!;
    const countIndex = wire.countedLists.indexOf(planned);
    const enumType = field.enum;
    const plan: JsonFieldPlan = {
      wire: planned,
      index,
      form: valueForm(field),
      enumNames: enumType?.values.map((v) => v.name) ?? [],
      enumNumbers: enumType?.values.map((v) => v.number) ?? [],
      struct: field.fieldKind === "message" && field.message.typeName === "google.protobuf.Struct",
      countIndex,
      child: undefined,
    };
    if (countIndex >= 0) counted[countIndex] = plan;
    return plan;
  });
  const keys: string[] = [];
  const fieldOfKey: JsonFieldPlan[] = [];
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
  const plan: JsonMessagePlan = { wire, form, keys, fieldOfKey, counted };
  plans.set(wire, plan);
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
