import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { inferType } from "./infer-type.js";
import { typeFromFileName } from "./resolve-input-type.js";

function inferred(names: string[], spelling: "json" | "text" = "json"): string | readonly string[] {
  const result = inferType(new Set(names), spelling);
  return result.ok ? result.type.typeName : result.candidates;
}

suite("inferType()", () => {
  test("picks Trace from its fields in either JSON spelling", () => {
    assert.equal(inferred(["connection", "events"]), "envoy.data.tap.v2alpha.Trace");
    assert.equal(
      inferred(["node", "addedTunnels"]),
      "envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.StreamReverseTunnelsRequest",
    );
    assert.equal(
      inferred(["node", "added_tunnels"], "text"),
      "envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.StreamReverseTunnelsRequest",
    );
  });

  test("text format does not accept JSON names", () => {
    assert.deepEqual(inferred(["addedTunnels"], "text"), []);
  });

  test("prefers the type with more matching names, and tolerates a typo", () => {
    assert.equal(inferred(["data", "end_stream"]), "envoy.data.tap.v2alpha.Event.Write");
    assert.equal(inferred(["connection", "events", "evnts"]), "envoy.data.tap.v2alpha.Trace");
  });

  test("reports a tie with its candidates, and no match with none", () => {
    assert.deepEqual(inferred(["data"]), ["Event.Read", "Event.Write"]);
    assert.deepEqual(inferred(["name"]), ["ReverseConnectionReporterClient", "ReverseTunnel"]);
    assert.deepEqual(inferred([]), []);
    assert.deepEqual(inferred(["__proto__", "constructor"]), []);
  });
});

suite("typeFromFileName()", () => {
  test("reads the type from the stem or its last parts", () => {
    assert.equal(typeFromFileName("Trace.pb")?.typeName, "envoy.data.tap.v2alpha.Trace");
    assert.equal(typeFromFileName("capture-1.Trace.pb_length_delimited")?.typeName, "envoy.data.tap.v2alpha.Trace");
    assert.equal(typeFromFileName("x.envoy.data.tap.v2alpha.Trace.pb")?.typeName, "envoy.data.tap.v2alpha.Trace");
    assert.equal(typeFromFileName("a.Event.Read.pb")?.typeName, "envoy.data.tap.v2alpha.Event.Read");
  });

  test("finds nothing in ordinary names, lowercase names and ambiguous ones", () => {
    assert.equal(typeFromFileName("trace_1234.pb"), undefined);
    assert.equal(typeFromFileName("trace.pb"), undefined);
    assert.equal(typeFromFileName("Pipe.pb"), undefined);
  });
});
