import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { create, createFileRegistry, createRegistry, fromJson, getExtension, type DescMessage, type JsonValue } from "@bufbuild/protobuf";
import {
  DescriptorProtoSchema,
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
  FieldOptionsSchema,
  file_google_protobuf_struct,
  file_google_protobuf_wrappers,
  FileDescriptorProtoSchema,
  Int64ValueSchema,
  StructSchema,
  UInt64ValueSchema,
  ValueSchema,
} from "@bufbuild/protobuf/wkt";
import { ConnectionSchema } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { StatusSchema } from "../../gen/google/rpc/status_pb.js";
import { Int64RulesSchema, rules } from "../../gen/validate/validate_pb.js";
import { registry } from "../registry.js";
import { JsonReadError } from "../json/read-json.js";
import { parseJsonExact } from "./json-exact-integers.js";

/**
 * A test-only message with every 64-bit kind the package's protos lack: a
 * map value, a oneof member, repeated fixed64, and neighbours that must keep
 * number semantics (double, int32, a Struct).
 */
const Sixty = ((): DescMessage => {
  const field = (name: string, number: number, type: Type, extra: object = {}) => ({
    name,
    number,
    type,
    jsonName: name.replace(/_(.)/g, (_, c: string) => c.toUpperCase()),
    label: Label.OPTIONAL,
    ...extra,
  });
  const file = create(FileDescriptorProtoSchema, {
    name: "sixty.proto",
    package: "sixty.v1",
    syntax: "proto3",
    dependency: ["google/protobuf/struct.proto", "google/protobuf/wrappers.proto"],
    messageType: [
      create(DescriptorProtoSchema, {
        name: "Sixty",
        field: [
          field("s_int", 1, Type.SINT64),
          field("fixed_list", 2, Type.FIXED64, { label: Label.REPEATED }),
          field("by_name", 3, Type.MESSAGE, { label: Label.REPEATED, typeName: ".sixty.v1.Sixty.ByNameEntry" }),
          field("sf_member", 4, Type.SFIXED64, { oneofIndex: 0 }),
          field("ratio", 5, Type.DOUBLE),
          field("small", 6, Type.INT32),
          field("extra", 7, Type.MESSAGE, { typeName: ".google.protobuf.Struct" }),
          field("boxed", 8, Type.MESSAGE, { typeName: ".google.protobuf.UInt64Value" }),
          field("child", 9, Type.MESSAGE, { typeName: ".sixty.v1.Sixty" }),
        ],
        oneofDecl: [{ name: "choice" }],
        nestedType: [
          create(DescriptorProtoSchema, {
            name: "ByNameEntry",
            field: [field("key", 1, Type.STRING), field("value", 2, Type.INT64)],
            options: { mapEntry: true },
          }),
        ],
      }),
    ],
  });
  const deps = [file_google_protobuf_struct, file_google_protobuf_wrappers];
  return createFileRegistry(file, (name) => deps.find((d) => `${d.name}.proto` === name)).getMessage("sixty.v1.Sixty")!;
})();

