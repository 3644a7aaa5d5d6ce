import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { anyPack, DurationSchema } from "@bufbuild/protobuf/wkt";
import { AddressSchema as AddressV2Schema, PipeSchema as PipeV2Schema, SocketAddressSchema as SocketAddressV2Schema } from "../../gen/envoy/api/v2/core/address_pb.js";
import { NodeSchema } from "../../gen/envoy/config/core/v3/base_pb.js";
import { TraceSchema } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { GrpcClientConfigSchema } from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/grpc_client_pb.js";
import {
  StreamReverseTunnelsRequestSchema,
  StreamReverseTunnelsResponseSchema,
  TunnelInitiatorIdentitySchema,
} from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { EventReporterConfigSchema } from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/reporters/event_reporter_pb.js";
import { fullRequest, fullResponse, fullTrace } from "../../test/full-messages.testdata.js";
import { assertValid, isValidationError, validate, ValidationError, type Violation } from "./index.js";

const identity = (init: { tenantId?: string; clusterId?: string; nodeId?: string }) =>
  create(TunnelInitiatorIdentitySchema, { tenantId: "acme", clusterId: "c", nodeId: "n", ...init });

const minLen1 = (path: string, value: string): Violation => ({
  path,
  ruleId: "string.min_len",
  message: "value length must be at least 1 characters",
  value,
  params: { min_len: 1 },
});

suite("validate()", () => {
  test("accepts the fully populated seed messages", () => {
    // The seed trace writes after the write that ends its stream: a relation of Trace, a warning.
    assert.deepEqual(validate(TraceSchema, fullTrace), {
      kind: "valid",
      violations: [],
      warnings: [{ path: "events[2].write", ruleId: "trace.write_after_end_stream", message: "write after events[1] ended the stream (end_stream: true)" }],
    });
    assert.deepEqual(validate(StreamReverseTunnelsRequestSchema, fullRequest), { kind: "valid", violations: [], warnings: [] });
    assert.deepEqual(validate(StreamReverseTunnelsResponseSchema, fullResponse), { kind: "valid", violations: [], warnings: [] });
  });

  test("reports string.min_len on an empty tenant_id", () => {
    assert.deepEqual(validate(TunnelInitiatorIdentitySchema, identity({ tenantId: "" })).violations, [minLen1("tenant_id", "")]);
  });

  test("counts code points: a 128-code-point multi-byte tenant_id passes max_len 128, 129 fail", () => {
    for (const unit of ["é", "😀"]) {
      assert.equal(validate(TunnelInitiatorIdentitySchema, identity({ tenantId: unit.repeat(128) })).kind, "valid", unit);
      assert.deepEqual(validate(TunnelInitiatorIdentitySchema, identity({ tenantId: unit.repeat(129) })).violations, [
        { path: "tenant_id", ruleId: "string.max_len", message: "value length must be at most 128 characters", value: unit.repeat(129), params: { max_len: 128 } },
      ]);
    }
  });

  test("reports every violation of a report with their paths, in field order", () => {
    const request = create(StreamReverseTunnelsRequestSchema, {
      addedTunnels: [
        { name: "ok", identity: identity({}), createdAt: { seconds: 1n } },
        { name: "", identity: identity({ nodeId: "" }) },
        { name: "no-identity", createdAt: { seconds: 1n } },
      ],
      removedTunnelNames: ["gone", ""],
      nonce: -1n,
    });
    assert.deepEqual(validate(StreamReverseTunnelsRequestSchema, request).violations, [
      { path: "node", ruleId: "message.required", message: "value is required" },
      minLen1("added_tunnels[1].name", ""),
      minLen1("added_tunnels[1].identity.node_id", ""),
      { path: "added_tunnels[1].created_at", ruleId: "timestamp.required", message: "value is required" },
      { path: "added_tunnels[2].identity", ruleId: "message.required", message: "value is required" },
      minLen1("removed_tunnel_names[1]", ""),
      { path: "nonce", ruleId: "int64.gte", message: "value must be greater than or equal to 0", value: -1, params: { gte: 0 } },
    ]);
  });

  test("reports oneof.required at the oneof's path under its parent", () => {
    const trace = create(TraceSchema, {
      events: [{ eventSelector: { case: "read", value: {} } }, {}, { eventSelector: { case: "write", value: {} } }, {}],
    });
    assert.deepEqual(validate(TraceSchema, trace).violations, [
      { path: "events[1].event_selector", ruleId: "oneof.required", message: "exactly one of read, write must be set" },
      { path: "events[3].event_selector", ruleId: "oneof.required", message: "exactly one of read, write must be set" },
    ]);
  });

  test("validates the addresses of a tap connection", () => {
    const trace = create(TraceSchema, {
      connection: {
        localAddress: create(AddressV2Schema, {
          address: { case: "socketAddress", value: { protocol: 9 as never, address: "", portSpecifier: { case: "portValue", value: 65536 } } },
        }),
        remoteAddress: create(AddressV2Schema, { address: { case: "pipe", value: { path: "", mode: 0o1000 } } }),
      },
    });
    assert.deepEqual(validate(TraceSchema, trace).violations, [
      { path: "connection.local_address.socket_address.protocol", ruleId: "enum.defined_only", message: "value must be one of the defined enum values", value: 9, params: { defined_only: true } },
      { path: "connection.local_address.socket_address.address", ruleId: "string.min_bytes", message: "value length must be at least 1 bytes", value: "", params: { min_bytes: 1 } },
      { path: "connection.local_address.socket_address.port_value", ruleId: "uint32.lte", message: "value must be less than or equal to 65535", value: 65536, params: { lte: 65535 } },
      { path: "connection.remote_address.pipe.path", ruleId: "string.min_bytes", message: "value length must be at least 1 bytes", value: "", params: { min_bytes: 1 } },
      { path: "connection.remote_address.pipe.mode", ruleId: "uint32.lte", message: "value must be less than or equal to 511", value: 512, params: { lte: 511 } },
    ]);
    assert.deepEqual(validate(SocketAddressV2Schema, create(SocketAddressV2Schema, { address: "::1" })).violations, [
      { path: "port_specifier", ruleId: "oneof.required", message: "exactly one of port_value, named_port must be set" },
    ]);
    assert.equal(validate(PipeV2Schema, create(PipeV2Schema, { path: "/p", mode: 511 })).kind, "valid");
  });

  test("validates map values and deprecated fields of a Node", () => {
    const node = create(NodeSchema, {
      dynamicParameters: { k: { params: { a: "b" } } },
      listeningAddresses: [{ address: { case: "pipe", value: { path: "" } } }],
    });
    assert.deepEqual(validate(NodeSchema, node).violations, [minLen1("listening_addresses[0].pipe.path", "")]);
  });

  test("reports duration.gte and duration.lte on report_interval", () => {
    const tooShort = create(StreamReverseTunnelsResponseSchema, { reportInterval: { nanos: 24_999_999 } });
    const tooLong = create(StreamReverseTunnelsResponseSchema, { reportInterval: { seconds: 3600n, nanos: 1 } });
    assert.deepEqual(validate(StreamReverseTunnelsResponseSchema, tooShort).violations, [
      { path: "report_interval", ruleId: "duration.gte", message: "value must be greater than or equal to 0.025s", value: "0.024999999s", params: { gte: "0.025s" } },
    ]);
    assert.deepEqual(validate(StreamReverseTunnelsResponseSchema, tooLong).violations, [
      { path: "report_interval", ruleId: "duration.lte", message: "value must be less than or equal to 3600s", value: "3600.000000001s", params: { lte: "3600s" } },
    ]);
    assert.equal(validate(StreamReverseTunnelsResponseSchema, create(StreamReverseTunnelsResponseSchema)).kind, "valid");
  });

  test("reports the rules of the reporter configuration", () => {
    assert.deepEqual(validate(EventReporterConfigSchema, create(EventReporterConfigSchema)).violations, [
      { path: "clients", ruleId: "repeated.min_items", message: "value must contain at least 1 item(s)", value: 0, params: { min_items: 1 } },
    ]);
    const config = create(EventReporterConfigSchema, { clients: [{ name: "grpc" }, { name: "", typedConfig: anyPack(DurationSchema, create(DurationSchema)) }] });
    assert.deepEqual(validate(EventReporterConfigSchema, config).violations, [
      { path: "clients[0].typed_config", ruleId: "any.required", message: "value is required" },
      minLen1("clients[1].name", ""),
    ]);
    assert.deepEqual(validate(GrpcClientConfigSchema, create(GrpcClientConfigSchema, { cluster: "xds", connectRetryInterval: { seconds: 3601n } })).violations, [
      { path: "connect_retry_interval", ruleId: "duration.lte", message: "value must be less than or equal to 3600s", value: "3601s", params: { lte: "3600s" } },
    ]);
  });

  test("stops at the first violation with failFast", () => {
    const request = create(StreamReverseTunnelsRequestSchema, { removedTunnelNames: ["", ""], nonce: -1n });
    assert.deepEqual(validate(StreamReverseTunnelsRequestSchema, request, { failFast: true }), {
      kind: "invalid",
      violations: [{ path: "node", ruleId: "message.required", message: "value is required" }],
      warnings: [],
    });
  });

  test("throws a TypeError for a message of another type", () => {
    assert.throws(() => validate(TraceSchema, fullRequest as never), {
      name: "TypeError",
      message: "cannot validate a envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.StreamReverseTunnelsRequest message as envoy.data.tap.v2alpha.Trace",
    });
  });
});

