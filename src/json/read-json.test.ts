import assert from "node:assert/strict";
import { suite, test } from "node:test";
import fc from "fast-check";
import { JsonReadError, readJson } from "./read-json.js";

/** The reader's refusal of `text`: its UTF-16 index, reason and kind. */
function refusal(text: string, maxDepth?: number): { index: number; reason: string; kind: string } {
  try {
    readJson(text, maxDepth === undefined ? {} : { maxDepth });
  } catch (error) {
    assert.ok(error instanceof JsonReadError);
    return { index: error.index, reason: error.reason, kind: error.kind };
  }
  assert.fail(`${JSON.stringify(text)} was read`);
}

suite("readJson()", () => {
  test("reads what JSON.parse reads, to the same value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 2), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        assert.deepEqual(readJson(text, { maxDepth: 1000 }).value, JSON.parse(text));
      }),
      { seed: 10, numRuns: 300 },
    );
    const text = ' {"a": [1, -0.5e-3, 1E+2, true, false, null, "\\u00e9\\n\\"\\\\\\/\\b\\f\\r\\t😀"], "": {}} ';
    assert.deepEqual(readJson(text).value, JSON.parse(text));
  });

  test("refuses what JSON.parse refuses, at the offending character", () => {
    const cases: [string, number, string][] = [
      ["", 0, "invalid JSON: unexpected end of input"],
      ["{} {}", 3, "invalid JSON: unexpected '{' after the value"],
      ['{"a": 1,}', 8, `invalid JSON: expected a property name in double quotes, got '}'`],
      ["[1,]", 3, "invalid JSON: unexpected ']' where a value should start"],
      ['{"a" 1}', 5, "invalid JSON: expected ':' after a property name, got '1'"],
      ['{"a": 1 "b": 2}', 8, `invalid JSON: expected ',' or '}', got '"'`],
      ["[1 2]", 3, "invalid JSON: expected ',' or ']', got '2'"],
      ['"abc', 0, "invalid JSON: unterminated string"],
      ['"a\\x"', 2, "invalid JSON: invalid escape sequence in a string"],
      ['"a\\u12g4"', 2, "invalid JSON: invalid escape sequence in a string"],
      ['"a\tb"', 2, "invalid JSON: control character in a string (escape it)"],
      ["01", 1, "invalid JSON: unexpected '1' after the value"],
      ["-", 1, "invalid JSON: unexpected end of input where a digit should be"],
      ["1.", 2, "invalid JSON: unexpected end of input where a digit should be"],
      ["1e+", 3, "invalid JSON: unexpected end of input where a digit should be"],
      ["tru", 0, "invalid JSON: unexpected 't' where a value should start"],
      ["[1", 2, "invalid JSON: unexpected end of input"],
      ["\u00a0 1", 0, "invalid JSON: unexpected U+00A0 where a value should start"],
    ];
    for (const [text, index, reason] of cases) {
      assert.throws(() => JSON.parse(text), SyntaxError, text);
      assert.deepEqual(refusal(text), { index, reason, kind: "syntax" }, text);
    }
  });

  test("refuses nesting deeper than maxDepth at the opening bracket, before descending", () => {
    assert.deepEqual(refusal("[[[1]]]", 2), { index: 2, reason: "document nests deeper than 2 levels", kind: "depth" });
    assert.deepEqual(readJson("[[[1]]]", { maxDepth: 3 }).value, [[[1]]]);
    // Far deeper than the stack allows for recursion: refused, not a RangeError.
    assert.equal(refusal("[".repeat(1_000_000), 100).kind, "depth");
    assert.equal(refusal('{"a":'.repeat(101) + "1" + "}".repeat(101)).index, 500);
  });

  test("notes each repeated key with its offset and JSON pointer tokens; the last one wins", () => {
    const text = '{"a": 1, "b": {"c": 2, "c": 3, "c": 4}, "a": 5}';
    const read = readJson(text);
    assert.deepEqual(read.duplicateKeys, [
      { key: "c", index: 23, tokens: ["b", "c"] },
      { key: "c", index: 31, tokens: ["b", "c"] },
      { key: "a", index: 40, tokens: ["a"] },
    ]);
    assert.deepEqual(read.value, JSON.parse(text));
    // Array indexes, and keys compared by their value, escapes decoded.
    assert.deepEqual(readJson('[0, [1, {"k": 1, "\\u006b": 2}]]').duplicateKeys, [{ key: "k", index: 17, tokens: ["1", "1", "k"] }]);
    assert.deepEqual(readJson('{"a": {"k": 1}, "b": {"k": 1}}').duplicateKeys, []);
    // Names an object inherits are keys like any other.
    assert.deepEqual(readJson('{"toString": 1, "constructor": null}').duplicateKeys, []);
    assert.deepEqual(readJson('{"toString": 1, "toString": 2}').duplicateKeys, [{ key: "toString", index: 16, tokens: ["toString"] }]);
  });

  test("notes integer tokens beyond ±2^53 with their places, and nothing in strings", () => {
    const text = '{"a": [1, 9007199254740992, {"\\u0062": -9007199254740993}], "s": "9007199254740993", "c": 18446744073709551615}';
    assert.deepEqual(readJson(text).unsafeIntegers, [
      { text: "9007199254740992", index: 10, tokens: ["a", "1"] },
      { text: "-9007199254740993", index: 39, tokens: ["a", "2", "b"] },
      { text: "18446744073709551615", index: 90, tokens: ["c"] },
    ]);
    const safe = '[9007199254740991, -9007199254740991, 9007199254740993.0, 1.5e20, 90071992547409930e0, "\\"", 1]';
    assert.deepEqual(readJson(safe).unsafeIntegers, []);
    assert.deepEqual(readJson(" 9223372036854775807 ").unsafeIntegers, [{ text: "9223372036854775807", index: 1, tokens: [] }]);
  });

  test("keeps __proto__ as an own property, as JSON.parse does, and notes where it is", () => {
    const text = '{"m": {"__proto__": {"polluted": true}}}';
    const read = readJson(text);
    assert.deepEqual(read.prototypeKeys, [{ index: 7, tokens: ["m", "__proto__"] }]);
    const m = (read.value as { m: object }).m;
    assert.equal(Object.getPrototypeOf(m), Object.prototype);
    assert.deepEqual(Object.keys(m), ["__proto__"]);
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
  });

  test("notes the first string or key with a lone surrogate, escaped or raw; a pair is text", () => {
    assert.deepEqual(readJson('["ok", {"\\ud800x": 1}, "\\udc00"]').loneSurrogate, { index: 8, value: "\ud800x" });
    assert.deepEqual(readJson(`["\ud800"]`).loneSurrogate, { index: 1, value: "\ud800" });
    assert.equal(readJson('["\\ud83d\\ude00", "😀"]').loneSurrogate, undefined);
  });

  test("builds a tree of positions on request", () => {
    const text = '{"a": [1, "x"],\n "b": null}';
    assert.equal(readJson(text).tree, undefined);
    const tree = readJson(text, { tree: true }).tree!;
    assert.equal(tree.type, "object");
    const [a, b] = tree.children!;
    assert.deepEqual(a!.children![0], { type: "string", offset: 1, length: 3, value: "a" });
    assert.deepEqual(a!.children![1], {
      type: "array",
      offset: 6,
      length: 8,
      children: [
        { type: "number", offset: 7, length: 1, value: 1 },
        { type: "string", offset: 10, length: 3, value: "x" },
      ],
    });
    assert.deepEqual(b, {
      type: "property",
      offset: 17,
      length: 9,
      children: [
        { type: "string", offset: 17, length: 3, value: "b" },
        { type: "null", offset: 22, length: 4, value: null },
      ],
    });
    assert.equal(tree.length, text.length);
  });
});
