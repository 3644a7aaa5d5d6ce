import { ScalarType, type DescField, type DescMessage, type Registry } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { hasAny, hasMap } from "./type-reach.js";

const ANY = "google.protobuf.Any";

/**
 * A map entry in a binary message that the decoded message cannot show
 * faithfully: the key `__proto__`, or a field other than key and value.
 */
export interface WireMapHazard {
  /**
   * `prototype-key`: the string key `__proto__`; `entry-field`: field
   * `fieldNumber` inside the entry; `any-depth`: messages packed in `Any`
   * nest deeper than {@link MAX_ANY_NESTING}, and are not walked further.
   */
  readonly kind: "prototype-key" | "entry-field" | "any-depth";
  /** The proto field path of the map (`items[1].labels`). */
  readonly path: string;
  /** Offset of the map field's tag of that entry (of the foreign field's tag, for `entry-field`), relative to the message's first byte. */
  readonly offset: number;
  /** For `entry-field`: the number of the field found in the entry. */
  readonly fieldNumber?: number;
}

/**
 * Finds the first map entry of a binary message that `fromBinary` decoded
 * but cannot have decoded faithfully:
 *
 * - a string key `__proto__`: protobuf-es stores maps in plain objects,
 *   where that key replaces the prototype (object values) or is silently
 *   dropped (primitive values);
 * - a field other than key (1) and value (2) inside an entry: valid
 *   protobuf, but protobuf-es does not skip it and reads on as if a tag
 *   followed, so the entry decodes to garbage.
 *
 * The decoded message shows neither: only the wire can. The walk reads the
 * bytes exactly as `fromBinary` does (by field kind, the last key of an
 * entry winning, one leading byte order mark stripped from strings), so that
 * it sees the keys the decoder saw. Types without maps are not walked.
 *
 * With a `registry`, the message packed in a `google.protobuf.Any` of a type
 * it knows is walked too: the binary message keeps the packed bytes as they
 * are, but JSON and text output unpack them with the same decoder.
 */
export function findWireMapHazard(schema: DescMessage, bytes: Uint8Array, registry?: Registry): WireMapHazard | undefined {
  if (!hasMap(schema) && !(registry !== undefined && hasAny(schema))) return undefined;
  const reader = new BinaryReader(bytes);
  return readMessage(schema, reader, bytes.length, -1, registry);
}

/**
 * Reads a message until `end`, or until the end-group tag when `groupNumber`
 * is not -1; returns the path relative to this message.
 */
