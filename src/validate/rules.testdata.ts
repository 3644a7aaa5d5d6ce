/**
 * Fixture messages with one rule per field, for every rule family, and the
 * table of cases run by rules.test.ts: each case changes a valid baseline
 * message and lists the exact violations expected.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { FieldRulesSchema } from "../../gen/validate/validate_pb.js";
import { buildFixture, T, type FieldSpec, type MessageSpec } from "./fixture.testdata.js";
import type { Violation } from "../fault/violation.js";

type Rules = MessageInitShape<typeof FieldRulesSchema>["type"];
const s = (value: object): { type: Rules } => ({ type: { case: "string", value } as Rules });
const i64 = (value: object): { type: Rules } => ({ type: { case: "int64", value } as Rules });
const u32 = (value: object): { type: Rules } => ({ type: { case: "uint32", value } as Rules });
const en = (value: object): { type: Rules } => ({ type: { case: "enum", value } as Rules });
const rep = (value: object): { type: Rules } => ({ type: { case: "repeated", value } as Rules });
const dur = (value: object): { type: Rules } => ({ type: { case: "duration", value } as Rules });
const ts = (value: object): { type: Rules } => ({ type: { case: "timestamp", value } as Rules });
const any = (value: object): { type: Rules } => ({ type: { case: "any", value } as Rules });

const str = (name: string, number: number, rules: object): FieldSpec => ({ name, number, type: T.STRING, rules: rules as never });
const int64 = (name: string, number: number, rules: object): FieldSpec => ({ name, number, type: T.INT64, rules: rules as never });
const uint32 = (name: string, number: number, rules: object): FieldSpec => ({ name, number, type: T.UINT32, rules: rules as never });
const color = (name: string, number: number, rules: object): FieldSpec => ({ name, number, type: T.ENUM, typeName: ".fixture.v1.Color", rules: rules as never });
const msg = (name: string, number: number, typeName: string, rules?: object, extra?: Partial<FieldSpec>): FieldSpec => ({
  name,
  number,
  type: T.MESSAGE,
  typeName,
  ...(rules !== undefined ? { rules: rules as never } : {}),
  ...extra,
});

const CHILD = ".fixture.v1.Child";
const DURATION = ".google.protobuf.Duration";
const TIMESTAMP = ".google.protobuf.Timestamp";
const ANY = ".google.protobuf.Any";

const specs: MessageSpec[] = [
  { name: "Child", fields: [str("name", 1, s({ minLen: 1n }))] },
  { name: "DisabledChild", disabled: true, fields: [str("name", 1, s({ minLen: 1n }))] },
  { name: "IgnoredChild", ignored: true, fields: [str("name", 1, s({ minLen: 1n }))] },
  {
    name: "Strings",
    fields: [
      str("const_s", 1, s({ const: "abc" })),
      str("len_s", 2, s({ len: 3n })),
      str("min_len_s", 3, s({ minLen: 2n })),
      str("max_len_s", 4, s({ maxLen: 3n })),
      str("len_bytes_s", 5, s({ lenBytes: 4n })),
      str("min_bytes_s", 6, s({ minBytes: 2n })),
      str("max_bytes_s", 7, s({ maxBytes: 4n })),
      str("pattern_s", 8, s({ pattern: String.raw`^[a-z]+\d?$` })),
      str("prefix_s", 9, s({ prefix: "pre" })),
      str("suffix_s", 10, s({ suffix: "fix" })),
      str("contains_s", 11, s({ contains: "mid" })),
      str("not_contains_s", 12, s({ notContains: "bad" })),
      str("in_s", 13, s({ in: ["a", "b"] })),
      str("not_in_s", 14, s({ notIn: ["x"] })),
      str("ignore_empty_s", 15, s({ minLen: 5n, ignoreEmpty: true })),
      str("not_ignore_empty_s", 16, s({ minLen: 5n, ignoreEmpty: false })),
    ],
  },
  {
    name: "Ints",
    fields: [
      int64("i_const", 1, i64({ const: 5n })),
      int64("i_lt", 2, i64({ lt: 10n })),
      int64("i_lte", 3, i64({ lte: 10n })),
      int64("i_gt", 4, i64({ gt: -3n })),
      int64("i_gte", 5, i64({ gte: 0n })),
      int64("i_range", 6, i64({ gt: 0n, lt: 10n })),
      int64("i_gt_lt", 7, i64({ gt: 10n, lt: 5n })),
      int64("i_gte_lte", 8, i64({ gte: 10n, lte: 5n })),
      int64("i_in", 9, i64({ in: [1n, 2n, 3n] })),
      int64("i_not_in", 10, i64({ notIn: [0n] })),
      int64("i_ignore", 11, i64({ gte: 100n, ignoreEmpty: true })),
      uint32("u_lte", 12, u32({ lte: 511 })),
      uint32("u_gte_lt", 13, u32({ gte: 10, lt: 5 })),
      uint32("u_in", 14, u32({ in: [80, 443] })),
      uint32("u_const", 15, u32({ const: 7 })),
      int64("i_gt_lte", 16, i64({ gt: 10n, lte: 5n })),
      int64("i_big", 17, i64({ lte: 9007199254740993n })),
      int64("i_not_ignore", 18, i64({ gte: 100n, ignoreEmpty: false })),
    ],
  },
  {
    name: "Enums",
    fields: [
      color("defined", 1, en({ definedOnly: true })),
      color("c_const", 2, en({ const: 1 })),
      color("c_in", 3, en({ in: [0, 1] })),
      color("c_not_in", 4, en({ notIn: [2] })),
    ],
  },
  {
    name: "Repeats",
    fields: [
      { name: "min_items", number: 1, type: T.STRING, repeated: true, rules: rep({ minItems: 1n }) as never },
      { name: "max_items", number: 2, type: T.INT64, repeated: true, rules: rep({ maxItems: 2n }) as never },
      { name: "uniq", number: 3, type: T.STRING, repeated: true, rules: rep({ unique: true }) as never },
      { name: "items", number: 4, type: T.INT64, repeated: true, rules: rep({ items: i64({ gte: 0n }) }) as never },
      { name: "ignore", number: 5, type: T.STRING, repeated: true, rules: rep({ minItems: 2n, ignoreEmpty: true }) as never },
      msg("children", 6, CHILD, undefined, { repeated: true }),
      msg("skipped", 7, CHILD, rep({ items: { message: { skip: true } } }), { repeated: true }),
      msg("required_items", 11, CHILD, rep({ items: { message: { required: true } } }), { repeated: true }),
      { name: "uniq_bytes", number: 9, type: T.BYTES, repeated: true, rules: rep({ unique: true }) as never },
      msg("ts_items", 10, TIMESTAMP, rep({ items: ts({ gt: { seconds: 0n } }) }), { repeated: true }),
    ],
    maps: [{ name: "kids", number: 8, key: T.STRING, value: T.MESSAGE, valueTypeName: CHILD }],
  },
  {
    name: "Holder",
    oneofs: [{ name: "choice", required: true }, { name: "free" }],
    fields: [
      msg("req", 1, CHILD, { message: { required: true } }),
      msg("skip", 2, CHILD, { message: { skip: true } }),
      msg("plain", 3, CHILD),
      msg("any", 4, ANY, any({ required: true, in: ["type.googleapis.com/fixture.v1.Child"] })),
      msg("any_not_in", 5, ANY, any({ notIn: ["type.googleapis.com/google.protobuf.Empty"] })),
      msg("dur_req", 6, DURATION, dur({ required: true })),
      msg("dur_range", 7, DURATION, dur({ gt: { seconds: 1n }, lte: { seconds: 60n } })),
      msg("dur_const", 8, DURATION, dur({ const: { seconds: 1n, nanos: 500_000_000 } })),
      msg("dur_excl", 9, DURATION, dur({ lt: { seconds: 1n }, gt: { seconds: 60n } })),
      msg("ts_req", 10, TIMESTAMP, ts({ required: true })),
      msg("ts_lt_now", 11, TIMESTAMP, ts({ ltNow: true })),
      msg("ts_gt_now", 12, TIMESTAMP, ts({ gtNow: true })),
      msg("ts_within", 13, TIMESTAMP, ts({ within: { seconds: 60n } })),
      msg("ts_lt_now_within", 14, TIMESTAMP, ts({ ltNow: true, within: { seconds: 3600n } })),
      msg("ts_range", 15, TIMESTAMP, ts({ gte: { seconds: 1577836800n }, lt: { seconds: 1893456000n } })),
      msg("ts_const", 16, TIMESTAMP, ts({ const: { seconds: 1767225600n } })),
      msg("disabled_child", 17, ".fixture.v1.DisabledChild"),
      msg("ignored_child", 18, ".fixture.v1.IgnoredChild"),
      str("a", 19, s({ minLen: 2n })),
      msg("b", 20, CHILD),
      { name: "c", number: 21, type: T.STRING, oneof: 1 },
      { name: "d", number: 22, type: T.INT64, oneof: 1 },
      { name: "opt", number: 23, type: T.STRING, optional: true, rules: s({ minLen: 3n }) as never },
      { ...msg("free_req", 24, CHILD, { message: { required: true } }), oneof: 1 },
    ].map((f) => (f.name === "a" || f.name === "b" ? { ...f, oneof: 0 } : f)),
  },
];

/** The fixture types by name: Child, Strings, Ints, Enums, Repeats, Holder, ... */
export const fixture = buildFixture(specs);

