import type { DescOneof } from "@bufbuild/protobuf";

/**
 * Messages of the oneof rules: `oneof.required` (protoc-gen-validate's
 * `(validate.required)` on a oneof) and the package's own `oneof.multiple`
 * (two members present at once, which only binary and JSON input can
 * express: the binary decoder keeps the last member, JSON parsers reject it).
 * Both list the members by proto name.
 */
export const oneofMessages = {
  required: (memberNames: readonly string[]) => `exactly one of ${memberNames.join(", ")} must be set`,
  multiple: (memberNames: readonly string[]) => `at most one of ${memberNames.join(", ")} may be set`,
};

/** Proto names of a oneof's members, in declaration order. */
export function oneofMemberNames(oneof: DescOneof): string[] {
  return oneof.fields.map((f) => f.name);
}
