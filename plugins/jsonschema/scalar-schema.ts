import { ScalarType } from "@bufbuild/protobuf";
import { integerStringPattern } from "./decimal-range.js";
import type { SchemaObject, SchemaValue } from "./print.js";
import { bigintRule, flagRule, subTree, type RuleTree } from "./rule-tree.js";

/**
 * The JSON Schema of a scalar value: the JSON types it may take (kept apart
 * so the caller can add `"null"` where the proto3 JSON mapping allows it) and
 * the keywords that constrain it.
 */
export interface ValueSchema {
  readonly types: readonly string[];
  readonly keywords: SchemaObject;
  /** The rule ids (`string.min_len`, `int64.gte`) the keywords state exactly. */
  readonly expressed: readonly string[];
  /**
   * Whether the type's default value (0, "") meets the stated rules: a field
   * written as null holds the default, so null is allowed only then.
   */
  readonly defaultAllowed: boolean;
}

interface IntType {
  readonly min: bigint;
  readonly max: bigint;
  /** protoc-gen-validate's rule message for the type, a member of FieldRules.type. */
  readonly ruleCase: string;
  readonly wide: boolean;
}

const intTypes: ReadonlyMap<ScalarType, IntType> = new Map([
  [ScalarType.INT32, { min: -(2n ** 31n), max: 2n ** 31n - 1n, ruleCase: "int32", wide: false }],
  [ScalarType.SINT32, { min: -(2n ** 31n), max: 2n ** 31n - 1n, ruleCase: "sint32", wide: false }],
  [ScalarType.SFIXED32, { min: -(2n ** 31n), max: 2n ** 31n - 1n, ruleCase: "sfixed32", wide: false }],
  [ScalarType.UINT32, { min: 0n, max: 2n ** 32n - 1n, ruleCase: "uint32", wide: false }],
  [ScalarType.FIXED32, { min: 0n, max: 2n ** 32n - 1n, ruleCase: "fixed32", wide: false }],
  [ScalarType.INT64, { min: -(2n ** 63n), max: 2n ** 63n - 1n, ruleCase: "int64", wide: true }],
  [ScalarType.SINT64, { min: -(2n ** 63n), max: 2n ** 63n - 1n, ruleCase: "sint64", wide: true }],
  [ScalarType.SFIXED64, { min: -(2n ** 63n), max: 2n ** 63n - 1n, ruleCase: "sfixed64", wide: true }],
  [ScalarType.UINT64, { min: 0n, max: 2n ** 64n - 1n, ruleCase: "uint64", wide: true }],
  [ScalarType.FIXED64, { min: 0n, max: 2n ** 64n - 1n, ruleCase: "fixed64", wide: true }],
]);

/** The range of an integer scalar type, or undefined for any other scalar. */
export function integerRange(scalar: ScalarType): { readonly min: bigint; readonly max: bigint } | undefined {
  return intTypes.get(scalar);
}

/**
 * Standard or URL-safe base64, padded or not: groups of four, then an
 * optional final group of two or three characters. A single leftover
 * character encodes no whole byte, which protobuf-es rejects too.
 */
export const base64Pattern = "^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$";

/** A float or double written as a string: a decimal number or one of the three special values. */
const floatStringPattern = "^(?:NaN|-?Infinity|-?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?)$";

/**
 * The schema of a scalar value under the proto3 JSON mapping, narrowed by the
 * field's rules where JSON Schema can state them. `rules` is the field's
 * `FieldRules` (for a repeated field, its `repeated.items`).
 */
export function scalarSchema(scalar: ScalarType, rules: RuleTree | undefined): ValueSchema {
  const int = intTypes.get(scalar);
  if (int !== undefined) return intSchema(int, subTree(rules, int.ruleCase));
  switch (scalar) {
    case ScalarType.BOOL:
      return { types: ["boolean"], keywords: {}, expressed: [], defaultAllowed: true };
    case ScalarType.STRING:
      return stringSchema(subTree(rules, "string"));
    case ScalarType.BYTES:
      return { types: ["string"], keywords: { contentEncoding: "base64", pattern: base64Pattern }, expressed: [], defaultAllowed: true };
    case ScalarType.FLOAT:
    case ScalarType.DOUBLE:
      return { types: ["number", "string"], keywords: { pattern: floatStringPattern }, expressed: [], defaultAllowed: true };
    default:
      throw new Error(`unsupported scalar type ${scalar}`);
  }
}

/**
 * Integers are numbers or decimal strings. Numbers get `minimum`/`maximum`,
 * strings a pattern of the same range: the rule's bounds where JSON Schema
 * can state them (see {@link ruleBounds}), within the type's own range.
 */
