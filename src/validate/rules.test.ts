import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { validate } from "./validate.js";
import { baselines, fixture, NOW, ruleCases } from "./rules.testdata.js";

suite("validate() on every rule family", () => {
  for (const [type, baseline] of Object.entries(baselines)) {
    test(`accepts the valid ${type} baseline`, () => {
      const schema = fixture[type]!;
      assert.deepEqual(validate(schema, create(schema, baseline) as never, { now: NOW }), { kind: "valid", violations: [], warnings: [] });
    });
  }
  for (const c of ruleCases) {
    test(c.name, () => {
      const schema = fixture[c.type]!;
      const message = create(schema, { ...baselines[c.type], ...c.change }) as never;
      const result = validate(schema, message, { now: NOW });
      assert.deepEqual(result.violations, c.expected);
      assert.equal(result.kind, c.expected.length === 0 ? "valid" : "invalid");
    });
  }
  test("ignores every rule of a disabled or ignored message type", () => {
    const DisabledChild = fixture["DisabledChild"]!;
    const IgnoredChild = fixture["IgnoredChild"]!;
    assert.equal(validate(DisabledChild, create(DisabledChild) as never).kind, "valid");
    assert.equal(validate(IgnoredChild, create(IgnoredChild) as never).kind, "valid");
  });
});
