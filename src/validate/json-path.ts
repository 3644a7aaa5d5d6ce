import { ScalarType, type DescField, type DescMessage, type Registry } from "@bufbuild/protobuf";
import { hasCustomJsonRepresentation } from "@bufbuild/protobuf/wkt";
import { childOf, packedType } from "../codec/json-exact-integers.js";
import { MapKeySegment, type PathSegment } from "../fault/path.js";

export { packedType };

/**
 * What a value inside a proto3 JSON document stands for, found by walking the
 * document alongside the message descriptors:
 *
 * - `message`: a JSON object holding the fields of `desc` (the root, a
 *   message field's value, or the object a packed `Any` shares with its
 *   `@type`);
 * - `value`: the value of `field` (its singular value, or one element or map
 *   value when `element` is true);
 * - `container`: the array of a repeated field or the object of a map field;
 * - `json`: free-form JSON (inside a Struct, Value or ListValue, under an
 *   unknown key, or in an Any whose type is not known).
 */
export type JsonSlot =
  | { readonly kind: "message"; readonly desc: DescMessage }
  | { readonly kind: "value"; readonly field: DescField; readonly element: boolean }
  | { readonly kind: "container"; readonly field: DescField }
  | { readonly kind: "json" };

/** A place in a JSON document: its proto path and what the value there stands for. */
export interface JsonPlace {
  readonly segments: readonly PathSegment[];
  readonly slot: JsonSlot;
  /** The value at the place (undefined when the path leaves the document). */
  readonly data: unknown;
}

/** Splits a JSON pointer (`/a/0/b~1c`) into its unescaped reference tokens. */
export function parseJsonPointer(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/**
 * Finds the field a JSON key sets: by JSON name or by proto name (the proto3
 * JSON mapping accepts both).
 */
export function fieldForJsonKey(desc: DescMessage, key: string): DescField | undefined {
  return desc.fields.find((f) => f.jsonName === key || f.name === key);
}

/**
 * Walks `tokens` (a JSON pointer's tokens) from the root of a document of
 * type `schema`, naming every step with proto names: `/addedTunnels/0/createdAt`
 * becomes `added_tunnels[0].created_at`, a map key becomes `["k"]`.
 */
export function resolveJsonPlace(schema: DescMessage, root: unknown, tokens: readonly string[], registry: Registry): JsonPlace {
  const segments: PathSegment[] = [];
  let slot: JsonSlot = { kind: "message", desc: schema };
  let data: unknown = root;
  for (const token of tokens) {
    slot = enterMessage(slot, data, registry);
    const next = childOf(data, token);
    switch (slot.kind) {
      case "message": {
        const field = slot.desc.typeName === "google.protobuf.Any" ? undefined : fieldForJsonKey(slot.desc, token);
        if (field === undefined) {
          segments.push(Array.isArray(data) ? Number(token) : keySegment(token));
          slot = { kind: "json" };
        } else {
          segments.push(field.name);
          slot = field.fieldKind === "list" || field.fieldKind === "map" ? { kind: "container", field } : { kind: "value", field, element: false };
        }
        break;
      }
      case "container": {
        const field = slot.field;
        if (field.fieldKind === "map") {
          segments.push(new MapKeySegment(token, field.mapKey === ScalarType.STRING));
        } else {
          segments.push(Number(token));
        }
        slot = { kind: "value", field, element: true };
        break;
      }
      case "value":
      case "json":
        // Free-form JSON (a Struct's keys, a ListValue's items) reads like a map.
        segments.push(Array.isArray(data) ? Number(token) : new MapKeySegment(token, true));
        slot = { kind: "json" };
        break;
    }
    data = next;
  }
  return { segments, slot, data };
}

/**
 * Turns the value of a message-typed field into the slot its children live
 * in: a message's field object, a Struct's free-form keys, the packed message
 * of an Any. Other slots are returned as they are.
 */
export function enterMessage(slot: JsonSlot, data: unknown, registry: Registry): JsonSlot {
  if (slot.kind !== "value" || slot.field.message === undefined) return slot;
  return messageSlot(slot.field.message, data, registry);
}

/** The slot of a JSON value holding a message of type `desc`. */
export function messageSlot(desc: DescMessage, data: unknown, registry: Registry): JsonSlot {
  switch (desc.typeName) {
    case "google.protobuf.Struct":
    case "google.protobuf.Value":
    case "google.protobuf.ListValue":
      return { kind: "json" };
    case "google.protobuf.Any": {
      const packed = packedType(data, registry);
      // A type with a special JSON form sits under "value"; its content is
      // checked by protobuf-es, not walked here.
      return packed === undefined || hasCustomJsonRepresentation(packed) ? { kind: "json" } : { kind: "message", desc: packed };
    }
    default:
      return { kind: "message", desc };
  }
}

/**
 * A key that is not a field: a plain name when it looks like one (so an
 * unknown key prints as `node.bogus`), else JSON-quoted in brackets.
 */
export function keySegment(key: string): PathSegment {
  return /^[A-Za-z_][A-Za-z0-9_@]*$/.test(key) ? key : new MapKeySegment(key, true);
}
