import { suite, test } from "node:test";
import assert from "node:assert/strict";
import { StructSchema } from "@bufbuild/protobuf/wkt";
import { NodeSchema } from "../../gen/envoy/config/core/v3/base_pb.js";
import { isCertainlyCleanJson } from "../validate/clean-json.js";
import { validateJson } from "../validate/index.js";
import { findLoneSurrogate } from "./find-lone-surrogate.js";
import { decode, isDecodeError } from "./index.js";

suite("findLoneSurrogate(): lone surrogates in JSON are refused everywhere, as Google's runtime refuses them", () => {
  const documents: [string, typeof NodeSchema | typeof StructSchema, string][] = [
    ["a Struct value in Node.metadata", NodeSchema, '{"metadata":{"k":"a\\ud800"}}'],
    ["a Struct key in Node.metadata", NodeSchema, '{"metadata":{"\\udfff":1}}'],
    ["a Struct key at the top level", StructSchema, '{"x":{"a\\udc00b":null}}'],
    ["a string field", NodeSchema, '{"id":"\\ud800"}'],
  ];
  for (const [name, schema, text] of documents) {
    test(`in ${name}`, () => {
      assert.notEqual(findLoneSurrogate(JSON.parse(text)), undefined);
      assert.throws(() => decode(schema, new TextEncoder().encode(text), "json"), (error) => isDecodeError(error) && /lone UTF-16 surrogate/.test(error.message));
      const result = validateJson(schema, text);
      assert.deepEqual(result.violations.map((v) => v.ruleId), ["json.lone_surrogate"]);
      assert.equal(isCertainlyCleanJson(schema, text), false);
    });
  }

  test("a surrogate pair is text, and is kept", () => {
    const text = '{"metadata":{"k":"\\ud83d\\ude00"}}';
    assert.equal(findLoneSurrogate(JSON.parse(text)), undefined);
    const [node] = decode(NodeSchema, new TextEncoder().encode(text), "json");
    assert.deepEqual(node!.metadata, { k: "😀" });
  });
});
