import { ScalarType, type DescField, type DescMessage, type Registry } from "@bufbuild/protobuf";
import { hasCustomJsonRepresentation } from "@bufbuild/protobuf/wkt";
import { daysInMonth } from "../json/calendar.js";
import { packedType } from "./json-exact-integers.js";

/** A Timestamp or Duration string protobuf-es accepted but the proto3 JSON mapping does not allow. */
export interface LaxWktString {
  /** The proto field path of the value: `events[0].timestamp`. */
  readonly path: string;
  /** The full name of the field holding the value: `envoy.data.tap.v2alpha.Event.timestamp`. */
  readonly field: string;
  /** The JSON key that holds the value, for locating it in the text. */
  readonly key: string;
  /** The offending string itself. */
  readonly value: string;
  readonly reason: string;
}

/**
 * protobuf-es reads a Timestamp with `Date.parse`, which rolls an impossible
 * date over (2026-02-31 becomes March 3, 24:00:00 the next midnight), and a
 * Duration with a pattern open at its end ("1sfoo" reads as 1s). protoc
 * refuses both. This walks a JSON document that protobuf-es has already
 * parsed as `schema` and returns the first such string, or undefined.
 */
export function findLaxWktString(schema: DescMessage, value: unknown, registry: Registry): LaxWktString | undefined {
  return walkValue(schema, value, "", schema.typeName, "", registry);
}

function walkMessage(desc: DescMessage, value: unknown, path: string, holder: string, registry: Registry): LaxWktString | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  if (desc.typeName === "google.protobuf.Any") {
    const packed = packedType(value, registry);
    if (packed === undefined) return undefined;
    // A type with its own JSON form sits under "value" (walked as that type:
    // walking the Any's own object again would never end for a packed Any);
    // any other type's fields share the Any's object.
    if (hasCustomJsonRepresentation(packed)) {
      // Google's runtime reads "@type" and "value" only, and needs "value".
      const extra = Object.keys(value).find((key) => key !== "@type" && key !== "value");
      if (extra !== undefined || !("value" in value)) {
        const reason = extra !== undefined ? `an Any packing ${packed.typeName} takes only "@type" and "value", not ${JSON.stringify(extra)}` : `an Any packing ${packed.typeName} needs "value"`;
        return { path, field: holder, key: extra ?? "@type", value: "", reason };
      }
      return walkValue(packed, (value as Record<string, unknown>)["value"], path, holder, "value", registry);
    }
    return walkMessage(packed, value, path, holder, registry);
  }
  for (const [key, child] of Object.entries(value)) {
    const field = desc.fields.find((f) => f.jsonName === key || f.name === key);
    if (field !== undefined && field.message === undefined && child !== null) {
      const lax = laxScalar(field, child);
      if (lax !== undefined) return { path: path === "" ? field.name : `${path}.${field.name}`, field: `${field.parent.typeName}.${field.name}`, key, value: lax.value, reason: lax.reason };
      continue;
    }
    if (field?.message === undefined || child === null) continue;
    const found = walkField(field, field.message, child, path === "" ? field.name : `${path}.${field.name}`, key, registry);
    if (found !== undefined) return found;
  }
  return undefined;
}

function walkField(field: DescField, desc: DescMessage, value: unknown, path: string, key: string, registry: Registry): LaxWktString | undefined {
  const holder = `${field.parent.typeName}.${field.name}`;
  if (field.fieldKind === "list" && Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = walkValue(desc, value[i], `${path}[${i}]`, holder, key, registry);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (field.fieldKind === "map" && typeof value === "object" && value !== null) {
    for (const [mapKey, mapValue] of Object.entries(value)) {
      const found = walkValue(desc, mapValue, `${path}[${JSON.stringify(mapKey)}]`, holder, mapKey, registry);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return walkValue(desc, value, path, holder, key, registry);
}

function walkValue(desc: DescMessage, value: unknown, path: string, holder: string, key: string, registry: Registry): LaxWktString | undefined {
  const reason = laxReason(desc, value);
  if (reason !== undefined) return { path, field: holder, key, value: value as string, reason };
  return walkMessage(desc, value, path, holder, registry);
}

/**
 * An integer given as a string, or a bytes value in base64, that protobuf-es
 * reads but Google's runtime refuses or reads to other bytes: integer
 * strings must be plain decimal digits (no blanks, U+FEFF, fraction,
 * exponent or hex), base64 must use one alphabet's characters with padding
 * only at the end and a length a decoder agrees on.
 */
function laxScalar(field: DescField, value: unknown): { value: string; reason: string } | undefined {
  const scalar = field.fieldKind === "scalar" || (field.fieldKind === "list" && field.listKind === "scalar") || (field.fieldKind === "map" && field.mapKind === "scalar") ? field.scalar : undefined;
  if (scalar === undefined) return undefined;
  const values = field.fieldKind === "list" && Array.isArray(value) ? value : field.fieldKind === "map" && typeof value === "object" && value !== null ? Object.values(value) : [value];
  for (const element of values) {
    if (typeof element !== "string") continue;
    if (scalar === ScalarType.BYTES) {
      if (!isStrictBase64(element)) return { value: element, reason: `invalid base64 ${JSON.stringify(element.length > 40 ? `${element.slice(0, 40)}...` : element)}` };
    } else if (INTEGER_SCALARS.has(scalar) && !/^-?[0-9]+$/.test(element)) {
      return { value: element, reason: `invalid integer ${JSON.stringify(element)}` };
    }
  }
  return undefined;
}

const INTEGER_SCALARS: ReadonlySet<ScalarType> = new Set([
  ScalarType.INT32, ScalarType.UINT32, ScalarType.SINT32, ScalarType.FIXED32, ScalarType.SFIXED32,
  ScalarType.INT64, ScalarType.UINT64, ScalarType.SINT64, ScalarType.FIXED64, ScalarType.SFIXED64,
]);

/** Base64 (standard or URL-safe), padded to a multiple of 4 or unpadded, never one character past a group. */
function isStrictBase64(text: string): boolean {
  const match = /^([A-Za-z0-9+/_-]*)(={0,2})$/.exec(text);
  if (match === null) return false;
  const body = match[1]!.length;
  const padding = match[2]!.length;
  if (body % 4 === 1) return false;
  return padding === 0 || (body + padding) % 4 === 0;
}

/** Why a Timestamp or Duration string is not allowed, or undefined when it is (or is not such a string). */
function laxReason(desc: DescMessage, value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  if (desc.typeName === "google.protobuf.Duration") {
    return /^-?[0-9]+(?:\.[0-9]{1,9})?s$/.test(value) ? undefined : `invalid duration ${JSON.stringify(value)}`;
  }
  if (desc.typeName !== "google.protobuf.Timestamp") return undefined;
  const match = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2})/.exec(value);
  if (match === null) return undefined;
  const [year, month, day, hour] = match.slice(1).map(Number) as [number, number, number, number];
  const days = month >= 1 && month <= 12 ? daysInMonth(year, month) : 0;
  if (day < 1 || day > days) return `invalid timestamp ${JSON.stringify(value)}: there is no such date`;
  if (hour > 23) return `invalid timestamp ${JSON.stringify(value)}: hours run from 00 to 23`;
  return undefined;
}
