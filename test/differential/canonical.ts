import { fromBinary, ScalarType, type DescField, type DescMessage, type Message } from "@bufbuild/protobuf";
import { reflect, type ReflectMessage } from "@bufbuild/protobuf/reflect";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { withLeadingByteOrderMarks } from "../../src/wire/read-scalar.js";
import { registry } from "../../src/registry.js";

/**
 * The canonical form of a decoded message, built identically from a
 * protobuf-es message here and from a Google message in google-worker.py,
 * so that "decodes the same value" is one string comparison:
 *
 * - a message is an object keyed by field number (as a string), holding only
 *   the fields that are set (proto3 presence: non-default scalars, present
 *   messages, the selected oneof member even at its default, non-empty lists
 *   and maps), plus `unknown` for the unknown fields in wire order;
 * - 64-bit integers are decimal strings, floats the hex of their
 *   little-endian IEEE bits (`nan` for any NaN), bytes hex, enums numbers,
 *   strings themselves;
 * - a map is an object keyed by its keys (as decimal or `true`/`false` for
 *   non-string keys);
 * - an unknown field is `[number, wire type, value]`: varints as unsigned
 *   decimal, fixed values as hex, length-delimited as hex, groups as the
 *   list of their own unknown fields;
 * - a `google.protobuf.Any` is `{"1": type URL, "2": packed bytes hex,
 *   "packed": canonical form of the packed message | "unknown-type" |
 *   "unparseable"}`, unpacking only types the package registry knows; for
 *   JSON input the packed bytes are left out when they unpack (they depend
 *   on the serializer's field order, not on the input).
 */
export function canonical(schema: DescMessage, message: Message, encoding: "binary" | "json", depth = 0): Record<string, unknown> {
  if (depth > 200) throw new RangeError("canonical form nests too deep");
  const out: Record<string, unknown> = schema.typeName === "google.protobuf.Any" ? canonicalAny(message, encoding, depth) : {};
  if (schema.typeName !== "google.protobuf.Any") {
    const view = reflect(schema, message, false);
    const fields = [...schema.fields].sort((a, b) => a.number - b.number);
    for (const field of fields) {
      if (!view.isSet(field)) continue;
      // Struct, Value and ListValue fields hold plain JSON values in protobuf-es:
      // the reflection API gives them back as the messages they stand for.
      const value = field.fieldKind === "message" ? (view.get(field) as ReflectMessage).message : rawValue(field, message);
      out[String(field.number)] = fieldValue(field, value, encoding, depth);
    }
  }
  const unknown = (message as { $unknown?: { no: number; wireType: WireType; data: Uint8Array }[] }).$unknown;
  if (unknown !== undefined && unknown.length > 0) out["unknown"] = unknown.map((u) => unknownField(u.no, u.wireType, u.data));
  return out;
}

function rawValue(field: DescField, message: Message): unknown {
  const record = message as unknown as Record<string, unknown>;
  if (field.oneof !== undefined) return (record[field.oneof.localName] as { value: unknown }).value;
  return record[field.localName];
}

function fieldValue(field: DescField, value: unknown, encoding: "binary" | "json", depth: number): unknown {
  switch (field.fieldKind) {
    case "scalar":
      return scalar(field.scalar, value);
    case "enum":
      return value;
    case "message":
      return canonical(field.message, value as Message, encoding, depth + 1);
    case "list":
      return (value as unknown[]).map((element) =>
        field.listKind === "message" ? canonical(field.message, element as Message, encoding, depth + 1) : field.listKind === "enum" ? element : scalar(field.scalar, element),
      );
    case "map": {
      const out: Record<string, unknown> = {};
      for (const [key, element] of Object.entries(value as Record<string, unknown>)) {
        out[key] = field.mapKind === "message" ? canonical(field.message, element as Message, encoding, depth + 1) : field.mapKind === "enum" ? element : scalar(field.scalar, element);
      }
      return out;
    }
  }
}

function scalar(type: ScalarType, value: unknown): unknown {
  switch (type) {
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return String(value);
    case ScalarType.DOUBLE:
      return floatBits(value as number, 8);
    case ScalarType.FLOAT:
      return floatBits(value as number, 4);
    case ScalarType.BYTES:
      return hex(value as Uint8Array);
    default:
      return value;
  }
}

function floatBits(value: number, size: 4 | 8): string {
  if (Number.isNaN(value)) return "nan";
  const view = new DataView(new ArrayBuffer(size));
  if (size === 8) view.setFloat64(0, value, true);
  else view.setFloat32(0, value, true);
  return hex(new Uint8Array(view.buffer));
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

function canonicalAny(message: Message, encoding: "binary" | "json", depth: number): Record<string, unknown> {
  const any = message as unknown as { typeUrl: string; value: Uint8Array };
  const out: Record<string, unknown> = {};
  if (any.typeUrl !== "") out["1"] = any.typeUrl;
  if (any.value.length > 0) out["2"] = hex(any.value);
  const packed = registry.getMessage(any.typeUrl.slice(any.typeUrl.lastIndexOf("/") + 1));
  if (packed === undefined) {
    out["packed"] = "unknown-type";
    return out;
  }
  let inner: Message;
  try {
    // As the package's own decoding (and its convert command) reads strings: a leading U+FEFF is kept.
    inner = withLeadingByteOrderMarks(() => fromBinary(packed, any.value, { readUnknownFields: true }));
  } catch {
    out["packed"] = "unparseable";
    return out;
  }
  out["packed"] = canonical(packed, inner, encoding, depth + 1);
  if (encoding === "json") delete out["2"];
  return out;
}

/** An unknown field as stored by protobuf-es (the raw bytes of its value). */
function unknownField(number: number, wireType: WireType, data: Uint8Array): unknown[] {
  switch (wireType) {
    case WireType.Varint: {
      let value = 0n;
      for (let i = data.length - 1; i >= 0; i--) value = (value << 7n) | BigInt(data[i]! & 0x7f);
      return [number, wireType, String(value & 0xffffffffffffffffn)];
    }
    case WireType.Bit64:
    case WireType.Bit32:
      return [number, wireType, hex(data)];
    case WireType.LengthDelimited: {
      const reader = new BinaryReader(data);
      return [number, wireType, hex(reader.bytes())];
    }
    case WireType.StartGroup: {
      const reader = new BinaryReader(data);
      const inner: unknown[] = [];
      for (;;) {
        const [innerNumber, innerType] = reader.tag();
        if (innerType === WireType.EndGroup) break;
        const start = reader.pos;
        reader.skip(innerType, innerNumber);
        inner.push(unknownField(innerNumber, innerType, data.subarray(start, reader.pos)));
      }
      return [number, wireType, inner];
    }
    default:
      return [number, wireType, hex(data)];
  }
}

/** JSON with object keys sorted, so that equal canonical forms are equal strings. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
