import { ScalarType, type DescField, type DescMessage } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";

/**
 * What the wire scan needs to know about one field of a message type,
 * precomputed once per type: the wire type to expect, whether a second
 * occurrence is a duplicate, which oneof it belongs to, and where to descend.
 */
export interface WireField {
  readonly name: string;
  readonly number: number;
  /** How the field's type reads in messages: `int64`, `message`. */
  readonly typeLabel: string;
  /** The wire type of one value (of one element, for lists). */
  readonly wireType: WireType;
  /** A repeated numeric field, which may also arrive packed (length-delimited). */
  readonly packedElementSize: 0 | 4 | 8 | undefined;
  /** Index among the singular fields, for duplicate detection; -1 for lists and maps. */
  readonly slot: number;
  /** Bitmask of the slots of the other members of the field's oneof (slots below 31), 0 if none. */
  readonly oneofSiblings: number;
  /** Index into {@link WirePlan.oneofs}, or -1. */
  readonly oneofIndex: number;
  /** Whether a second occurrence merges (messages) rather than replaces (scalars). */
  readonly merges: boolean;
  /** Whether the decoder rejects invalid UTF-8 in this string field. */
  readonly utf8: boolean;
  /** The message type to descend into: of the field, its elements or its map values. */
  readonly child: WirePlan | undefined;
  /** Set for map fields. */
  readonly map: WireMapEntry | undefined;
  /** For path segments: whether the field is a list (elements get an index). */
  readonly list: boolean;
}

/** The key and value of a map field's entries. */
export interface WireMapEntry {
  readonly keyScalar: ScalarType;
  readonly keyWireType: WireType;
  readonly valueWireType: WireType;
  readonly valueUtf8: boolean;
  readonly keyUtf8: boolean;
}

/** The wire plan of a message type. */
export interface WirePlan {
  readonly schema: DescMessage;
  /** Fields by number for small numbers (the common case), without hashing. */
  readonly dense: readonly (WireField | undefined)[];
  readonly sparse: ReadonlyMap<number, WireField>;
  readonly oneofs: readonly { readonly name: string; readonly members: readonly string[] }[];
}

const cache = new WeakMap<DescMessage, WirePlan>();
const DENSE_LIMIT = 64;

/** The wire plan of `schema` (and, lazily, of what it contains), cached per descriptor. */
export function wirePlan(schema: DescMessage): WirePlan {
  const cached = cache.get(schema);
  if (cached !== undefined) return cached;
  const dense: (WireField | undefined)[] = [];
  const sparse = new Map<number, WireField>();
  const plan: WirePlan = {
    schema,
    dense,
    sparse,
    oneofs: schema.oneofs.map((o) => ({ name: o.name, members: o.fields.map((f) => f.name) })),
  };
  // Cached before the fields are planned, so recursive types (Struct, Value)
  // terminate when their fields plan the types they contain.
  cache.set(schema, plan);
  const slots = new Map<DescField, number>();
  for (const field of schema.fields) {
    if (field.fieldKind !== "list" && field.fieldKind !== "map") slots.set(field, slots.size);
  }
  for (const field of schema.fields) {
    const slot = slots.get(field) ?? -1;
    let oneofSiblings = 0;
    if (field.oneof !== undefined) {
      for (const sibling of field.oneof.fields) {
        const s = slots.get(sibling)!;
        if (sibling !== field && s < 31) oneofSiblings |= 1 << s;
      }
    }
    const planned = planWireField(field, slot, oneofSiblings, field.oneof === undefined ? -1 : schema.oneofs.indexOf(field.oneof));
    if (field.number < DENSE_LIMIT) dense[field.number] = planned;
    else sparse.set(field.number, planned);
  }
  return plan;
}

/**
 * Every field gets all properties in one order (one hidden class), so the
 * scan's hot loop reads them monomorphically.
 */
function makeField(
  field: DescField,
  slot: number,
  oneofSiblings: number,
  oneofIndex: number,
  typeLabel: string,
  wireType: WireType,
  packedElementSize: 0 | 4 | 8 | undefined,
  utf8: boolean,
  child: WirePlan | undefined,
  map: WireMapEntry | undefined,
): WireField {
  return {
    name: field.name,
    number: field.number,
    typeLabel,
    wireType,
    packedElementSize,
    slot,
    oneofSiblings,
    oneofIndex,
    merges: field.fieldKind === "message",
    utf8,
    child,
    map,
    list: field.fieldKind === "list",
  };
}

function planWireField(field: DescField, slot: number, oneofSiblings: number, oneofIndex: number): WireField {
  const make = (
    typeLabel: string,
    wireType: WireType,
    packedElementSize: 0 | 4 | 8 | undefined,
    utf8: boolean,
    child: WirePlan | undefined,
    map: WireMapEntry | undefined,
  ) => makeField(field, slot, oneofSiblings, oneofIndex, typeLabel, wireType, packedElementSize, utf8, child, map);
  switch (field.fieldKind) {
    case "scalar":
      return make(
        ScalarType[field.scalar].toLowerCase(),
        scalarWireType(field.scalar),
        undefined,
        field.scalar === ScalarType.STRING && field.utf8Validation,
        undefined,
        undefined,
      );
    case "enum":
      return make("enum", WireType.Varint, undefined, false, undefined, undefined);
    case "message":
      return make("message", field.delimitedEncoding ? WireType.StartGroup : WireType.LengthDelimited, undefined, false, wirePlan(field.message), undefined);
    case "list": {
      const scalar = field.listKind === "scalar" ? field.scalar : field.listKind === "enum" ? ScalarType.INT32 : undefined;
      const wireType =
        field.listKind === "message" ? (field.delimitedEncoding ? WireType.StartGroup : WireType.LengthDelimited) : scalarWireType(scalar!);
      const packable = scalar !== undefined && scalar !== ScalarType.STRING && scalar !== ScalarType.BYTES;
      return make(
        field.listKind === "message" ? "repeated message" : `repeated ${field.listKind === "enum" ? "enum" : ScalarType[scalar!].toLowerCase()}`,
        wireType,
        packable ? (wireType === WireType.Bit32 ? 4 : wireType === WireType.Bit64 ? 8 : 0) : undefined,
        scalar === ScalarType.STRING && field.utf8Validation,
        field.listKind === "message" ? wirePlan(field.message) : undefined,
        undefined,
      );
    }
    case "map": {
      const map: WireMapEntry = {
        keyScalar: field.mapKey,
        keyWireType: scalarWireType(field.mapKey),
        valueWireType: field.mapKind === "scalar" ? scalarWireType(field.scalar) : field.mapKind === "enum" ? WireType.Varint : WireType.LengthDelimited,
        keyUtf8: field.mapKey === ScalarType.STRING && field.utf8Validation,
        valueUtf8: field.mapKind === "scalar" && field.scalar === ScalarType.STRING && field.utf8Validation,
      };
      return make("map", WireType.LengthDelimited, undefined, false, field.mapKind === "message" ? wirePlan(field.message) : undefined, map);
    }
  }
}

/** The wire type a scalar's values use. */
export function scalarWireType(scalar: ScalarType): WireType {
  switch (scalar) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return WireType.LengthDelimited;
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return WireType.Bit64;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return WireType.Bit32;
    default:
      return WireType.Varint;
  }
}
