import { suite, test } from "node:test";
import assert from "node:assert/strict";
import { create, toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { anyPack, DurationSchema, StructSchema, TimestampSchema, ValueSchema } from "@bufbuild/protobuf/wkt";
import { ReverseTunnelSchema } from "../../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { StatusSchema } from "../../../gen/google/rpc/status_pb.js";
import { isCertainlyValidBinary } from "../validate-binary.js";
import { validate } from "../validate.js";
import { validateBinary } from "../validate-binary.js";

const identity = { tenantId: "t", clusterId: "c", nodeId: "n" };

function assertRefused<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>, ruleId: string, path: string): void {
  assert.deepEqual(validate(schema, message).violations.map((v) => [v.ruleId, v.path]), [[ruleId, path]]);
  const bytes = toBinary(schema, message);
  assert.deepEqual(validateBinary(schema, bytes).violations.map((v) => [v.ruleId, v.path]), [[ruleId, path]]);
  assert.equal(isCertainlyValidBinary(schema, bytes), false);
}

suite("findUnprintable(): what convert cannot print is refused by validate too", () => {
  test("a Timestamp with nanos out of range, in a field with only timestamp.required", () => {
    const tunnel = create(ReverseTunnelSchema, { name: "a", identity, createdAt: { seconds: 1n, nanos: 2_000_000_000 } });
    assertRefused(ReverseTunnelSchema, tunnel, "timestamp.valid", "created_at");
  });

  test("a Timestamp after 9999-12-31", () => {
    const tunnel = create(ReverseTunnelSchema, { name: "a", identity, createdAt: { seconds: 253_402_300_800n } });
    assertRefused(ReverseTunnelSchema, tunnel, "timestamp.valid", "created_at");
  });

  test("a Duration and a Timestamp out of range packed in an Any", () => {
    assertRefused(StatusSchema, create(StatusSchema, { details: [anyPack(DurationSchema, create(DurationSchema, { seconds: 315_576_000_001n }))] }), "duration.valid", "details[0]");
    assertRefused(StatusSchema, create(StatusSchema, { details: [anyPack(TimestampSchema, create(TimestampSchema, { nanos: -1 }))] }), "timestamp.valid", "details[0]");
  });

  test("a Struct Value with no kind, and a NaN number", () => {
    const noKind = create(StructSchema, { fields: { k: create(ValueSchema, {}) } });
    assertRefused(StatusSchema, create(StatusSchema, { details: [anyPack(StructSchema, noKind)] }), "value.valid", 'details[0].fields["k"]');
    const nan = create(ValueSchema, { kind: { case: "numberValue", value: Number.NaN } });
    assertRefused(StatusSchema, create(StatusSchema, { details: [anyPack(ValueSchema, nan)] }), "value.valid", "details[0]");
  });

  test("valid timestamps, durations and values pass", () => {
    const status = create(StatusSchema, {
      details: [
        anyPack(TimestampSchema, create(TimestampSchema, { seconds: 253_402_300_799n, nanos: 999_999_999 })),
        anyPack(DurationSchema, create(DurationSchema, { seconds: -315_576_000_000n, nanos: -999_999_999 })),
        anyPack(ValueSchema, create(ValueSchema, { kind: { case: "nullValue", value: 0 } })),
      ],
    });
    assert.equal(validate(StatusSchema, status).kind, "valid");
    assert.equal(isCertainlyValidBinary(StatusSchema, toBinary(StatusSchema, status)), true);
  });
});
