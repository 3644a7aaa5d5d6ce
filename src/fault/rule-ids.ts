/**
 * Every rule id the package emits for a fault of the encoding or a relation
 * between messages, declared once. The ids of `(validate.rules)` come from
 * protoc-gen-validate's names (`string.min_len`, `message.required`), built
 * by each rule family from validate.proto's own field names.
 */

/** Faults of protobuf binary, found by the wire walk (see `src/wire/`). */
export const WireRule = {
  /** The data ends inside a tag, a value or a length-delimited field. */
  truncated: "wire.truncated",
  /** A length runs past its enclosing message, is written with more than 5 bytes, or is 2³¹ or more. */
  invalidLength: "wire.invalid_length",
  /** A varint longer than 10 bytes. */
  invalidVarint: "wire.invalid_varint",
  /** Field number 0, or a tag longer than 5 bytes or wider than 32 bits. */
  invalidTag: "wire.invalid_tag",
  /** Wire type 6 or 7. */
  invalidWireType: "wire.invalid_wire_type",
  /** A known field with a wire type its type never uses. */
  wireTypeMismatch: "wire.wire_type_mismatch",
  /** An unmatched start- or end-group tag. */
  invalidGroup: "wire.invalid_group",
  /** A string field (or map key or value) that is not UTF-8. */
  invalidUtf8: "wire.invalid_utf8",
  /** Nesting deeper than the decoder's limit. */
  depthLimit: "wire.depth_limit",
  /** A field other than key (1) and value (2) inside a map entry, which protobuf-es misreads. */
  mapEntryField: "wire.map_entry_field",
  /** A map entry's message value written twice: Google's runtime merges the two, protobuf-es keeps the last. */
  mapEntryRepeatedValue: "wire.map_entry_repeated_value",
  /**
   * What a `google.protobuf.Struct` field, which protobuf-es holds as a JSON
   * object, cannot keep: an unknown field inside, a `Value` with no kind, a
   * `null_value` other than 0.
   */
  structUnrepresentable: "wire.struct_unrepresentable",
  /** A message packed in an `Any` of a known type that does not decode faithfully (the inner fault is named in the message). */
  anyPayload: "wire.any_payload",
  /** The string map key `__proto__`, which a plain-object map cannot hold. */
  forbiddenKey: "wire.forbidden_key",
  /** A field number the type does not declare (a warning: binary keeps it, JSON and text cannot). */
  unknownField: "wire.unknown_field",
  /** A singular field more than once (a warning: the decoder keeps the last, or merges). */
  duplicateField: "wire.duplicate_field",
  /** A decoder failure the walk could not name. */
  malformed: "wire.malformed",
} as const;

/** Relations between the events of a tap trace (warnings). */
export const TraceRule = {
  /** An event's timestamp is earlier than the latest before it. */
  timestampOrder: "trace.timestamp_order",
  /** A write after a write that ended the stream. */
  writeAfterEndStream: "trace.write_after_end_stream",
} as const;

/** Rules of oneofs: protoc-gen-validate's `(validate.required)` and the package's own `multiple`. */
export const OneofRule = {
  required: "oneof.required",
  /** Two members of one oneof in one message (binary and JSON input can say so). */
  multiple: "oneof.multiple",
} as const;

/** Faults of JSON input. */
export const JsonRule = {
  syntax: "json.syntax",
  depth: "json.depth",
  duplicateKey: "json.duplicate_key",
  duplicateName: "json.duplicate_name",
  forbiddenKey: "json.forbidden_key",
  /** A lone UTF-16 surrogate in a string or key, which UTF-8 cannot hold. */
  loneSurrogate: "json.lone_surrogate",
  unknownField: "json.unknown_field",
  type: "json.type",
  range: "json.range",
  enum: "json.enum",
  mapKey: "json.map_key",
  any: "json.any",
  duration: "json.duration",
  timestamp: "json.timestamp",
  fieldMask: "json.field_mask",
  schema: "json.schema",
} as const;

/** Faults of text-format input, and of input as a whole. */
export const InputRule = {
  /** Text format that protobuf-es' text parser refuses (and the default id of text decode errors). */
  textSyntax: "text.syntax",
  /** A message longer than the configured limit. */
  tooLarge: "input.too_large",
  /** An input that holds no message (the CLI's `--allow-empty` accepts it). */
  empty: "input.empty",
} as const;

/** Findings of the tap trace reader and reassembly (`src/tap`). */
export const TapRule = {
  /** The input's content fits both tap APIs (or neither); the reader chose one. */
  typeAmbiguous: "trace.type_ambiguous",
  /** A v3 Connection whose field numbering (pre-1.28 or current) could not be told for sure. */
  connectionLayout: "trace.connection_layout",
  /** Fragments of one connection disagree about its id or addresses. */
  connectionConflict: "trace.connection_conflict",
  /** A fragment or trace with events and no connection. */
  noConnection: "trace.no_connection",
  /** Events read before their connection. */
  eventBeforeConnection: "trace.event_before_connection",
  /** A gap in the seq_num sequence of a connection. */
  seqGap: "trace.seq_gap",
  /** Two events of a connection with the same seq_num. */
  seqDuplicate: "trace.seq_duplicate",
  /** A body cut at the tap's limit, or reads or writes dropped (read_truncated, write_truncated). */
  truncated: "trace.truncated",
  /** An event without a timestamp. */
  missingTimestamp: "trace.missing_timestamp",
  /** An address a capture cannot carry (pipe, Envoy internal, named port), replaced by a placeholder. */
  placeholderAddress: "trace.placeholder_address",
  /** A field the tap messages do not declare, at the top level of a binary trace. */
  unknownField: "trace.unknown_field",
} as const;