function intSchema(int: IntType, rules: RuleTree | undefined): ValueSchema {
  const keywords: Record<string, SchemaValue> = {};
  const bounds = ruleBounds(rules);
  const num = (v: bigint): SchemaValue => (int.wide ? v : Number(v));
  if (bounds.gte !== undefined) keywords["minimum"] = num(bounds.gte > int.min ? bounds.gte : int.min);
  else if (bounds.gt !== undefined) keywords["exclusiveMinimum"] = num(bounds.gt);
  else keywords["minimum"] = num(int.min);
  if (bounds.lte !== undefined) keywords["maximum"] = num(bounds.lte < int.max ? bounds.lte : int.max);
  else if (bounds.lt !== undefined) keywords["exclusiveMaximum"] = num(bounds.lt);
  else if (int.wide) {
    // 2^63 - 1 is not a double; a JSON number that large parses as 2^63,
    // which protobuf-es rejects too. The exclusive bound says so exactly.
    keywords["exclusiveMaximum"] = int.max + 1n;
  } else keywords["maximum"] = num(int.max);
  // The same interval for strings, whole numbers only: gt 5 is gte 6.
  const low = bounds.gte ?? (bounds.gt !== undefined ? bounds.gt + 1n : int.min);
  const high = bounds.lte ?? (bounds.lt !== undefined ? bounds.lt - 1n : int.max);
  const min = low > int.min ? low : int.min;
  const max = high < int.max ? high : int.max;
  const signed = int.min < 0n;
  const expressed = (Object.keys(bounds) as (keyof Bounds)[]).map((key) => `${int.ruleCase}.${key}`);
  if (min > max) {
    // No integer of the type meets the bounds; the rule engine says which one fails.
    keywords["pattern"] = integerStringPattern(int.min, int.max, signed);
    return { types: ["integer", "string"], keywords, expressed: [], defaultAllowed: false };
  }
  keywords["pattern"] = integerStringPattern(min, max, signed);
  return { types: ["integer", "string"], keywords, expressed, defaultAllowed: min <= 0n && max >= 0n };
}

interface Bounds {
  readonly gt?: bigint;
  readonly gte?: bigint;
  readonly lt?: bigint;
  readonly lte?: bigint;
}

/**
 * The numeric bounds of an integer rule message that JSON Schema can state:
 * none when `ignore_empty` is set (zero would then be exempt) or when the
 * upper bound is not above the lower one (protoc-gen-validate then means the
 * outside of the interval, which needs more than min/max keywords).
 */
function ruleBounds(rules: RuleTree | undefined): Bounds {
  if (rules === undefined || flagRule(rules, "ignore_empty")) return {};
  const gt = bigintRule(rules, "gt");
  const gte = bigintRule(rules, "gte");
  const lt = bigintRule(rules, "lt");
  const lte = bigintRule(rules, "lte");
  const lower = gte ?? gt;
  const upper = lte ?? lt;
  // Like protoc-gen-validate, an upper bound at or below the lower one
  // (even equal, inclusive bounds) means the outside of the interval.
  if (lower !== undefined && upper !== undefined && !(upper > lower)) return {};
  return {
    ...(gt !== undefined ? { gt } : {}),
    ...(gte !== undefined ? { gte } : {}),
    ...(lt !== undefined ? { lt } : {}),
    ...(lte !== undefined ? { lte } : {}),
  };
}

/**
 * Length rules. JSON Schema's minLength/maxLength count code points, exactly
 * like protoc-gen-validate's `*_len` rules. A `min_bytes` of 1 means "not
 * empty", which is minLength 1; other byte counts are left to the rule engine.
 */
function stringSchema(rules: RuleTree | undefined): ValueSchema {
  if (rules === undefined || flagRule(rules, "ignore_empty")) return { types: ["string"], keywords: {}, expressed: [], defaultAllowed: true };
  const keywords: Record<string, SchemaValue> = {};
  const expressed: string[] = [];
  const len = bigintRule(rules, "len");
  const minLen = len ?? bigintRule(rules, "min_len");
  const maxLen = len ?? bigintRule(rules, "max_len");
  const minBytes = bigintRule(rules, "min_bytes");
  if (minLen !== undefined && minLen > 0n) keywords["minLength"] = Number(minLen);
  else if (minBytes === 1n) keywords["minLength"] = 1;
  if (maxLen !== undefined) keywords["maxLength"] = Number(maxLen);
  if (len !== undefined) expressed.push("string.len");
  if (bigintRule(rules, "min_len") !== undefined) expressed.push("string.min_len");
  if (bigintRule(rules, "max_len") !== undefined) expressed.push("string.max_len");
  if (minBytes === 0n || minBytes === 1n) expressed.push("string.min_bytes");
  const minLength = keywords["minLength"];
  return { types: ["string"], keywords, expressed, defaultAllowed: minLength === undefined };
}
