import { ScalarType, type DescField, type DescMessage } from "@bufbuild/protobuf";

/**
 * The rules of one field as the wire walk checks them; built by a
 * {@link RuleSource} (the validator's planner), opaque to the walk except
 * for what it must read from the bytes.
 */
export interface FieldRules {
  /** The field must be present (`message.required`, `timestamp.required`, `any.required`). */
  readonly required: boolean;
  /** Whether the field's messages (its value, elements or map values) are checked with their own rules. */
  readonly descends: boolean;
  /** The rule on the field's value (of each element, for lists), or undefined. */
  readonly value: ValueRule | undefined;
  /** The rule on a list's element count (`repeated.min_items`), or undefined. */
  readonly count: ((count: number) => boolean) | undefined;
  /** The input of an enclosing message's {@link WireRelation} that the field's value feeds, or -1. */
  readonly input: number;
}

/** A rule on one value: its string lengths from the bytes, or a test of the decoded value. */
export interface ValueRule {
  /** For strings whose only rules are lengths: the bounds, checked from the UTF-8 bytes. */
  readonly lengths: StringLengths | undefined;
  /** Whether the value, decoded as protobuf-es decodes it, passes; `context` is the walk's. */
  readonly test: ((value: unknown, context: unknown) => boolean) | undefined;
}

/** Bounds on a string's length in code points and in UTF-8 bytes; `ignoreEmpty` exempts "". */
export interface StringLengths {
  readonly minChars: number;
  readonly maxChars: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly ignoreEmpty: boolean;
}

/** The rules of a message type, for the wire walk. */
export interface TypeRules {
  /** By field number. */
  readonly fields: ReadonlyMap<number, FieldRules>;
  /** Oneofs of which some member must be set, as their members' field numbers. */
  readonly requiredOneofs: readonly (readonly number[])[];
  /** Relations between the elements of a list (the trace's event order); the walk checks one per type. */
  readonly relations: readonly WireRelation[];
}

/**
 * A relation between the elements of list field `list` (a trace's events in socket order), checked as the verdict
 * walk reads them, by a fresh `check()` per message: the walk feeds it the fields whose rules name an `input` (a
 * Timestamp or Duration as seconds and nanos, any other message as its presence, a varint as its low and high words).
 */
export interface WireRelation {
  readonly list: number;
  check(): RelationCheck;
}

/** The state of a {@link WireRelation} over one message's elements. */
export interface RelationCheck {
  /** Input `input` of the current element was read as `a`, `b`. */
  feed(input: number, a: number, b: number): void;
  /** The current element, as decoded, stands for its inputs (its walk was cut short); `undefined` when they are not known. */
  replace(element: unknown): void;
  /** The current element ends: whether the elements so far certainly keep the relation. */
  next(): boolean;
}

/** Where the rules of message types come from (the validator's planner). */
export interface RuleSource {
  rulesOf(schema: DescMessage): TypeRules | undefined;
}

/** What the walk knows about one field, precomputed per type. */
export interface FieldPlan {
  readonly name: string;
  readonly number: number;
  /** How the field's type reads in messages: `int64`, `message`. */
  readonly typeLabel: string;
  /** The wire type of one value (of one element, for lists). */
  readonly wireType: number;
  /** A repeated numeric field, which may also arrive packed: its element size (0 for varints). */
  readonly packedElementSize: number;
  /** Index among the singular fields, for duplicates and oneofs; -1 for lists and maps. */
  readonly slot: number;
  /** Bitmask of the slots of the other members of the field's oneof (slots below 31), 0 if none. */
  readonly oneofSiblings: number;
  /** Index into {@link MessagePlan.oneofs}, or -1. */
  readonly oneofIndex: number;
  /** The scalar type of the value (of elements, of map values), or -1 for messages; enums read as int32. */
  readonly scalar: number;
  /** Whether the decoder rejects invalid UTF-8 in this string field. */
  readonly utf8: boolean;
  /** The message type of the field, its elements or its map values. */
  readonly child: MessagePlan | undefined;
  readonly map: MapPlan | undefined;
  readonly list: boolean;
  /** A `google.protobuf.Struct` field outside a Value, which protobuf-es holds as a JSON object. */
  readonly holdsJson: boolean;
  /** The field's rules, when its message is checked with rules. */
  readonly rules: FieldRules | undefined;
}

