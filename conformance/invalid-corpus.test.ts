import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { fromJsonString, toBinary } from "@bufbuild/protobuf";
import { registry, resolveType } from "../src/registry.js";
import { validateBinary } from "../src/validate/validate-binary.js";
import { validateJson } from "../src/validate/validate-json.js";
import type { Violation } from "../src/fault/violation.js";
import { loadInvalidCorpus, loadValidCorpus, type CorpusCase, type ExpectedViolation } from "./invalid/load-corpus.js";

/** Path and rule id, in a stable order, so the two paths and the sidecar compare as lists. */
function normalize(violations: readonly (Violation | ExpectedViolation)[]): ExpectedViolation[] {
  return violations
    .map((v) => ({ path: v.path, ruleId: v.ruleId }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
}

/** The bytes of the binary path: the case's wire bytes, or its JSON parsed and encoded. */
function wireBytes(c: CorpusCase): Uint8Array {
  if (c.wire !== undefined) return c.wire;
  const schema = resolveType(c.typeName);
  return toBinary(schema, fromJsonString(schema, c.json, { registry }));
}

function checkCase(c: CorpusCase): void {
  const schema = resolveType(c.typeName);
  const expected = normalize(c.violations);
  const fromJsonPath = validateJson(schema, c.json);
  assert.deepEqual(normalize(fromJsonPath.violations), expected, `JSON path of ${c.id}`);
  assert.equal(fromJsonPath.kind, expected.length === 0 ? "valid" : "invalid");
  for (const v of fromJsonPath.violations) {
    assert.ok(v.position !== undefined && "line" in v.position, `JSON violation ${v.path} ${v.ruleId} of ${c.id} has a line and column`);
  }
  if (!c.binary) return;
  const fromBinaryPath = validateBinary(schema, wireBytes(c));
  assert.deepEqual(normalize(fromBinaryPath.violations), expected, `binary path of ${c.id}`);
}

const invalid = loadInvalidCorpus();
const valid = loadValidCorpus();

suite("invalid corpus", () => {
  test("has at least 40 cases, each expecting a violation", () => {
    assert.ok(invalid.length >= 40, `only ${invalid.length} cases`);
    for (const c of invalid) assert.ok(c.violations.length > 0, `${c.id} expects nothing`);
  });
  test("covers every rule id the package's protos use", () => {
    const ruleIds = new Set(invalid.flatMap((c) => c.violations.map((v) => v.ruleId)));
    for (const id of [
      "message.required",
      "timestamp.required",
      "any.required",
      "int64.gte",
      "uint32.lte",
      "string.min_len",
      "string.max_len",
      "string.min_bytes",
      "enum.defined_only",
      "repeated.min_items",
      "duration.gte",
      "duration.lte",
      "oneof.required",
      "oneof.multiple",
    ]) {
      assert.ok(ruleIds.has(id), `no case for ${id}`);
    }
  });
  test("leaves out the binary path only for a fault of the JSON encoding itself", () => {
    // Otherwise a case could hide a JSON-vs-binary disagreement by saying "binary": false.
    const unexplained = [...invalid, ...valid].filter((c) => !c.binary && !c.violations.some((v) => v.ruleId.startsWith("json."))).map((c) => c.id);
    assert.deepEqual(unexplained, []);
  });
  for (const c of invalid) {
    test(`${c.id}: ${c.about}`, () => checkCase(c));
  }
});

suite("valid corpus", () => {
  test("is not empty", () => assert.ok(valid.length > 0));
  for (const c of valid) {
    test(`${c.id}: ${c.about}`, () => checkCase(c));
  }
});
