import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { findDuplicateKeys } from "./json-duplicate-keys.js";

suite("findDuplicateKeys()", () => {
  test("reports each repeated occurrence with its offset", () => {
    const text = '{"a": 1, "b": {"c": 1, "c": 2}, "a": 3}';
    assert.deepEqual(findDuplicateKeys(text), [
      { key: "c", tokens: ["b", "c"], index: 23 },
      { key: "a", tokens: ["a"], index: 32 },
    ]);
    assert.deepEqual(findDuplicateKeys(text, 1), [{ key: "c", tokens: ["b", "c"], index: 23 }]);
  });
  test("follows array indexes and decodes escaped keys", () => {
    const text = '[{}, [1, {"k": 0, "\\u006b": 1, "x": "\\"{,}["}]]';
    assert.deepEqual(findDuplicateKeys(text), [{ key: "k", tokens: ["1", "1", "k"], index: 18 }]);
  });
});