/** The validation time of every case. */
export const NOW = new Date("2026-11-21T12:00:00Z");
const NOW_S = 1795262400n;

/** A valid message of each tested type, as `create()` init objects. */
export const baselines: Record<string, Record<string, unknown>> = {
  Strings: {
    constS: "abc",
    lenS: "xyz",
    minLenS: "ab",
    maxLenS: "abc",
    lenBytesS: "éé",
    minBytesS: "é",
    maxBytesS: "abcd",
    patternS: "abc1",
    prefixS: "prefix",
    suffixS: "suffix",
    containsS: "amidst",
    notContainsS: "good",
    inS: "b",
    notInS: "y",
    ignoreEmptyS: "",
    notIgnoreEmptyS: "abcde",
  },
  Ints: { iConst: 5n, iLt: 9n, iLte: 10n, iGt: -2n, iGte: 0n, iRange: 5n, iGtLt: 4n, iGteLte: 5n, iIn: 2n, iNotIn: 1n, iIgnore: 0n, uLte: 511, uGteLt: 4, uIn: 443, uConst: 7, iGtLte: 11n, iBig: 0n, iNotIgnore: 100n },
  Enums: { defined: 1, cConst: 1, cIn: 0, cNotIn: 1 },
  Repeats: {
    minItems: ["a"],
    maxItems: [],
    uniq: ["a", "b"],
    items: [0n, 1n],
    ignore: [],
    children: [{ name: "x" }],
    skipped: [{ name: "" }],
    kids: { k: { name: "n" } },
    uniqBytes: [Uint8Array.of(1), Uint8Array.of(2)],
    tsItems: [{ seconds: 1n }],
  },
  Holder: {
    req: { name: "r" },
    any: { typeUrl: "type.googleapis.com/fixture.v1.Child", value: new Uint8Array() },
    durReq: { seconds: 5n },
    durRange: { seconds: 30n },
    durConst: { seconds: 1n, nanos: 500_000_000 },
    tsReq: { seconds: 1n },
    tsLtNow: { seconds: NOW_S - 1n },
    disabledChild: { name: "" },
    ignoredChild: { name: "" },
    choice: { case: "a", value: "ok" },
  },
};

