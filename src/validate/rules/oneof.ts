import type { DescOneof } from "@bufbuild/protobuf";

/**
 * The message of `oneof.required` (protoc-gen-validate's `(validate.required)`
 * on a oneof) or the package's own `oneof.multiple` (two members present at
 * once, which only binary and JSON input can express: the binary decoder
 * keeps the last member, JSON parsers reject it), listing the members by
 * proto name.
 */
export function oneofMessage(ruleId: "oneof.required" | "oneof.multiple", oneof: DescOneof): string {
  const names = oneof.fields.map((f) => f.name).join(", ");
  return ruleId === "oneof.required" ? `exactly one of ${names} must be set` : `at most one of ${names} may be set`;
}
