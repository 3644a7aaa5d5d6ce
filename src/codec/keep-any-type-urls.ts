import { fromBinary, toBinary, type DescField, type DescMessage, type Message, type Registry } from "@bufbuild/protobuf";
import { hasCustomJsonRepresentation } from "@bufbuild/protobuf/wkt";
import { hasAny } from "./type-reach.js";

const ANY = "google.protobuf.Any";

/**
 * Puts back every `google.protobuf.Any` type URL as the JSON document gave
 * it. protobuf-es's `fromJson` packs with `type.googleapis.com/` whatever
 * prefix the `@type` had; Google's runtime keeps the URL as written, and so
 * does the package. `message` is the result of `fromJson(schema, value)`;
 * it is changed in place (packed messages are re-packed after their own
 * `Any` fields are restored).
 */
export function keepAnyTypeUrls(schema: DescMessage, message: Message, value: unknown, registry: Registry): void {
  if (!hasAny(schema) || !isObject(value)) return;
  if (schema.typeName === ANY) {
    restoreAny(message as unknown as { typeUrl: string; value: Uint8Array }, value, registry);
    return;
  }
  const record = message as unknown as Record<string, unknown>;
  for (const [key, child] of Object.entries(value)) {
    const field = schema.fields.find((f) => f.jsonName === key || f.name === key);
    if (field?.message === undefined || child === null || !hasAny(field.message)) continue;
    const held = field.oneof !== undefined ? (record[field.oneof.localName] as { case?: string; value?: unknown }) : undefined;
    const current = held !== undefined ? (held.case === field.localName ? held.value : undefined) : record[field.localName];
    restoreField(field, field.message, current, child, registry);
  }
}

function restoreField(field: DescField, desc: DescMessage, current: unknown, json: unknown, registry: Registry): void {
  if (current === undefined || current === null) return;
  if (field.fieldKind === "list" && Array.isArray(json) && Array.isArray(current)) {
    json.forEach((element, i) => {
      if (current[i] !== undefined) keepAnyTypeUrls(desc, current[i] as Message, element, registry);
    });
  } else if (field.fieldKind === "map" && isObject(json)) {
    const map = current as Record<string, unknown>;
    for (const [key, element] of Object.entries(json)) if (map[key] !== undefined) keepAnyTypeUrls(desc, map[key] as Message, element, registry);
  } else if (field.fieldKind === "message") {
    keepAnyTypeUrls(desc, current as Message, json, registry);
  }
}

function restoreAny(any: { typeUrl: string; value: Uint8Array }, json: Record<string, unknown>, registry: Registry): void {
  const typeUrl = json["@type"];
  if (typeof typeUrl !== "string") return;
  any.typeUrl = typeUrl;
  const packed = registry.getMessage(typeUrl.slice(typeUrl.lastIndexOf("/") + 1));
  if (packed === undefined || !hasAny(packed)) return;
  const inner = fromBinary(packed, any.value);
  keepAnyTypeUrls(packed, inner, hasCustomJsonRepresentation(packed) ? json["value"] : json, registry);
  any.value = toBinary(packed, inner);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
