import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { fromJson, toBinary, toJson } from "@bufbuild/protobuf";
import fc from "fast-check";
import { listTypes, registry } from "../registry.js";
import { validate, validateBinary, type ValidationResult } from "./index.js";
import { tapV3Cases } from "./property-tap-v3.testdata.js";
import { broken, validCases as seedCases } from "./property.testdata.js";

const validCases = [...seedCases, ...tapV3Cases];

suite("validate() properties", () => {
  test("has an arbitrary for every primary type", () => {
    const covered = new Set(validCases.map((c) => c.schema.typeName));
    assert.deepEqual(
      listTypes()
        .filter((t) => t.primary && !covered.has(t.typeName))
        .map((t) => t.typeName),
      [],
    );
  });

  for (const c of validCases) {
    const name = c.schema.typeName.split(".").slice(-2).join(".");
    test(`accepts random valid ${name} messages, and their JSON and binary round trips`, () => {
      fc.assert(
        fc.property(c.valid, (message) => {
          // Random traces may break a trace relation, which is a warning: valid all the same.
          const outcome = (r: ValidationResult) => [r.kind, r.violations, r.warnings.filter((w) => !w.ruleId.startsWith("trace."))];
          assert.deepEqual(outcome(validate(c.schema, message)), ["valid", [], []]);
          const json = toJson(c.schema, message, { registry });
          assert.deepEqual(outcome(validate(c.schema, fromJson(c.schema, json, { registry }))), ["valid", [], []]);
          const result = validateBinary(c.schema, toBinary(c.schema, message));
          assert.deepEqual(outcome(result), ["valid", [], []]);
          assert.deepEqual(result.warnings, validate(c.schema, message).warnings);
        }),
        { numRuns: 60 },
      );
    });

    if (c.breaks.length === 0) continue;
    test(`reports exactly the broken rule of mutated ${name} messages, in memory and from binary`, () => {
      fc.assert(
        fc.property(broken(c), ({ message, ruleId }) => {
          const ruleIds = new Set(validate(c.schema, message).violations.map((v) => v.ruleId));
          assert.deepEqual([...ruleIds], [ruleId]);
          const fromWire = new Set(validateBinary(c.schema, toBinary(c.schema, message)).violations.map((v) => v.ruleId));
          assert.deepEqual([...fromWire], [ruleId]);
        }),
        { numRuns: 60 },
      );
    });
  }
});
