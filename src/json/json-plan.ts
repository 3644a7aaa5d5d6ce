import type { FieldPlan, MessagePlan } from "../wire/plan.js";

/*
 * The JSON plan of a message type, as the verdict walk (json-verdict.ts)
 * reads it: which keys name which fields, how each value is written. The
 * validator builds it from the descriptors (validate/plan-json.ts), so this
 * folder needs no protobuf runtime.
 */

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
  /** A 64-bit integer held as a string (`jstype = JS_STRING`), bytes with a rule that reads them, and other forms left to the full path. */
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
  /** The JSON plan of the field's message type (of its elements, of its map values). */
  readonly child: JsonMessagePlan | undefined;
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