function readMessage(schema: DescMessage, reader: BinaryReader, end: number, groupNumber: number, registry: Registry | undefined): WireMapHazard | undefined {
  if (schema.typeName === ANY && groupNumber === -1) return readAny(reader, end, registry);
  const listCounts = new Map<number, number>();
  while (reader.pos < end) {
    const tagOffset = reader.pos;
    const [number, wireType] = reader.tag();
    if (groupNumber !== -1 && wireType === WireType.EndGroup) return undefined;
    const field = schema.fields.find((f) => f.number === number);
    if (field === undefined) {
      reader.skip(wireType, number);
      continue;
    }
    let found: WireMapHazard | undefined;
    switch (field.fieldKind) {
      case "scalar":
        skipScalar(reader, field.scalar);
        break;
      case "enum":
        reader.int32();
        break;
      case "message":
        found = within(field.name, readMessageField(field.delimitedEncoding, number, field.message, reader, registry));
        break;
      case "list": {
        if (field.listKind === "message") {
          const index = listCounts.get(number) ?? 0;
          listCounts.set(number, index + 1);
          found = within(`${field.name}[${index}]`, readMessageField(field.delimitedEncoding, number, field.message, reader, registry));
        } else {
          const scalar = field.listKind === "enum" ? ScalarType.INT32 : field.scalar;
          if (wireType === WireType.LengthDelimited && scalar !== ScalarType.STRING && scalar !== ScalarType.BYTES) {
            const packedEnd = reader.uint32() + reader.pos;
            while (reader.pos < packedEnd) skipScalar(reader, scalar);
          } else skipScalar(reader, scalar);
        }
        break;
      }
      case "map":
        found = readMapEntry(field, reader, tagOffset, registry);
        break;
    }
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Reads a message value; group-encoded (`delimited`) values end at the end-group tag of `number`. */
function readMessageField(delimited: boolean, number: number, message: DescMessage, reader: BinaryReader, registry: Registry | undefined): WireMapHazard | undefined {
  // As the decoder: a group reads to its end-group tag, bounded only by the whole input.
  if (delimited) return readMessage(message, reader, reader.len, number, registry);
  const length = reader.uint32();
  return readMessage(message, reader, reader.pos + length, -1, registry);
}

/** Reads one entry of `field`; `tagOffset` is where the entry's tag is. */
function readMapEntry(field: DescField & { fieldKind: "map" }, reader: BinaryReader, tagOffset: number, registry: Registry | undefined): WireMapHazard | undefined {
  const end = reader.uint32() + reader.pos;
  let key = "";
  let inValue: WireMapHazard | undefined;
  while (reader.pos < end) {
    const fieldOffset = reader.pos;
    const [number] = reader.tag();
    if (number === 1) {
      if (field.mapKey === ScalarType.STRING) key = reader.string();
      else skipScalar(reader, field.mapKey);
    } else if (number === 2) {
      if (field.mapKind === "scalar") skipScalar(reader, field.scalar);
      else if (field.mapKind === "enum") reader.int32();
      else inValue = readMessageField(false, 2, field.message, reader, registry) ?? inValue;
    } else {
      // The decoder reads on from here as if a tag followed.
      return { kind: "entry-field", path: field.name, offset: fieldOffset, fieldNumber: number };
    }
  }
  if (field.mapKey === ScalarType.STRING && key === "__proto__") return { kind: "prototype-key", path: field.name, offset: tagOffset };
  return inValue === undefined ? undefined : within(`${field.name}[${JSON.stringify(key)}]`, inValue);
}

/**
 * Reads an Any (type URL 1, value 2; the last of each wins, as in the
 * decoder) and walks its value as the type the registry names, when it
 * knows it; offsets found inside are made relative to this message's bytes.
 * The path goes on inside the Any, as JSON shows the packed fields.
 */
function readAny(reader: BinaryReader, end: number, registry: Registry | undefined): WireMapHazard | undefined {
  const anyStart = reader.pos;
  let typeUrl = "";
  let value: Uint8Array | undefined;
  let valueStart = 0;
  while (reader.pos < end) {
    const [number, wireType] = reader.tag();
    if (number === 1 && wireType === WireType.LengthDelimited) typeUrl = reader.string();
    else if (number === 2 && wireType === WireType.LengthDelimited) {
      value = reader.bytes();
      valueStart = reader.pos - value.length;
    } else reader.skip(wireType, number);
  }
  const packed = registry?.getMessage(typeUrl.slice(typeUrl.lastIndexOf("/") + 1));
  if (value === undefined || packed === undefined) return undefined;
  // Each level walks with a reader of its own, so the depth is counted here.
  if (anyNesting >= MAX_ANY_NESTING) return { kind: "any-depth", path: "", offset: anyStart };
  anyNesting++;
  let found: WireMapHazard | undefined;
  try {
    found = findWireMapHazard(packed, value, registry);
  } catch {
    // fromBinary never reads packed bytes; unpacking them for output fails
    // on its own, with its own error, so nothing is lost silently here.
    return undefined;
  } finally {
    anyNesting--;
  }
  return found === undefined ? undefined : { ...found, offset: found.offset + valueStart };
}

/** How deep messages packed in `Any` are walked; a deeper one is refused (hostile input, not a real payload). */
export const MAX_ANY_NESTING = 100;
/** The `Any` levels the walk is inside now (the walk is synchronous). */
let anyNesting = 0;

/** Prefixes a path found inside the field at `prefix`. */
function within(prefix: string, found: WireMapHazard | undefined): WireMapHazard | undefined {
  return found === undefined ? undefined : { ...found, path: found.path === "" ? prefix : `${prefix}.${found.path}` };
}

/** Reads past one scalar as the decoder reads it. */
function skipScalar(reader: BinaryReader, scalar: ScalarType): void {
  switch (scalar) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      reader.bytes();
      return;
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      reader.skip(WireType.Bit64);
      return;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      reader.skip(WireType.Bit32);
      return;
    case ScalarType.INT32:
    case ScalarType.UINT32:
    case ScalarType.SINT32:
      reader.uint32();
      return;
    default:
      reader.uint64();
  }
}