/** The key and value of a map field's entries. */
export interface MapPlan {
  readonly keyScalar: ScalarType;
  readonly keyWireType: number;
  readonly valueWireType: number;
  readonly keyUtf8: boolean;
  readonly valueUtf8: boolean;
}

/** The compiled plan of a message type. */
export interface MessagePlan {
  readonly schema: DescMessage;
  /** Whether this is `google.protobuf.Any`, whose packed message the walk may follow. */
  readonly isAny: boolean;
  /** Whether this is `google.protobuf.Value`, which must have a kind (and a finite number) to print as JSON. */
  readonly isValue: boolean;
  /** 1 for `google.protobuf.Timestamp`, 2 for `Duration`, 0 otherwise: types with a range to print as JSON. */
  readonly time: 0 | 1 | 2;
  /** Fields by number for small numbers (the common case), without hashing. */
  readonly dense: readonly (FieldPlan | undefined)[];
  readonly sparse: ReadonlyMap<number, FieldPlan>;
  readonly oneofs: readonly { readonly name: string; readonly members: readonly string[] }[];
  /** Slots that must be seen (required singular fields). */
  readonly requiredSlots: number;
  /** One mask of slots per required oneof; some slot of each must be seen. */
  readonly requiredOneofs: readonly number[];
  /** List fields with a count rule. */
  readonly countedLists: readonly FieldPlan[];
  readonly rules: TypeRules | undefined;
  /** The relation the walk checks on this type's elements, and whether a field of this type feeds one ({@link FieldRules.input}). */
  readonly relation: WireRelation | undefined;
  readonly feeds: boolean;
  /** Set when a rule cannot be read from the wire (presence beyond 31 slots, two relations): the walk cannot prove the message valid. */
  readonly undecidable: boolean;
  /** Whether the walk checks anything once the fields are read (an Any, a Value, a time, rules): most types need one test. */
  readonly checksAtEnd: boolean;
}

const DENSE_LIMIT = 64;
const bareCache = new WeakMap<DescMessage, MessagePlan>();
const ruledCaches = new WeakMap<RuleSource, WeakMap<DescMessage, MessagePlan>>();

/**
 * The plan of `schema`, cached per descriptor: without rules (the codec's
 * walk), or with the rules `source` gives (the validator's). Child plans
 * are built as needed; recursive types terminate on the cache.
 */
export function messagePlan(schema: DescMessage, source?: RuleSource): MessagePlan {
  let cache = bareCache;
  if (source !== undefined) {
    cache = ruledCaches.get(source) ?? new WeakMap();
    ruledCaches.set(source, cache);
  }
  const cached = cache.get(schema);
  if (cached !== undefined) return cached;
  const rules = source?.rulesOf(schema);
  const dense: (FieldPlan | undefined)[] = [];
  const sparse = new Map<number, FieldPlan>();
  const slots = new Map<DescField, number>();
  for (const field of schema.fields) if (field.fieldKind !== "list" && field.fieldKind !== "map") slots.set(field, slots.size);
  const slotOf = (number: number) => slots.get(schema.fields.find((f) => f.number === number)!) ?? -1;
  const mask = (numbers: readonly number[]) => numbers.reduce((m, n) => m | (1 << slotOf(n)), 0);
  const requiredNumbers = [...(rules?.fields ?? [])].filter(([, r]) => r.required).map(([n]) => n);
  const presence = [...requiredNumbers, ...(rules?.requiredOneofs.flat() ?? [])];
  const countedLists: FieldPlan[] = [];
  const isAny = schema.typeName === "google.protobuf.Any";
  const isValue = schema.typeName === "google.protobuf.Value";
  const time = schema.typeName === "google.protobuf.Timestamp" ? 1 : schema.typeName === "google.protobuf.Duration" ? 2 : 0;
  const plan: MessagePlan = {
    schema,
    isAny,
    isValue,
    time,
    dense,
    sparse,
    oneofs: schema.oneofs.map((o) => ({ name: o.name, members: o.fields.map((f) => f.name) })),
    requiredSlots: mask(requiredNumbers),
    requiredOneofs: rules?.requiredOneofs.map(mask) ?? [],
    countedLists,
    rules,
    relation: rules?.relations[0],
    feeds: [...(rules?.fields.values() ?? [])].some((r) => r.input >= 0),
    undecidable: presence.some((n) => slotOf(n) < 0 || slotOf(n) >= 31) || (rules?.relations.length ?? 0) > 1,
    checksAtEnd: isAny || isValue || time !== 0 || rules !== undefined,
  };
  cache.set(schema, plan);
  for (const field of schema.fields) {
    const slot = slots.get(field) ?? -1;
    let oneofSiblings = 0;
    for (const sibling of field.oneof?.fields ?? []) {
      const s = slots.get(sibling)!;
      if (sibling !== field && s < 31) oneofSiblings |= 1 << s;
    }
    const fieldRules = rules?.fields.get(field.number);
    const childSource = fieldRules?.descends === true ? source : undefined;
    const planned = planField(field, slot, oneofSiblings, schema.oneofs.indexOf(field.oneof!), fieldRules, childSource);
    if (fieldRules?.count !== undefined) countedLists.push(planned);
    if (field.number < DENSE_LIMIT) dense[field.number] = planned;
    else sparse.set(field.number, planned);
  }
  return plan;
}

