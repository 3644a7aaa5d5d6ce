import { ScalarType, type DescField } from "@bufbuild/protobuf";
import type { ValueTarget } from "./type-rules.js";

/** A message's fields as the generated objects hold them, by local name. */
export type Fields = Record<string, unknown>;

/** Reads a field's value; `undefined` when a message, oneof member or proto3 optional field is unset. */
export function accessor(field: DescField): (m: Fields) => unknown {
  const localName = field.localName;
  if (field.oneof !== undefined) {
    const oneofName = field.oneof.localName;
    return (m) => {
      const selected = m[oneofName] as { case: string | undefined; value?: unknown };
      return selected.case === localName ? selected.value : undefined;
    };
  }
  return (m) => m[localName];
}

/** How a field reads in planning errors: `an int64 field`, `a repeated field`. */
export function describeField(field: DescField): string {
  switch (field.fieldKind) {
    case "scalar": {
      const type = ScalarType[field.scalar].toLowerCase();
      // "an int64", but "a uint32" (said "you-int").
      return `${/^[aeio]/.test(type) ? "an" : "a"} ${type} field`;
    }
    case "enum":
      return `an enum field (${field.enum.typeName})`;
    case "message":
      return `a message field (${field.message.typeName})`;
    case "list":
      return `a repeated field`;
    case "map":
      return `a map field`;
  }
}

/** What a field's type rules apply to: its value, or the elements or values of a list or map. */
export function targetOf(field: DescField): ValueTarget {
  if (field.message !== undefined) return { kind: "message", message: field.message };
  if (field.enum !== undefined) return { kind: "enum", enum: field.enum };
  return { kind: "scalar", scalar: field.scalar! };
}

/** The element type of a list, for planning errors: `string`, `fixture.v1.Child`. */
export function describeElement(target: ValueTarget): string {
  switch (target.kind) {
    case "scalar":
      return ScalarType[target.scalar].toLowerCase();
    case "enum":
      return target.enum.typeName;
    case "message":
      return target.message.typeName;
  }
}

