/**
 * `JSON.parse` reads every number as a double, so `{"nonce": 9007199254740993}`
 * comes back as 9007199254740992 without a word. The proto3 JSON mapping
 * lets 64-bit integers be written as numbers as well as strings, and protoc
 * reads such numbers exactly; so does this (the JSON reader notes each such token): an integer token that a double
 * cannot hold, and that is the value of a 64-bit integer field, is handed to
 * protobuf-es as its exact decimal string (which `fromJson` reads as it reads
 * `"9007199254740993"`).
 *
 * Only such fields change: a `double`, a `google.protobuf.Value` number (a
 * double by definition) or an `int32` keeps JSON number semantics, and a
 * token with a fraction or an exponent (`1.5e20`) is left as it is.
 */
import { ScalarType, type DescExtension, type DescField, type DescMessage, type Registry } from "@bufbuild/protobuf";
import { hasCustomJsonRepresentation, isWrapperDesc } from "@bufbuild/protobuf/wkt";
import { readJson, type JsonRead } from "../json/read-json.js";

/** What the JSON reader gives: the value and the unsafe integer tokens it noted. */
export type ReadValue = Pick<JsonRead, "value" | "unsafeIntegers">;

const SIXTY_FOUR_BIT = new Set([ScalarType.INT64, ScalarType.UINT64, ScalarType.SINT64, ScalarType.FIXED64, ScalarType.SFIXED64]);

/**
 * Reads JSON text as `JSON.parse` does, except that every integer beyond
 * ±2^53 that is the value of a 64-bit integer field of `schema` (singular,
 * a list element, a map value, a packed `Any`'s field, or the bare value of an
 * `Int64Value`/`UInt64Value`) becomes its exact decimal string. Throws the
 * reader's {@link JsonReadError} for invalid JSON.
 */
export function parseJsonExact(schema: DescMessage, text: string, registry: Registry): unknown {
  return keepExactIntegers(schema, readJson(text), registry);
}

/**
 * Puts the exact text of each unsafe integer the reader noted that is the
 * value of a 64-bit integer field into the read value, in place; returns the
 * (possibly replaced) root. A value that is no longer that token's (a later
 * duplicate key replaced it) is left alone.
 */
export function keepExactIntegers(schema: DescMessage, read: ReadValue, registry: Registry): unknown {
  let root = read.value;
  for (const found of read.unsafeIntegers) {
    // Documents with such keys are refused anyway; never walk through a prototype.
    if (found.tokens.includes("__proto__")) continue;
    if (!isSixtyFourBitValue(schema, root, found.tokens, registry)) continue;
    const rounded = Number(found.text);
    if (found.tokens.length === 0) {
      if (root === rounded) root = found.text;
      continue;
    }
    let parent: unknown = root;
    for (const token of found.tokens.slice(0, -1)) parent = childOf(parent, token);
    const last = found.tokens[found.tokens.length - 1]!;
    if (typeof parent === "object" && parent !== null && childOf(parent, last) === rounded) {
      (parent as Record<string, unknown>)[last] = found.text;
    }
  }
  return root;
}

/**
 * What the value at a place of a proto3 JSON document is, found by walking
 * the document alongside the descriptors: the JSON of a message, the fields
 * object of a message (a packed `Any` shares its object with `@type`), the
 * array or object of a repeated or map field, or a scalar.
 */
type Slot =
  | { readonly kind: "message"; readonly desc: DescMessage }
  | { readonly kind: "container"; readonly field: DescField | DescExtension }
  | { readonly kind: "scalar"; readonly scalar: ScalarType };

/**
 * Whether the value at `tokens` in a document of type `schema` is a 64-bit
 * integer: the value (or an element, or a map value) of such a field, or the
 * JSON of an `Int64Value` / `UInt64Value`. Field keys are matched by JSON
 * name and by proto name, extension keys (`[pkg.ext]`) through the registry; free-form JSON (Struct, Value, ListValue), unknown
 * keys and `Any`s of types the registry does not know are not.
 */