/** One case: a change to the baseline of `type`, and the exact violations expected. */
export interface RuleCase {
  readonly name: string;
  readonly type: keyof typeof baselines;
  readonly change: Record<string, unknown>;
  readonly expected: readonly Violation[];
}

const v = (path: string, ruleId: string, message: string, value?: unknown, params?: Record<string, unknown>): Violation => ({
  path,
  ruleId,
  message,
  ...(value !== undefined ? { value } : {}),
  ...(params !== undefined ? { params } : {}),
});

const at = (seconds: bigint) => ({ seconds });

/** The cases of rules.test.ts, one or more per rule, each with its exact violations. */
export const ruleCases: readonly RuleCase[] = [
  // string
  { name: "reports string.const", type: "Strings", change: { constS: "abd" }, expected: [v("const_s", "string.const", 'value must equal "abc"', "abd", { const: "abc" })] },
  { name: "reports string.len", type: "Strings", change: { lenS: "xy" }, expected: [v("len_s", "string.len", "value length must be 3 characters", "xy", { len: 3 })] },
  { name: "counts string.len in code points", type: "Strings", change: { lenS: "😀😀😀" }, expected: [] },
  { name: "reports string.min_len", type: "Strings", change: { minLenS: "a" }, expected: [v("min_len_s", "string.min_len", "value length must be at least 2 characters", "a", { min_len: 2 })] },
  { name: "reports string.min_len for one astral code point in two UTF-16 units", type: "Strings", change: { minLenS: "😀" }, expected: [v("min_len_s", "string.min_len", "value length must be at least 2 characters", "😀", { min_len: 2 })] },
  { name: "reports string.max_len", type: "Strings", change: { maxLenS: "abcd" }, expected: [v("max_len_s", "string.max_len", "value length must be at most 3 characters", "abcd", { max_len: 3 })] },
  { name: "accepts three astral code points under string.max_len 3", type: "Strings", change: { maxLenS: "😀😀😀" }, expected: [] },
  { name: "reports string.len_bytes", type: "Strings", change: { lenBytesS: "éa" }, expected: [v("len_bytes_s", "string.len_bytes", "value length must be 4 bytes", "éa", { len_bytes: 4 })] },
  { name: "reports string.min_bytes", type: "Strings", change: { minBytesS: "a" }, expected: [v("min_bytes_s", "string.min_bytes", "value length must be at least 2 bytes", "a", { min_bytes: 2 })] },
  { name: "reports string.max_bytes counting UTF-8 bytes", type: "Strings", change: { maxBytesS: "ééé" }, expected: [v("max_bytes_s", "string.max_bytes", "value length must be at most 4 bytes", "ééé", { max_bytes: 4 })] },
  { name: "accepts a 4-byte code point under string.max_bytes 4", type: "Strings", change: { maxBytesS: "😀" }, expected: [] },
  { name: "reports string.pattern", type: "Strings", change: { patternS: "ABC" }, expected: [v("pattern_s", "string.pattern", String.raw`value does not match regex pattern "^[a-z]+\\d?$"`, "ABC", { pattern: String.raw`^[a-z]+\d?$` })] },
  { name: "reports string.prefix", type: "Strings", change: { prefixS: "xprefix" }, expected: [v("prefix_s", "string.prefix", 'value does not have prefix "pre"', "xprefix", { prefix: "pre" })] },
  { name: "reports string.suffix", type: "Strings", change: { suffixS: "suffixes" }, expected: [v("suffix_s", "string.suffix", 'value does not have suffix "fix"', "suffixes", { suffix: "fix" })] },
  { name: "reports string.contains", type: "Strings", change: { containsS: "amist" }, expected: [v("contains_s", "string.contains", 'value does not contain substring "mid"', "amist", { contains: "mid" })] },
  { name: "reports string.not_contains", type: "Strings", change: { notContainsS: "so bad" }, expected: [v("not_contains_s", "string.not_contains", 'value contains substring "bad"', "so bad", { not_contains: "bad" })] },
  { name: "reports string.in", type: "Strings", change: { inS: "c" }, expected: [v("in_s", "string.in", 'value must be in list ["a", "b"]', "c", { in: ["a", "b"] })] },
  { name: "reports string.not_in", type: "Strings", change: { notInS: "x" }, expected: [v("not_in_s", "string.not_in", 'value must not be in list ["x"]', "x", { not_in: ["x"] })] },
  { name: "applies string rules with ignore_empty to a non-empty value", type: "Strings", change: { ignoreEmptyS: "abc" }, expected: [v("ignore_empty_s", "string.min_len", "value length must be at least 5 characters", "abc", { min_len: 5 })] },
  { name: "applies string rules with ignore_empty: false to an empty value", type: "Strings", change: { notIgnoreEmptyS: "" }, expected: [v("not_ignore_empty_s", "string.min_len", "value length must be at least 5 characters", "", { min_len: 5 })] },
  {
    name: "reports every failing string rule of the default message",
    type: "Strings",
    change: { constS: "", lenS: "", minLenS: "", lenBytesS: "", minBytesS: "", patternS: "", prefixS: "", suffixS: "", containsS: "", inS: "" },
    expected: [
      v("const_s", "string.const", 'value must equal "abc"', "", { const: "abc" }),
      v("len_s", "string.len", "value length must be 3 characters", "", { len: 3 }),
      v("min_len_s", "string.min_len", "value length must be at least 2 characters", "", { min_len: 2 }),
      v("len_bytes_s", "string.len_bytes", "value length must be 4 bytes", "", { len_bytes: 4 }),
      v("min_bytes_s", "string.min_bytes", "value length must be at least 2 bytes", "", { min_bytes: 2 }),
      v("pattern_s", "string.pattern", String.raw`value does not match regex pattern "^[a-z]+\\d?$"`, "", { pattern: String.raw`^[a-z]+\d?$` }),
      v("prefix_s", "string.prefix", 'value does not have prefix "pre"', "", { prefix: "pre" }),
      v("suffix_s", "string.suffix", 'value does not have suffix "fix"', "", { suffix: "fix" }),
      v("contains_s", "string.contains", 'value does not contain substring "mid"', "", { contains: "mid" }),
      v("in_s", "string.in", 'value must be in list ["a", "b"]', "", { in: ["a", "b"] }),
    ],
  },
  // int64 / uint32
  { name: "reports int64.const", type: "Ints", change: { iConst: 6n }, expected: [v("i_const", "int64.const", "value must equal 5", 6, { const: 5 })] },
  { name: "reports int64.lt", type: "Ints", change: { iLt: 10n }, expected: [v("i_lt", "int64.lt", "value must be less than 10", 10, { lt: 10 })] },
  { name: "reports int64.lte", type: "Ints", change: { iLte: 11n }, expected: [v("i_lte", "int64.lte", "value must be less than or equal to 10", 11, { lte: 10 })] },
  { name: "reports int64.gt", type: "Ints", change: { iGt: -3n }, expected: [v("i_gt", "int64.gt", "value must be greater than -3", -3, { gt: -3 })] },
  { name: "reports int64.gte", type: "Ints", change: { iGte: -1n }, expected: [v("i_gte", "int64.gte", "value must be greater than or equal to 0", -1, { gte: 0 })] },
  { name: "reports the lower bound of an inside range as int64.gt", type: "Ints", change: { iRange: 0n }, expected: [v("i_range", "int64.gt", "value must be greater than 0", 0, { gt: 0 })] },
  { name: "reports the upper bound of an inside range as int64.lt", type: "Ints", change: { iRange: 10n }, expected: [v("i_range", "int64.lt", "value must be less than 10", 10, { lt: 10 })] },
  { name: "reports int64.gt_lt_exclusive between the bounds of gt:10, lt:5", type: "Ints", change: { iGtLt: 5n }, expected: [v("i_gt_lt", "int64.gt_lt_exclusive", "value must be outside range [5, 10]", 5, { gt: 10, lt: 5 })] },
  { name: "reports int64.gt_lt_exclusive at gt:10 itself", type: "Ints", change: { iGtLt: 10n }, expected: [v("i_gt_lt", "int64.gt_lt_exclusive", "value must be outside range [5, 10]", 10, { gt: 10, lt: 5 })] },
  { name: "accepts a value above gt:10 of gt:10, lt:5", type: "Ints", change: { iGtLt: 11n }, expected: [] },
  { name: "reports int64.gte_lte_exclusive inside (5, 10)", type: "Ints", change: { iGteLte: 6n }, expected: [v("i_gte_lte", "int64.gte_lte_exclusive", "value must be outside range (5, 10)", 6, { gte: 10, lte: 5 })] },
  { name: "accepts both inclusive edges of gte:10, lte:5", type: "Ints", change: { iGteLte: 10n }, expected: [] },
  { name: "reports int64.gt_lte_exclusive inside (5, 10]", type: "Ints", change: { iGtLte: 10n }, expected: [v("i_gt_lte", "int64.gt_lte_exclusive", "value must be outside range (5, 10]", 10, { gt: 10, lte: 5 })] },
  { name: "reports uint32.gte_lt_exclusive inside [5, 10)", type: "Ints", change: { uGteLt: 5 }, expected: [v("u_gte_lt", "uint32.gte_lt_exclusive", "value must be outside range [5, 10)", 5, { gte: 10, lt: 5 })] },
  { name: "accepts gte:10 itself of gte:10, lt:5", type: "Ints", change: { uGteLt: 10 }, expected: [] },
  { name: "reports int64.in", type: "Ints", change: { iIn: 4n }, expected: [v("i_in", "int64.in", "value must be in list [1, 2, 3]", 4, { in: [1, 2, 3] })] },
  { name: "reports int64.not_in", type: "Ints", change: { iNotIn: 0n }, expected: [v("i_not_in", "int64.not_in", "value must not be in list [0]", 0, { not_in: [0] })] },
  { name: "applies int64 rules with ignore_empty to a non-zero value", type: "Ints", change: { iIgnore: 5n }, expected: [v("i_ignore", "int64.gte", "value must be greater than or equal to 100", 5, { gte: 100 })] },
  { name: "applies int64 rules with ignore_empty: false to zero", type: "Ints", change: { iNotIgnore: 0n }, expected: [v("i_not_ignore", "int64.gte", "value must be greater than or equal to 100", 0, { gte: 100 })] },
  { name: "reports uint32.lte", type: "Ints", change: { uLte: 512 }, expected: [v("u_lte", "uint32.lte", "value must be less than or equal to 511", 512, { lte: 511 })] },
  { name: "reports uint32.in", type: "Ints", change: { uIn: 8080 }, expected: [v("u_in", "uint32.in", "value must be in list [80, 443]", 8080, { in: [80, 443] })] },
  { name: "reports uint32.const", type: "Ints", change: { uConst: 8 }, expected: [v("u_const", "uint32.const", "value must equal 7", 8, { const: 7 })] },
  {
    name: "shows int64 values beyond 2^53 as exact strings",
    type: "Ints",
    change: { iBig: 9007199254740994n },
    expected: [v("i_big", "int64.lte", "value must be less than or equal to 9007199254740993", "9007199254740994", { lte: "9007199254740993" })],
  },
  // enum
  { name: "reports enum.defined_only", type: "Enums", change: { defined: 7 }, expected: [v("defined", "enum.defined_only", "value must be one of the defined enum values", 7, { defined_only: true })] },
  { name: "reports enum.const", type: "Enums", change: { cConst: 2 }, expected: [v("c_const", "enum.const", "value must equal 1", 2, { const: 1 })] },
  { name: "reports enum.in", type: "Enums", change: { cIn: 2 }, expected: [v("c_in", "enum.in", "value must be in list [0, 1]", 2, { in: [0, 1] })] },
  { name: "reports enum.not_in", type: "Enums", change: { cNotIn: 2 }, expected: [v("c_not_in", "enum.not_in", "value must not be in list [2]", 2, { not_in: [2] })] },
  // repeated, map
  { name: "reports repeated.min_items", type: "Repeats", change: { minItems: [] }, expected: [v("min_items", "repeated.min_items", "value must contain at least 1 item(s)", 0, { min_items: 1 })] },
  { name: "reports repeated.max_items", type: "Repeats", change: { maxItems: [1n, 2n, 3n] }, expected: [v("max_items", "repeated.max_items", "value must contain no more than 2 item(s)", 3, { max_items: 2 })] },
  {
    name: "reports repeated.unique at every repeated occurrence",
    type: "Repeats",
    change: { uniq: ["a", "b", "a", "a"] },
    expected: [v("uniq[2]", "repeated.unique", "repeated value must contain unique items", "a", { unique: true }), v("uniq[3]", "repeated.unique", "repeated value must contain unique items", "a", { unique: true })],
  },
  { name: "reports repeated.unique on bytes by content", type: "Repeats", change: { uniqBytes: [Uint8Array.of(1), Uint8Array.of(1)] }, expected: [v("uniq_bytes[1]", "repeated.unique", "repeated value must contain unique items", undefined, { unique: true })] },
  { name: "reports repeated.items rules at the element's index", type: "Repeats", change: { items: [1n, -1n] }, expected: [v("items[1]", "int64.gte", "value must be greater than or equal to 0", -1, { gte: 0 })] },
  { name: "applies repeated rules with ignore_empty to a non-empty list", type: "Repeats", change: { ignore: ["a"] }, expected: [v("ignore", "repeated.min_items", "value must contain at least 2 item(s)", 1, { min_items: 2 })] },
  { name: "validates every element of a repeated message field", type: "Repeats", change: { children: [{ name: "x" }, { name: "" }] }, expected: [v("children[1].name", "string.min_len", "value length must be at least 1 characters", "", { min_len: 1 })] },
  { name: "plans repeated.items.message.required, which every element meets, and validates the elements", type: "Repeats", change: { requiredItems: [{ name: "x" }, { name: "" }] }, expected: [v("required_items[1].name", "string.min_len", "value length must be at least 1 characters", "", { min_len: 1 })] },
  { name: "skips elements under repeated.items.message.skip", type: "Repeats", change: { skipped: [{ name: "" }, { name: "" }] }, expected: [] },
  { name: "validates map values with the key in the path", type: "Repeats", change: { kids: { "a.b": { name: "" } } }, expected: [v('kids["a.b"].name', "string.min_len", "value length must be at least 1 characters", "", { min_len: 1 })] },
  { name: "applies timestamp rules to repeated items", type: "Repeats", change: { tsItems: [{ seconds: 0n }] }, expected: [v("ts_items[0]", "timestamp.gt", "value must be greater than 1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z", { gt: "1970-01-01T00:00:00Z" })] },
  // message, any, duration, timestamp, oneof, optional
  { name: "reports message.required", type: "Holder", change: { req: undefined }, expected: [v("req", "message.required", "value is required")] },
  { name: "validates a set sub-message", type: "Holder", change: { req: { name: "" } }, expected: [v("req.name", "string.min_len", "value length must be at least 1 characters", "", { min_len: 1 })] },
  { name: "skips a sub-message under message.skip", type: "Holder", change: { skip: { name: "" } }, expected: [] },
  { name: "validates a sub-message without rules of its own field", type: "Holder", change: { plain: { name: "" } }, expected: [v("plain.name", "string.min_len", "value length must be at least 1 characters", "", { min_len: 1 })] },
  { name: "reports any.required", type: "Holder", change: { any: undefined }, expected: [v("any", "any.required", "value is required")] },
  {
    name: "reports any.in",
    type: "Holder",
    change: { any: { typeUrl: "type.googleapis.com/fixture.v1.Other" } },
    expected: [v("any", "any.in", 'type URL must be in list ["type.googleapis.com/fixture.v1.Child"]', "type.googleapis.com/fixture.v1.Other", { in: ["type.googleapis.com/fixture.v1.Child"] })],
  },
  {
    name: "reports any.not_in",
    type: "Holder",
    change: { anyNotIn: { typeUrl: "type.googleapis.com/google.protobuf.Empty" } },
    expected: [v("any_not_in", "any.not_in", 'type URL must not be in list ["type.googleapis.com/google.protobuf.Empty"]', "type.googleapis.com/google.protobuf.Empty", { not_in: ["type.googleapis.com/google.protobuf.Empty"] })],
  },
  { name: "reports duration.required", type: "Holder", change: { durReq: undefined }, expected: [v("dur_req", "duration.required", "value is required")] },
  { name: "reports duration.gt", type: "Holder", change: { durRange: { seconds: 1n } }, expected: [v("dur_range", "duration.gt", "value must be greater than 1s", "1s", { gt: "1s" })] },
  { name: "accepts a nanosecond above duration.gt", type: "Holder", change: { durRange: { seconds: 1n, nanos: 1 } }, expected: [] },
  { name: "reports duration.lte", type: "Holder", change: { durRange: { seconds: 61n } }, expected: [v("dur_range", "duration.lte", "value must be less than or equal to 60s", "61s", { lte: "60s" })] },
  { name: "reports duration.const", type: "Holder", change: { durConst: { seconds: 1n } }, expected: [v("dur_const", "duration.const", "value must equal 1.500s", "1s", { const: "1.500s" })] },
  { name: "reports duration.gt_lt_exclusive", type: "Holder", change: { durExcl: { seconds: 30n } }, expected: [v("dur_excl", "duration.gt_lt_exclusive", "value must be outside range [1s, 60s]", "30s", { gt: "60s", lt: "1s" })] },
  { name: "accepts a duration below lt of an exclusive range", type: "Holder", change: { durExcl: { nanos: 500_000_000 } }, expected: [] },
  { name: "reports duration.valid for nanos of the other sign than the seconds, and compares nothing", type: "Holder", change: { durRange: { seconds: 30n, nanos: -5 } }, expected: [v("dur_range", "duration.valid", "value is not a valid duration", { seconds: 30, nanos: -5 })] },
  { name: "reports duration.valid for nanos of a second or more", type: "Holder", change: { durRange: { seconds: 30n, nanos: 1_000_000_000 } }, expected: [v("dur_range", "duration.valid", "value is not a valid duration", { seconds: 30, nanos: 1000000000 })] },
  { name: "accepts negative nanos of a negative duration", type: "Holder", change: { durExcl: { seconds: -1n, nanos: -5 } }, expected: [] },
  { name: "reports timestamp.valid before year 1 instead of timestamp.gte", type: "Holder", change: { tsRange: at(-62135596801n) }, expected: [v("ts_range", "timestamp.valid", "value is not a valid timestamp", { seconds: -62135596801, nanos: 0 })] },
  { name: "reports timestamp.valid for negative nanos", type: "Holder", change: { tsRange: { seconds: 1577836800n, nanos: -1 } }, expected: [v("ts_range", "timestamp.valid", "value is not a valid timestamp", { seconds: 1577836800, nanos: -1 })] },
  { name: "reports timestamp.valid where only required is set (no JSON printer could show it), beyond protoc-gen-validate", type: "Holder", change: { tsReq: { seconds: 1n, nanos: -1 } }, expected: [v("ts_req", "timestamp.valid", "value is not a valid timestamp")] },
  { name: "reports timestamp.required", type: "Holder", change: { tsReq: undefined }, expected: [v("ts_req", "timestamp.required", "value is required")] },
  { name: "reports timestamp.lt_now at now", type: "Holder", change: { tsLtNow: at(NOW_S) }, expected: [v("ts_lt_now", "timestamp.lt_now", "value must be less than now", "2026-11-21T12:00:00Z", { lt_now: true })] },
  { name: "reports timestamp.gt_now", type: "Holder", change: { tsGtNow: at(NOW_S - 1n) }, expected: [v("ts_gt_now", "timestamp.gt_now", "value must be greater than now", "2026-11-21T11:59:59Z", { gt_now: true })] },
  { name: "accepts a timestamp just inside timestamp.within", type: "Holder", change: { tsWithin: at(NOW_S + 59n) }, expected: [] },
  { name: "reports timestamp.within at its exclusive edge", type: "Holder", change: { tsWithin: at(NOW_S - 60n) }, expected: [v("ts_within", "timestamp.within", "value must be within 60s of now", "2026-11-21T11:59:00Z", { within: "60s" })] },
  { name: "accepts the far edge of lt_now with within", type: "Holder", change: { tsLtNowWithin: at(NOW_S - 3600n) }, expected: [] },
  { name: "reports timestamp.within beyond lt_now's window", type: "Holder", change: { tsLtNowWithin: at(NOW_S - 7200n) }, expected: [v("ts_lt_now_within", "timestamp.within", "value must be within 3600s of now", "2026-11-21T10:00:00Z", { within: "3600s" })] },
  { name: "reports timestamp.lt_now with within after now", type: "Holder", change: { tsLtNowWithin: at(NOW_S + 1n) }, expected: [v("ts_lt_now_within", "timestamp.lt_now", "value must be less than now", "2026-11-21T12:00:01Z", { lt_now: true })] },
  { name: "reports timestamp.gte", type: "Holder", change: { tsRange: at(1577836799n) }, expected: [v("ts_range", "timestamp.gte", "value must be greater than or equal to 2020-01-01T00:00:00Z", "2019-12-31T23:59:59Z", { gte: "2020-01-01T00:00:00Z" })] },
  { name: "reports timestamp.lt", type: "Holder", change: { tsRange: at(1893456000n) }, expected: [v("ts_range", "timestamp.lt", "value must be less than 2030-01-01T00:00:00Z", "2030-01-01T00:00:00Z", { lt: "2030-01-01T00:00:00Z" })] },
  { name: "reports timestamp.const", type: "Holder", change: { tsConst: { seconds: 1767225600n, nanos: 125_000_000 } }, expected: [v("ts_const", "timestamp.const", "value must equal 2026-01-01T00:00:00Z", "2026-01-01T00:00:00.125Z", { const: "2026-01-01T00:00:00Z" })] },
  { name: "reports oneof.required at the oneof's name", type: "Holder", change: { choice: { case: undefined } }, expected: [v("choice", "oneof.required", "exactly one of a, b must be set")] },
  { name: "applies the rules of the set oneof member", type: "Holder", change: { choice: { case: "a", value: "x" } }, expected: [v("a", "string.min_len", "value length must be at least 2 characters", "x", { min_len: 2 })] },
  { name: "validates a message oneof member", type: "Holder", change: { choice: { case: "b", value: { name: "" } } }, expected: [v("b.name", "string.min_len", "value length must be at least 1 characters", "", { min_len: 1 })] },
  { name: "does not require an unset oneof member, as protoc-gen-validate checks only the member that is set", type: "Holder", change: { free: { case: "c", value: "x" } }, expected: [] },
  { name: "validates a set oneof member that carries message.required", type: "Holder", change: { free: { case: "freeReq", value: { name: "" } } }, expected: [v("free_req.name", "string.min_len", "value length must be at least 1 characters", "", { min_len: 1 })] },
  { name: "applies the rules of a set proto3 optional field", type: "Holder", change: { opt: "" }, expected: [v("opt", "string.min_len", "value length must be at least 3 characters", "", { min_len: 3 })] },
];
