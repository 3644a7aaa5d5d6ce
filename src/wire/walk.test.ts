import { suite, test } from "node:test";
import assert from "node:assert/strict";
import { create, toBinary, type DescMessage } from "@bufbuild/protobuf";
import { anyPack, DurationSchema, StructSchema } from "@bufbuild/protobuf/wkt";
import { NodeSchema } from "../../gen/envoy/config/core/v3/base_pb.js";
import { GrpcClientConfigSchema } from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/grpc_client_pb.js";
import { StatusSchema } from "../../gen/google/rpc/status_pb.js";
import { decode, isDecodeError } from "../codec/index.js";
import { registry } from "../registry.js";
import { validateBinary } from "../validate/index.js";
import { isCertainlyValidBinary } from "../validate/validate-binary.js";
import { messagePlan } from "./plan.js";
import { walk, type WalkReport } from "./walk.js";

/** The first fault a `locate` walk finds, with the path a `report` walk gives it. */
function fault(schema: DescMessage, bytes: Uint8Array) {
  const located = walk(bytes, messagePlan(schema), { mode: "locate", registry }) as WalkReport;
  if (!located.malformed) return undefined;
  const report = walk(bytes, messagePlan(schema), { mode: "report", registry }) as WalkReport;
  return report.violations.find((v) => v.ruleId !== "oneof.multiple");
}

const utf8 = (text: string) => [...new TextEncoder().encode(text)];
const varint = (value: number): number[] => {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  return [...out, rest];
};
const field = (number: number, content: readonly number[]) => [(number << 3) | 2, ...varint(content.length), ...content];
const packedAny = (typeName: string, value: readonly number[]) => [...field(1, utf8(`type.googleapis.com/${typeName}`)), ...field(2, value)];

/** Asserts that the walk, decode, validateBinary and its verdict all refuse `bytes` with `ruleId` at `path`. */
function assertRefused(schema: DescMessage, bytes: readonly number[], ruleId: string, path: string): void {
  const input = Uint8Array.from(bytes);
  const found = fault(schema, input);
  assert.equal(found?.ruleId, ruleId, JSON.stringify(found));
  assert.equal(found?.path, path);
  let thrown: unknown;
  try {
    decode(schema, input, "binary");
  } catch (error) {
    thrown = error;
  }
  assert.ok(isDecodeError(thrown), `decode() must throw a DecodeError, got ${String(thrown)}`);
  assert.deepEqual([thrown.ruleId, thrown.path, thrown.position], [ruleId, path, found?.position]);
  const result = validateBinary(schema, input);
  assert.equal(result.kind, "invalid");
  assert.ok(result.violations.some((v) => v.ruleId === ruleId && v.path === path), JSON.stringify(result.violations));
  assert.equal(result.message, undefined);
  assert.equal(isCertainlyValidBinary(schema, input), false);
}

suite("walk(): what Google's runtime refuses or reads otherwise is refused by name, by decode and validateBinary alike", () => {
  test("a map entry whose message value is written twice (Google merges, protobuf-es would keep the last)", () => {
    // Node.dynamic_parameters { key: "k" value: { params { "a": "1" } } value: { params { "b": "2" } } }
    const params = (key: string, value: string) => field(1, [...field(1, utf8(key)), ...field(2, utf8(value))]);
    const entry = [...field(1, utf8("k")), ...field(2, params("a", "1")), ...field(2, params("b", "2"))];
    assertRefused(NodeSchema, field(12, entry), "wire.map_entry_repeated_value", 'dynamic_parameters["k"]');
  });

  test("a Struct.fields entry whose Value is written twice", () => {
    const entry = [...field(1, utf8("k")), ...field(2, field(3, utf8("v"))), ...field(2, [0x08, 0x00])];
    assertRefused(StructSchema, field(1, entry), "wire.map_entry_repeated_value", 'fields["k"]');
  });

  test("a Duration packed in an Any with seconds written as fixed64 (protobuf-es would misread 7.500s)", () => {
    const duration = [0x09, 7, 0, 0, 0, 0, 0, 0, 0, 0x10, ...varint(500_000_000)];
    assertRefused(StatusSchema, field(3, packedAny("google.protobuf.Duration", duration)), "wire.any_payload", "details[0].seconds");
  });

  test("a length prefix written with 6 bytes (Google reads at most 5); 5 bytes are accepted", () => {
    const six = [0x1a, 0x82, 0x80, 0x80, 0x80, 0x80, 0x00, 0x08, 0x05];
    assertRefused(GrpcClientConfigSchema, six, "wire.invalid_length", "default_send_interval");
    const five = Uint8Array.from([0x1a, 0x82, 0x80, 0x80, 0x80, 0x00, 0x08, 0x05]);
    assert.equal(fault(GrpcClientConfigSchema, five), undefined);
    assert.equal(decode(GrpcClientConfigSchema, five, "binary")[0]!.defaultSendInterval?.seconds, 5n);
  });

  test("a varint that runs past the end of its enclosing message (protobuf-es reads on)", () => {
    // GrpcClientConfig.default_send_interval { nanos: <6-byte varint> } with a length of 5.
    assertRefused(GrpcClientConfigSchema, [0x1a, 5, 0x10, 0x84, 0xe6, 0xf0, 0xf5, 0x0b], "wire.invalid_length", "default_send_interval.nanos");
  });

  test("a Struct field held as a JSON object that would lose a Value with no kind or an unknown field", () => {
    const noKind = field(3, field(1, [...field(1, utf8("k")), ...field(2, [])]));
    assertRefused(NodeSchema, noKind, "wire.struct_unrepresentable", 'metadata.fields["k"]');
    const unknown = field(3, [0x10, 0x01]);
    assertRefused(NodeSchema, unknown, "wire.struct_unrepresentable", "metadata");
  });

  test("decode() throws only DecodeError for bad Any payloads", () => {
    const payloads = [
      [0x0b, 0x14], // a group closed by the end tag of another field
      [0x0c], // an end-group tag with no group
      [0x08], // truncated varint
      [0x12, 0x05, 0x01], // length past the end
      [0x0f], // wire type 7
    ];
    for (const payload of payloads) {
      const bytes = Uint8Array.from(field(3, packedAny("google.protobuf.Duration", payload)));
      assert.throws(() => decode(StatusSchema, bytes, "binary"), (error) => isDecodeError(error) && error.ruleId === "wire.any_payload");
    }
  });

  test("a valid message with every kind of field, Any payloads included, is faithful", () => {
    const status = create(StatusSchema, {
      code: 3,
      details: [anyPack(DurationSchema, create(DurationSchema, { seconds: 7n, nanos: 500_000_000 })), anyPack(GrpcClientConfigSchema, create(GrpcClientConfigSchema, { cluster: "c" }))],
    });
    assert.equal(fault(StatusSchema, toBinary(StatusSchema, status)), undefined);
    assert.equal(isCertainlyValidBinary(StatusSchema, toBinary(StatusSchema, status)), true);
  });
});
