import type { DescMessage } from "@bufbuild/protobuf";
import { validateBinary, validateJson, type Violation } from "../src/validate/index.js";
import type { ConformanceCodec } from "./codec.js";
import { CheckFailure } from "./expect.js";
import type { CorpusCase, ExpectedViolation } from "./invalid/load-corpus.js";

/** The checks a validation corpus payload goes through. */
export const corpusCheckNames = ["validate-json", "validate-binary"] as const;

/** The name of one check of a corpus payload. */
export type CorpusCheckName = (typeof corpusCheckNames)[number];

/**
 * The checks that apply to a corpus payload: JSON always, binary only when
 * the payload can be carried in binary at all (a JSON syntax error cannot).
 */
export function corpusChecksFor(corpusCase: CorpusCase): readonly CorpusCheckName[] {
  return corpusCase.binary ? corpusCheckNames : ["validate-json"];
}

/**
 * Runs one check of a corpus payload: the violations found, by path and rule
 * id, must be exactly the hand-written ones (none for the valid corpus).
 * Throws {@link CheckFailure} otherwise.
 */
export function runCorpusCheck(check: CorpusCheckName, corpusCase: CorpusCase, codec: ConformanceCodec, schema: DescMessage): void {
  const expected = normalize(corpusCase.violations);
  if (check === "validate-json") {
    const result = validateJson(schema, corpusCase.json);
    expectViolations(result.violations, expected, "validateJson");
    if (result.kind !== (expected.length === 0 ? "valid" : "invalid")) throw new CheckFailure(`validateJson: kind is ${result.kind}`);
    return;
  }
  // Payloads JSON cannot carry (two members of one oneof) come as wire bytes;
  // the others are parsed and encoded by the codec under test.
  const bytes = corpusCase.wire ?? codec.toBinary(schema, codec.fromJson(schema, JSON.parse(corpusCase.json)));
  expectViolations(validateBinary(schema, bytes).violations, expected, "validateBinary");
}

function expectViolations(found: readonly Violation[], expected: ExpectedViolation[], what: string): void {
  const actual = normalize(found);
  const show = (list: ExpectedViolation[]) => (list.length === 0 ? "none" : list.map((v) => `${v.path || "<root>"} ${v.ruleId}`).join(", "));
  if (show(actual) !== show(expected)) throw new CheckFailure(`${what}: found ${show(actual)}; expected ${show(expected)}`);
}

/** Path and rule id only, sorted, so that order and wording do not matter. */
function normalize(violations: readonly (Violation | ExpectedViolation)[]): ExpectedViolation[] {
  return violations
    .map((v) => ({ path: v.path, ruleId: v.ruleId }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
}