function isSixtyFourBitValue(schema: DescMessage, root: unknown, tokens: readonly string[], registry: Registry): boolean {
  let slot: Slot | undefined = { kind: "message", desc: schema };
  let data = root;
  for (const token of tokens) {
    slot = step(slot, data, token, registry);
    if (slot === undefined) return false;
    data = childOf(data, token);
  }
  const scalar = slot.kind === "scalar" ? slot.scalar : slot.kind === "message" && isWrapperDesc(slot.desc) ? slot.desc.fields[0]!.scalar : undefined;
  return scalar !== undefined && SIXTY_FOUR_BIT.has(scalar);
}

/** The slot of the child `token` of `data`, which is in `slot`; undefined when it holds no field value. */
function step(slot: Slot, data: unknown, token: string, registry: Registry): Slot | undefined {
  switch (slot.kind) {
    case "scalar":
      return undefined;
    case "container":
      return valueSlot(slot.field);
    case "message": {
      let desc = slot.desc;
      if (desc.typeName === "google.protobuf.Any") {
        const packed = packedType(data, registry);
        if (packed === undefined) return undefined;
        // A type with its own JSON form sits under "value"; any other type's fields share the Any's object.
        if (hasCustomJsonRepresentation(packed)) return token === "value" ? { kind: "message", desc: packed } : undefined;
        desc = packed;
      } else if (hasCustomJsonRepresentation(desc)) {
        // Struct, Value and ListValue hold free-form JSON (a number there is a double); the others hold no object.
        return undefined;
      }
      const field = desc.fields.find((f) => f.jsonName === token || f.name === token) ?? extensionOf(desc, token, registry);
      if (field === undefined) return undefined;
      return field.fieldKind === "list" || field.fieldKind === "map" ? { kind: "container", field } : valueSlot(field);
    }
  }
}

/** The slot of one value of `field`: its singular value, or one element or map value. */
function valueSlot(field: DescField | DescExtension): Slot | undefined {
  switch (field.fieldKind) {
    case "scalar":
      return { kind: "scalar", scalar: field.scalar };
    case "message":
      return { kind: "message", desc: field.message };
    case "list":
      if (field.listKind === "scalar") return { kind: "scalar", scalar: field.scalar };
      return field.listKind === "message" ? { kind: "message", desc: field.message } : undefined;
    case "map":
      if (field.mapKind === "scalar") return { kind: "scalar", scalar: field.scalar };
      return field.mapKind === "message" ? { kind: "message", desc: field.message } : undefined;
    default:
      return undefined;
  }
}

/** The extension of `desc` a `[full.name]` key sets, when the registry knows it. */
function extensionOf(desc: DescMessage, key: string, registry: Registry): DescExtension | undefined {
  if (!key.startsWith("[") || !key.endsWith("]")) return undefined;
  const extension = registry.getExtension(key.slice(1, -1));
  return extension?.extendee.typeName === desc.typeName ? extension : undefined;
}

/** The message type an Any's `@type` names, when the registry knows it (validate/json-path.ts reads Any JSON with it too). */
export function packedType(data: unknown, registry: Registry): DescMessage | undefined {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return undefined;
  const typeUrl = (data as Record<string, unknown>)["@type"];
  if (typeof typeUrl !== "string") return undefined;
  return registry.getMessage(typeUrl.slice(typeUrl.lastIndexOf("/") + 1));
}

/** An own member of an object or an element of an array (by its JSON pointer token), else undefined. */
export function childOf(data: unknown, token: string): unknown {
  if (Array.isArray(data)) return data[Number(token)];
  if (typeof data === "object" && data !== null && Object.prototype.hasOwnProperty.call(data, token)) {
    return (data as Record<string, unknown>)[token];
  }
  return undefined;
}