suite("assertValid()", () => {
  test("returns for a valid message", () => {
    assert.equal(assertValid(TraceSchema, fullTrace), undefined);
  });

  test("throws a ValidationError naming the first violation and how many follow", () => {
    const trace = create(TraceSchema, { events: [{}, {}, {}] });
    let caught: unknown;
    try {
      assertValid(TraceSchema, trace);
    } catch (error) {
      caught = error;
    }
    assert.ok(isValidationError(caught));
    assert.ok(caught instanceof ValidationError);
    assert.equal(caught.name, "ValidationError");
    assert.equal(
      caught.message,
      "invalid envoy.data.tap.v2alpha.Trace: events[0].event_selector: exactly one of read, write must be set [oneof.required] (and 2 more)",
    );
    assert.equal(caught.typeName, "envoy.data.tap.v2alpha.Trace");
    assert.deepEqual(
      caught.violations.map((v) => v.path),
      ["events[0].event_selector", "events[1].event_selector", "events[2].event_selector"],
    );
  });

  test("names a single violation without a count", () => {
    assert.throws(() => assertValid(TunnelInitiatorIdentitySchema, identity({ clusterId: "" })), {
      name: "ValidationError",
      message:
        "invalid envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.TunnelInitiatorIdentity: cluster_id: value length must be at least 1 characters [string.min_len]",
    });
  });

  test("isValidationError() is false for other errors", () => {
    assert.equal(isValidationError(new Error("x")), false);
    assert.equal(isValidationError("ValidationError"), false);
  });
});
