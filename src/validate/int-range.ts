import { ScalarType } from "@bufbuild/protobuf";

/** The range of an integer scalar type, and the rule id of a JSON value outside it. */
export interface IntRange {
  readonly name: string;
  readonly min: bigint;
  readonly max: bigint;
  readonly ruleId: "json.int32_range" | "json.int64_range";
}

/** The range of an integer scalar type, or undefined for any other scalar. */
export function intRange(scalar: ScalarType): IntRange | undefined {
  switch (scalar) {
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return { name: "int32", min: -(2n ** 31n), max: 2n ** 31n - 1n, ruleId: "json.int32_range" };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return { name: "uint32", min: 0n, max: 2n ** 32n - 1n, ruleId: "json.int32_range" };
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return { name: "int64", min: -(2n ** 63n), max: 2n ** 63n - 1n, ruleId: "json.int64_range" };
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return { name: "uint64", min: 0n, max: 2n ** 64n - 1n, ruleId: "json.int64_range" };
    default:
      return undefined;
  }
}
