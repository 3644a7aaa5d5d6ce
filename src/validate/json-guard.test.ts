import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { inspectValue, textDepthOverflow } from "./json-guard.js";

suite("textDepthOverflow()", () => {
  test("finds the bracket that goes one level too deep, ignoring brackets in strings", () => {
    assert.equal(textDepthOverflow('{"a": [[1]]}', 3), undefined);
    assert.equal(textDepthOverflow('{"a": [[1]]}', 2), 7);
    assert.equal(textDepthOverflow('{"[[[[": "\\"{{{{"}', 1), undefined);
  });
  test("scans a million levels without recursion", () => {
    assert.equal(textDepthOverflow("[".repeat(1_000_000), 100), 100);
  });
});

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
