import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { inspectValue } from "./json-guard.js";

suite("inspectValue()", () => {
  test("lists every __proto__ key with its pointer tokens", () => {
    const value = JSON.parse('{"a": {"__proto__": 1}, "b": [{"__proto__": {}}]}') as unknown;
    assert.deepEqual(inspectValue(value, 100), { tooDeep: false, protoKeys: [["a", "__proto__"], ["b", "0", "__proto__"]] });
  });
  test("reports nesting past the limit", () => {
    assert.equal(inspectValue([[[]]], 2).tooDeep, true);
    assert.equal(inspectValue([[[]]], 3).tooDeep, false);
  });
});
