import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { scanJsonKeys, scanTextFieldNames } from "./scan-field-names.js";

suite("scanJsonKeys()", () => {
  test("collects top-level keys of one object, not nested ones", () => {
    assert.deepEqual([...scanJsonKeys('{"connection": {"id": "1"}, "events": [{"read": {}}]}')], ["connection", "events"]);
  });

  test("collects keys of every NDJSON line and of array elements", () => {
    assert.deepEqual([...scanJsonKeys('{"a":1}\n{"b":{"c":2}}\n')], ["a", "b"]);
    assert.deepEqual([...scanJsonKeys('[{"a":1},{"b":[{"c":2}]}]')], ["a", "b"]);
  });

  test("ignores string values, escaped quotes and a cut-off end", () => {
    assert.deepEqual([...scanJsonKeys('{"name": "x\\": y", "ev')], ["name"]);
  });

  test("keeps __proto__ as an ordinary key", () => {
    const keys = scanJsonKeys('{"__proto__": {"polluted": true}, "node": {}}');
    assert.deepEqual([...keys], ["__proto__", "node"]);
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
  });
});

suite("scanTextFieldNames()", () => {
  test("collects top-level field names of text format", () => {
    const text = '# comment: x {\nconnection {\n  id: 1\n}\nevents { read { data: "a: b {" } }\nfull_push: true\n';
    assert.deepEqual([...scanTextFieldNames(text)], ["connection", "events", "full_push"]);
  });

  test("skips values, lists, extension names and exponents", () => {
    const text = "a: TCP\nb: [1, 2]\n[type.googleapis.com/x.Y] { z: 1 }\nc: 1e5\nd <\n  e: 1\n>\n";
    assert.deepEqual([...scanTextFieldNames(text)], ["a", "b", "c", "d"]);
  });
});
