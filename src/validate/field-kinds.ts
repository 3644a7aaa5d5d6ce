import { ScalarType, type DescField } from "@bufbuild/protobuf";

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
      const type = elementType(field);
      // "an int64", but "a uint32" (said "you-int").
      return `${/^[aeio]/.test(type) ? "an" : "a"} ${type} field`;
    }
    case "enum":
    case "message":
      return `${field.fieldKind === "enum" ? "an enum" : "a message"} field (${elementType(field)})`;
    case "list":
      return `a repeated field`;
    case "map":
      return `a map field`;
  }
}

/** The type of a field's values (of a list's elements), for planning errors: `string`, `fixture.v1.Child`. */
export function elementType(field: DescField): string {
  return field.message?.typeName ?? field.enum?.typeName ?? ScalarType[field.scalar!].toLowerCase();
}