function planField(
  field: DescField,
  slot: number,
  oneofSiblings: number,
  oneofIndex: number,
  rules: FieldRules | undefined,
  childSource: RuleSource | undefined,
): FieldPlan {
  // Group-encoded (proto2 groups, editions' DELIMITED) message fields start with a start-group tag.
  const messageWireType = (field as { readonly delimitedEncoding?: boolean }).delimitedEncoding === true ? 3 : 2;
  // The type of one value: of the field, of each element, of each map value.
  const child = field.message;
  const scalar: number = field.enum !== undefined ? ScalarType.INT32 : (field.scalar ?? -1);
  const valueLabel = child !== undefined ? "message" : field.enum !== undefined ? "enum" : ScalarType[scalar]!.toLowerCase();
  const typeLabel = field.fieldKind === "map" ? "map" : field.fieldKind === "list" ? `repeated ${valueLabel}` : valueLabel;
  // Map entries are length-delimited messages.
  const wireType = field.fieldKind === "map" ? 2 : scalar >= 0 ? scalarWireType(scalar) : messageWireType;
  const map: MapPlan | undefined =
    field.fieldKind === "map"
      ? {
          keyScalar: field.mapKey,
          keyWireType: scalarWireType(field.mapKey),
          valueWireType: scalar < 0 ? 2 : scalarWireType(scalar),
          keyUtf8: field.mapKey === ScalarType.STRING && field.utf8Validation,
          valueUtf8: scalar === ScalarType.STRING && field.utf8Validation,
        }
      : undefined;
  const packable = field.fieldKind === "list" && scalar >= 0 && scalar !== ScalarType.STRING && scalar !== ScalarType.BYTES;
  // Every field gets all properties in one order (one hidden class), so the walk reads them monomorphically.
  return {
    name: field.name,
    number: field.number,
    typeLabel,
    wireType,
    packedElementSize: packable ? (wireType === 5 ? 4 : wireType === 1 ? 8 : 0) : -1,
    slot,
    oneofSiblings,
    oneofIndex,
    scalar,
    utf8: scalar === ScalarType.STRING && field.fieldKind !== "map" && field.utf8Validation,
    child: child === undefined ? undefined : messagePlan(child, childSource),
    map,
    list: field.fieldKind === "list",
    holdsJson: field.fieldKind === "message" && field.message.typeName === "google.protobuf.Struct" && field.parent.typeName !== "google.protobuf.Value",
    rules,
  };
}

/** The wire type a scalar's values use. */
export function scalarWireType(scalar: ScalarType): number {
  switch (scalar) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return 2;
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return 1;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return 5;
    default:
      return 0;
  }
}
