import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { fromJson, toBinary, toJson } from "@bufbuild/protobuf";
import fc from "fast-check";
import { listTypes, registry } from "../registry.js";
import { validate, validateBinary } from "./index.js";
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
          assert.deepEqual(validate(c.schema, message), { kind: "valid", violations: [], warnings: [] });
          const json = toJson(c.schema, message, { registry });
          assert.deepEqual(validate(c.schema, fromJson(c.schema, json, { registry })), { kind: "valid", violations: [], warnings: [] });
          const result = validateBinary(c.schema, toBinary(c.schema, message));
          assert.deepEqual([result.kind, result.violations, result.warnings], ["valid", [], []]);
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