suite("parseJsonExact()", () => {
  test("gives a 64-bit field's unsafe integer as its exact string, by JSON name or proto name", () => {
    assert.deepEqual(parseJsonExact(ConnectionSchema, '{"id": 18446744073709551615}', registry), { id: "18446744073709551615" });
    const text = '{"sInt": -9223372036854775808, "fixed_list": [1, 18446744073709551615], "byName": {"k": 9007199254740993}, "sfMember": 9007199254740993}';
    assert.deepEqual(parseJsonExact(Sixty, text, registry), {
      sInt: "-9223372036854775808",
      fixed_list: [1, "18446744073709551615"],
      byName: { k: "9007199254740993" },
      sfMember: "9007199254740993",
    });
    const message = fromJson(Sixty, parseJsonExact(Sixty, text, registry) as JsonValue) as unknown as Record<string, unknown>;
    assert.deepEqual(message["fixedList"], [1n, 18446744073709551615n]);
    assert.deepEqual(message["byName"], { k: 9007199254740993n });
    assert.deepEqual(message["choice"], { case: "sfMember", value: 9007199254740993n });
  });

  test("keeps number semantics for double, int32, Struct and Value", () => {
    const text = '{"ratio": 9007199254740993, "small": 9007199254740993, "extra": {"n": 9007199254740993, "l": [9007199254740993]}, "child": {"ratio": 9007199254740993}}';
    assert.deepEqual(parseJsonExact(Sixty, text, registry), JSON.parse(text));
    assert.equal(parseJsonExact(ValueSchema, "9007199254740993", registry), 9007199254740992);
    assert.deepEqual(parseJsonExact(StructSchema, '{"n": 9007199254740993}', registry), { n: 9007199254740992 });
  });

  test("reads nested messages and the bare JSON of Int64Value and UInt64Value", () => {
    assert.deepEqual(parseJsonExact(Sixty, '{"child": {"child": {"boxed": 18446744073709551615}}}', registry), {
      child: { child: { boxed: "18446744073709551615" } },
    });
    assert.equal(parseJsonExact(Int64ValueSchema, "-9007199254740993", registry), "-9007199254740993");
    assert.equal(parseJsonExact(UInt64ValueSchema, "\n18446744073709551615\n", registry), "18446744073709551615");
  });

  test("follows an Any by its @type, wherever the key stands", () => {
    const text =
      '{"details": [{"in": [9007199254740993], "@type": "type.googleapis.com/validate.Int64Rules"},' +
      ' {"@type": "type.googleapis.com/google.protobuf.Int64Value", "value": 9007199254740993},' +
      ' {"@type": "type.googleapis.com/google.protobuf.DoubleValue", "value": 9007199254740993},' +
      ' {"@type": "type.googleapis.com/unknown.Type", "value": 9007199254740993}]}';
    const details = (parseJsonExact(StatusSchema, text, registry) as { details: unknown[] }).details;
    assert.deepEqual(details, [
      { in: ["9007199254740993"], "@type": "type.googleapis.com/validate.Int64Rules" },
      { "@type": "type.googleapis.com/google.protobuf.Int64Value", value: "9007199254740993" },
      { "@type": "type.googleapis.com/google.protobuf.DoubleValue", value: 9007199254740992 },
      { "@type": "type.googleapis.com/unknown.Type", value: 9007199254740992 },
    ]);
    // Without the type in the registry, the Any's content is not known to be 64-bit.
    const bare = parseJsonExact(StatusSchema, text, createRegistry()) as { details: { value?: unknown }[] };
    assert.equal(bare.details[1]!.value, 9007199254740992);
  });

  test("follows an extension key through the registry", () => {
    const text = '{"[validate.rules]": {"int64": {"gte": -9007199254740993, "in": [9007199254740993]}}}';
    assert.deepEqual(parseJsonExact(FieldOptionsSchema, text, registry), { "[validate.rules]": { int64: { gte: "-9007199254740993", in: ["9007199254740993"] } } });
    const options = fromJson(FieldOptionsSchema, parseJsonExact(FieldOptionsSchema, text, registry) as JsonValue, { registry });
    const fieldRules = getExtension(options, rules);
    assert.equal(fieldRules.type.case === "int64" ? fieldRules.type.value.gte : undefined, -9007199254740993n);
  });

  test("never touches digits inside strings, nor a value a later duplicate key replaced", () => {
    const data = '"9007199254740993:9007199254740993,[9007199254740993"';
    assert.deepEqual(parseJsonExact(Int64RulesSchema, `{"const": ${data}}`, registry), { const: JSON.parse(data) });
    assert.deepEqual(parseJsonExact(Int64RulesSchema, '{"const": 9007199254740993, "const": 7}', registry), { const: 7 });
  });

  test("returns JSON.parse's result when no integer beyond 2^53 stands outside a string", () => {
    const text = '{"in": [1, 2, 900719925474099], "const": "12345678901234567890"}';
    assert.deepEqual(parseJsonExact(Int64RulesSchema, text, registry), JSON.parse(text));
  });

  test("throws the reader's error for invalid JSON", () => {
    assert.throws(() => parseJsonExact(Int64RulesSchema, '{"const": 9007199254740993', registry), JsonReadError);
  });
});
