import { ScalarType, type DescMessage } from "@bufbuild/protobuf";
import { integerStringPattern, upToPattern } from "./decimal-range.js";
import type { SchemaObject } from "./print.js";
import { integerRange, scalarSchema } from "./scalar-schema.js";

/**
 * The well-known types whose proto3 JSON form is not a plain object of
 * fields, described once each (their protos carry no comments in the request).
 */

/**
 * A calendar date: days up to each month's length, and February 29 only in
 * leap years (divisible by 4 and not by 100, or by 400). protoc refuses
 * 2026-02-31; protobuf-es hands the string to Date.parse, which rolls it
 * over to March 3, so the schema has to say it.
 */
const datePattern =
  "(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))" +
  "|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)";

/**
 * RFC 3339 with an upper-case `T` and `Z` or a numeric offset, zero to nine
 * fractional digits, years 0001 to 9999 (protobuf-es also rejects an offset
 * that moves the instant outside that range; the rule engine never sees it).
 */
export const timestampPattern = `^(?!0000)${datePattern}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,9})?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$`;

/** Seconds with up to nine fractional digits and an `s`, within ±315,576,000,000 s. */
export const durationPattern = `^-?0*${upToPattern(315576000000n)}(?:\\.[0-9]{1,9})?s$`;

const wrapperScalars: ReadonlyMap<string, ScalarType> = new Map([
  ["google.protobuf.DoubleValue", ScalarType.DOUBLE],
  ["google.protobuf.FloatValue", ScalarType.FLOAT],
  ["google.protobuf.Int64Value", ScalarType.INT64],
  ["google.protobuf.UInt64Value", ScalarType.UINT64],
  ["google.protobuf.Int32Value", ScalarType.INT32],
  ["google.protobuf.UInt32Value", ScalarType.UINT32],
  ["google.protobuf.BoolValue", ScalarType.BOOL],
  ["google.protobuf.StringValue", ScalarType.STRING],
  ["google.protobuf.BytesValue", ScalarType.BYTES],
]);

/**
 * The JSON types a message takes in proto3 JSON: `object` for ordinary
 * messages, the special form of a well-known type, or none at all for
 * `google.protobuf.Value` (any JSON value, null included).
 */
export function messageJsonTypes(desc: DescMessage): readonly string[] {
  const wrapped = wrapperScalars.get(desc.typeName);
  if (wrapped !== undefined) return scalarSchema(wrapped, undefined).types;
  switch (desc.typeName) {
    case "google.protobuf.Timestamp":
    case "google.protobuf.Duration":
    case "google.protobuf.FieldMask":
      return ["string"];
    case "google.protobuf.ListValue":
      return ["array"];
    case "google.protobuf.Value":
      return [];
    default:
      return ["object"];
  }
}

/**
 * The `$defs` entry of a well-known type with a special JSON form, or
 * undefined for an ordinary message. Like every definition it states no
 * `type`: the referring schema does, so that it can add `"null"`.
 */
export function wellKnownDef(desc: DescMessage, ref: (typeName: string) => string): SchemaObject | undefined {
  const title = desc.typeName;
  const wrapped = wrapperScalars.get(desc.typeName);
  if (wrapped !== undefined) {
    return { title, description: "A wrapped scalar: the bare value, or null for none.", ...scalarSchema(wrapped, undefined).keywords };
  }
  switch (desc.typeName) {
    case "google.protobuf.Timestamp":
      return { title, description: 'An RFC 3339 date-time, such as "2026-11-21T10:00:00.125Z".', pattern: timestampPattern };
    case "google.protobuf.Duration":
      return { title, description: 'Seconds with an "s" suffix, such as "1.5s".', pattern: durationPattern };
    case "google.protobuf.FieldMask":
      return { title, description: "Comma-separated lowerCamelCase field paths.", pattern: "^(?:[A-Za-z0-9.]+(?:,[A-Za-z0-9.]+)*)?$" };
    case "google.protobuf.Struct":
      return { title, description: "A JSON object.", additionalProperties: { $ref: ref("google.protobuf.Value") } };
    case "google.protobuf.Value":
      return { title, description: "Any JSON value." };
    case "google.protobuf.ListValue":
      return { title, description: "A JSON array.", items: { $ref: ref("google.protobuf.Value") } };
    case "google.protobuf.Any":
      return {
        title,
        description:
          'A packed message: "@type" names its type URL; the other keys are its fields, or "value" for a type with a special JSON form. An empty object is an empty Any.',
        properties: { "@type": { type: "string", minLength: 1 } },
        if: { minProperties: 1 },
        then: { required: ["@type"] },
      };
    default:
      return undefined;
  }
}

/** The pattern of a map key of an integer or bool type, or undefined when any string is a key. */
export function mapKeyPattern(scalar: ScalarType): string | undefined {
  if (scalar === ScalarType.BOOL) return "^(?:true|false)$";
  const range = integerRange(scalar);
  return range === undefined ? undefined : integerStringPattern(range.min, range.max);
}
