import { ScalarType, type DescField, type DescMessage } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { hasStringKeyedMap } from "./has-string-keyed-map.js";

/** Where a map entry with the key `__proto__` is in a binary message. */
export interface WirePrototypeKey {
  /** The proto field path of the map (`items[1].labels`). */
  readonly path: string;
  /** Offset of the map field's tag of that entry, relative to the message's first byte. */
  readonly offset: number;
}

/**
 * Finds the first string map key `__proto__` in a binary message that
 * `fromBinary` decoded. protobuf-es stores maps in plain objects, where that
 * key replaces the prototype (object values) or is silently dropped
 * (primitive values), so the decoded message cannot show it: only the wire
 * can. The walk reads the bytes exactly as `fromBinary` does (by field kind,
 * the last key of an entry winning, fields other than key and value not
 * skipped, one leading byte order mark stripped from strings), so that it
 * sees the keys the decoder saw. Bytes without the text `__proto__` cannot
 * hold such a key, and are not walked.
 */
export function findWirePrototypeKey(schema: DescMessage, bytes: Uint8Array): WirePrototypeKey | undefined {
  if (!hasStringKeyedMap(schema) || !containsPrototypeText(bytes)) return undefined;
  const reader = new BinaryReader(bytes);
  return readMessage(schema, reader, bytes.length, -1);
}

/** `__proto__` in UTF-8. */
const PROTOTYPE_KEY = Uint8Array.from("__proto__", (c) => c.charCodeAt(0));

function containsPrototypeText(bytes: Uint8Array): boolean {
  const last = bytes.length - PROTOTYPE_KEY.length;
  outer: for (let i = 0; i <= last; i++) {
    for (let j = 0; j < PROTOTYPE_KEY.length; j++) if (bytes[i + j] !== PROTOTYPE_KEY[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * Reads a message until `end`, or until the end-group tag when `groupNumber`
 * is not -1; returns the path relative to this message.
 */
function readMessage(schema: DescMessage, reader: BinaryReader, end: number, groupNumber: number): WirePrototypeKey | undefined {
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
    let found: WirePrototypeKey | undefined;
    switch (field.fieldKind) {
      case "scalar":
        skipScalar(reader, field.scalar);
        break;
      case "enum":
        reader.int32();
        break;
      case "message":
        found = within(field.name, readMessageField(field.delimitedEncoding, number, field.message, reader));
        break;
      case "list": {
        if (field.listKind === "message") {
          const index = listCounts.get(number) ?? 0;
          listCounts.set(number, index + 1);
          found = within(`${field.name}[${index}]`, readMessageField(field.delimitedEncoding, number, field.message, reader));
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
        found = readMapEntry(field, reader, tagOffset);
        break;
    }
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Reads a message value; group-encoded (`delimited`) values end at the end-group tag of `number`. */
function readMessageField(delimited: boolean, number: number, message: DescMessage, reader: BinaryReader): WirePrototypeKey | undefined {
  // As the decoder: a group reads to its end-group tag, bounded only by the whole input.
  if (delimited) return readMessage(message, reader, reader.len, number);
  const length = reader.uint32();
  return readMessage(message, reader, reader.pos + length, -1);
}

/** Reads one entry of `field`; `tagOffset` is where the entry's tag is. */
function readMapEntry(field: DescField & { fieldKind: "map" }, reader: BinaryReader, tagOffset: number): WirePrototypeKey | undefined {
  const end = reader.uint32() + reader.pos;
  let key = "";
  let inValue: WirePrototypeKey | undefined;
  while (reader.pos < end) {
    const [number] = reader.tag();
    if (number === 1) {
      if (field.mapKey === ScalarType.STRING) key = reader.string();
      else skipScalar(reader, field.mapKey);
    } else if (number === 2) {
      if (field.mapKind === "scalar") skipScalar(reader, field.scalar);
      else if (field.mapKind === "enum") reader.int32();
      else inValue = readMessageField(false, 2, field.message, reader) ?? inValue;
    }
    // Any other number: the decoder reads on from here as if a tag followed.
  }
  if (key === "__proto__") return { path: field.name, offset: tagOffset };
  return inValue === undefined ? undefined : within(`${field.name}[${JSON.stringify(key)}]`, inValue);
}

/** Prefixes a path found inside the field at `prefix`. */
function within(prefix: string, found: WirePrototypeKey | undefined): WirePrototypeKey | undefined {
  return found === undefined ? undefined : { path: `${prefix}.${found.path}`, offset: found.offset };
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
