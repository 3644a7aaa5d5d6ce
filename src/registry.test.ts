import { suite, test } from "node:test";
import assert from "node:assert/strict";
import { isUnknownTypeError, listTypes, registry, resolveType } from "./registry.js";
import { TraceSchema } from "../gen/envoy/data/tap/v2alpha/capture_pb.js";

suite("resolveType()", () => {
  test("finds a type by its full name, with or without a leading dot", () => {
    assert.equal(resolveType("envoy.data.tap.v2alpha.Trace"), TraceSchema);
    assert.equal(resolveType(".envoy.data.tap.v2alpha.Trace"), TraceSchema);
  });

  test("finds a type by its unique short name, nested ones included", () => {
    assert.equal(resolveType("Trace"), TraceSchema);
    assert.equal(resolveType("Event.Read").typeName, "envoy.data.tap.v2alpha.Event.Read");
    assert.equal(
      resolveType("StreamReverseTunnelsRequest").typeName,
      "envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.StreamReverseTunnelsRequest",
    );
  });

  test("refuses a name two packages declare, listing the full names", () => {
    assert.throws(() => resolveType("Pipe"), {
      name: "UnknownTypeError",
      message: 'type name "Pipe" is ambiguous; use one of: envoy.api.v2.core.Pipe, envoy.config.core.v3.Pipe',
    });
  });

  test("keeps the v2alpha tap types' short names when v3 declares the same name", () => {
    assert.equal(resolveType("Connection").typeName, "envoy.data.tap.v2alpha.Connection");
    assert.equal(resolveType("envoy.data.tap.v3.Connection").typeName, "envoy.data.tap.v3.Connection");
  });

  test("suggests close matches for a misspelt name", () => {
    assert.throws(() => resolveType("Trac"), { message: 'unknown type "Trac"; did you mean "Trace" or "HttpBufferedTrace" or "HttpBufferedTrace.Message"?' });
    assert.throws(() => resolveType("StreamReverseTunnelRequest"), {
      message: 'unknown type "StreamReverseTunnelRequest"; did you mean "StreamReverseTunnelsRequest" or "StreamReverseTunnelsResponse" or "ReverseTunnel"?',
    });
  });

  test("points at the types command when nothing is close", () => {
    try {
      resolveType("xyz");
      assert.fail("expected an error");
    } catch (error) {
      assert.ok(isUnknownTypeError(error));
      assert.equal(error.message, 'unknown type "xyz"; run `envoy-tap-tunnel types` to list the types');
      assert.deepEqual(error.suggestions, []);
    }
  });
});

suite("listTypes()", () => {
  test("lists the primary types first, and no well-known or annotation types", () => {
    const types = listTypes();
    const primary = types.filter((t) => t.primary).map((t) => t.shortName);
    assert.deepEqual(primary, [
      "Connection",
      "Event",
      "Event.Read",
      "Event.Write",
      "Trace",
      "Body",
      "envoy.data.tap.v3.Connection",
      "HttpBufferedTrace",
      "HttpBufferedTrace.Message",
      "HttpStreamedTraceSegment",
      "SocketBufferedTrace",
      "SocketEvent",
      "SocketEvent.Closed",
      "SocketEvent.Read",
      "SocketEvent.Write",
      "SocketEvents",
      "SocketStreamedTraceSegment",
      "TraceWrapper",
      "GrpcClientConfig",
      "ReverseTunnel",
      "StreamReverseTunnelsRequest",
      "StreamReverseTunnelsResponse",
      "TunnelInitiatorIdentity",
      "EventReporterConfig",
      "ReverseConnectionReporterClient",
    ]);
    assert.ok(types.slice(0, primary.length).every((t) => t.primary));
    assert.ok(!types.some((t) => t.typeName.startsWith("google.protobuf.") || t.typeName.startsWith("validate.")));
  });

  test("every short name resolves back to its own type", () => {
    for (const entry of listTypes()) assert.equal(resolveType(entry.shortName), entry.schema);
  });
});

suite("registry", () => {
  test("resolves the package's types and the well-known types an Any may pack", () => {
    for (const name of ["google.rpc.BadRequest", "google.protobuf.Duration", "google.protobuf.Struct", "envoy.config.core.v3.Node"]) {
      assert.ok(registry.getMessage(name), name);
    }
  });
});
