import { suite, test } from "node:test";
import assert from "node:assert/strict";
import { create, toJson } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { BadRequestSchema } from "../../gen/google/rpc/error_details_pb.js";
import { StreamReverseTunnelsResponseSchema } from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { ReverseConnectionReporterClientSchema } from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/reporters/event_reporter_pb.js";
import { TraceSchema } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { fullTrace } from "../../test/full-messages.testdata.js";
import { registry } from "../registry.js";
import { findUnwritableAny } from "./unwritable-any.js";

const known = anyPack(BadRequestSchema, create(BadRequestSchema, { fieldViolations: [{ field: "f" }] }));

function response(...details: { typeUrl: string; value: Uint8Array }[]) {
  return create(StreamReverseTunnelsResponseSchema, { errorDetail: { details } });
}

suite("findUnwritableAny()", () => {
  test("is empty for a type without Any and for Anys the registry resolves", () => {
    assert.deepEqual(findUnwritableAny(TraceSchema, fullTrace), []);
    assert.deepEqual(findUnwritableAny(StreamReverseTunnelsResponseSchema, response(known, { typeUrl: "", value: new Uint8Array() })), []);
  });

  test("names each Any JSON cannot write, and whether text keeps it", () => {
    const found = findUnwritableAny(
      StreamReverseTunnelsResponseSchema,
      response(
        { typeUrl: "type.example.com/x.Unknown", value: Uint8Array.of(1) },
        known,
        { typeUrl: "", value: Uint8Array.of(0x08, 0x01) },
        { typeUrl: "type.googleapis.com/google.rpc.BadRequest", value: Uint8Array.of(0x0a, 0x05) },
        { typeUrl: "type.googleapis.com/", value: new Uint8Array() },
      ),
    );
    assert.deepEqual(
      found.map(({ path, reason, textKeeps }) => ({ path, reason, textKeeps })),
      [
        { path: "error_detail.details[0]", reason: 'the type of google.protobuf.Any "type.example.com/x.Unknown" is not in the type registry', textKeeps: true },
        { path: "error_detail.details[2]", reason: "google.protobuf.Any has a value of 2 bytes but no type URL", textKeeps: true },
        { path: "error_detail.details[3]", reason: 'the value of google.protobuf.Any "type.googleapis.com/google.rpc.BadRequest" does not decode as that type', textKeeps: false },
        { path: "error_detail.details[4]", reason: 'google.protobuf.Any type URL "type.googleapis.com/" names no type', textKeeps: false },
      ],
    );
  });

  test("drop removes list elements (all of them, whatever the order) and clears a singular field, leaving writable JSON", () => {
    const message = response({ typeUrl: "type.example.com/x.A", value: new Uint8Array() }, known, { typeUrl: "type.example.com/x.B", value: new Uint8Array() });
    assert.throws(() => toJson(StreamReverseTunnelsResponseSchema, message, { registry }));
    for (const any of findUnwritableAny(StreamReverseTunnelsResponseSchema, message)) any.drop();
    assert.deepEqual(toJson(StreamReverseTunnelsResponseSchema, message, { registry }), {
      errorDetail: { details: [{ "@type": "type.googleapis.com/google.rpc.BadRequest", fieldViolations: [{ field: "f" }] }] },
    });

    const client = create(ReverseConnectionReporterClientSchema, { name: "c", typedConfig: { typeUrl: "type.example.com/x.Config", value: Uint8Array.of(1) } });
    const [config] = findUnwritableAny(ReverseConnectionReporterClientSchema, client);
    assert.equal(config?.path, "typed_config");
    config.drop();
    assert.equal(client.typedConfig, undefined);
  });
});
