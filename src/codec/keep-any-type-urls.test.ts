import { suite, test } from "node:test";
import assert from "node:assert/strict";
import { StatusSchema } from "../../gen/google/rpc/status_pb.js";
import { validateJson } from "../validate/index.js";
import { decode, isDecodeError } from "./index.js";

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

suite("keepAnyTypeUrls(): JSON keeps an Any's type URL as written, as Google's runtime does", () => {
  test("a type URL with another prefix than type.googleapis.com is kept, also in an Any packed in an Any", () => {
    const document = {
      details: [
        { "@type": "example.com/x/google.protobuf.Duration", value: "1s" },
        { "@type": "example.com/google.protobuf.Any", value: { "@type": "other.example/google.protobuf.Duration", value: "2s" } },
      ],
    };
    const [status] = decode(StatusSchema, json(document), "json");
    assert.equal(status!.details[0]!.typeUrl, "example.com/x/google.protobuf.Duration");
    assert.equal(status!.details[1]!.typeUrl, "example.com/google.protobuf.Any");
    // The packed Any: field 1 (type URL) holds the inner prefix as written.
    assert.ok(new TextDecoder().decode(status!.details[1]!.value).includes("other.example/google.protobuf.Duration"));
    const result = validateJson(StatusSchema, JSON.stringify(document));
    assert.equal(result.kind, "valid");
    assert.equal(result.message!.details[0]!.typeUrl, "example.com/x/google.protobuf.Duration");
  });

  test("an Any of a well-known type with a key beside @type and value is refused (Google reads only those two)", () => {
    const document = { details: [{ "@type": "type.googleapis.com/google.protobuf.Duration", value: "1s", extra: 1 }] };
    assert.throws(() => decode(StatusSchema, json(document), "json"), (error) => isDecodeError(error) && /takes only "@type" and "value", not "extra"/.test(error.message));
    const result = validateJson(StatusSchema, JSON.stringify(document));
    assert.deepEqual(result.violations.map((v) => [v.ruleId, v.path]), [["json.any", "details[0]"]]);
  });

  test("an Any of a well-known type without value is refused", () => {
    const document = { details: [{ "@type": "type.googleapis.com/google.protobuf.Struct", k: 1 }] };
    assert.throws(() => decode(StatusSchema, json(document), "json"), (error) => isDecodeError(error));
  });
});
