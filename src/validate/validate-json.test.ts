import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { ConnectionSchema, TraceSchema, EventSchema } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { SocketAddressSchema as SocketAddressV2Schema } from "../../gen/envoy/api/v2/core/address_pb.js";
import {
  StreamReverseTunnelsRequestSchema,
  StreamReverseTunnelsResponseSchema,
} from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { EventReporterConfigSchema } from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/reporters/event_reporter_pb.js";
import { anyUnpack, AnySchema, DurationSchema, Int64ValueSchema, ValueSchema } from "@bufbuild/protobuf/wkt";
import { validateJson } from "./validate-json.js";
import type { Violation } from "../fault/violation.js";

/** The parts of a violation a test pins down: path, rule id and (for text input) line:column. */
function brief(violations: readonly Violation[]): string[] {
  return violations.map((v) => {
    const at = v.position === undefined ? "" : "line" in v.position ? ` @${v.position.line}:${v.position.column}` : ` @${v.position.offset}`;
    return `${v.path} ${v.ruleId}${at}`;
  });
}

const node = '"node": {"id": "edge-1"}';

suite("validateJson()", () => {
  test("does what the README's example says", () => {
    const result = validateJson(StreamReverseTunnelsRequestSchema, '{"nonce": "-1"}');
    assert.equal(result.kind, "invalid");
    assert.deepEqual(
      result.violations.map((v) => [v.path, v.ruleId, v.position]),
      [
        ["node", "message.required", { line: 1, column: 1 }],
        ["nonce", "int64.gte", { line: 1, column: 11 }],
      ],
    );
  });

  test("accepts a valid report and returns the parsed message", () => {
    const result = validateJson(StreamReverseTunnelsRequestSchema, `{${node}, "nonce": "9223372036854775807"}`);
    assert.equal(result.kind, "valid");
    assert.deepEqual(result.violations, []);
    assert.equal(result.message?.node?.id, "edge-1");
    assert.equal(result.message?.nonce, 9223372036854775807n);
  });

  test("reports message.required on a missing node at the enclosing object", () => {
    const result = validateJson(StreamReverseTunnelsRequestSchema, '{\n  "nonce": "1"\n}');
    assert.deepEqual(brief(result.violations), ["node message.required @1:1"]);
    assert.equal(result.violations[0]!.message, "value is required");
    assert.ok(result.message !== undefined, "a document that parses returns its message");
  });

  test("reports each rule once when JSON Schema and the rule engine both find it", () => {
    const text = `{
  ${node},
  "nonce": -5,
  "addedTunnels": [
    {"name": "", "identity": {"tenantId": "${"é".repeat(129)}", "cluster_id": "c", "node_id": "n"}}
  ],
  "removed_tunnel_names": ["ok", ""]
}`;
    const result = validateJson(StreamReverseTunnelsRequestSchema, text);
    assert.deepEqual(brief(result.violations), [
      "nonce int64.gte @3:12",
      "added_tunnels[0].created_at timestamp.required @5:5",
      "added_tunnels[0].name string.min_len @5:14",
      "added_tunnels[0].identity.tenant_id string.max_len @5:43",
      "removed_tunnel_names[1] string.min_len @7:34",
    ]);
  });

  test("counts string lengths in code points: 128 astral characters pass, 129 do not", () => {
    const identity = (id: string) =>
      `{${node}, "added_tunnels": [{"name": "t", "created_at": "2026-11-21T10:00:00Z", "identity": {"tenant_id": "${id}", "cluster_id": "c", "node_id": "n"}}]}`;
    assert.equal(validateJson(StreamReverseTunnelsRequestSchema, identity("😀".repeat(128))).kind, "valid");
    assert.deepEqual(brief(validateJson(StreamReverseTunnelsRequestSchema, identity("😀".repeat(129))).violations), [
      "added_tunnels[0].identity.tenant_id string.max_len @1:124",
    ]);
  });

  test("reports oneof.multiple at the oneof's path and the later member's key, and checks the member kept", () => {
    const text = '{\n  "events": [\n    {"read": {}, "write": {"data": "aGk="}}\n  ]\n}';
    const result = validateJson(TraceSchema, text);
    assert.deepEqual(brief(result.violations), ["events[0].event_selector oneof.multiple @3:18"]);
    assert.equal(result.message?.events[0]?.eventSelector.case, "write");
  });

  test("reports oneof.required for an event with neither member", () => {
    assert.deepEqual(brief(validateJson(EventSchema, '{"timestamp": "2026-11-21T10:00:00Z"}').violations), ["event_selector oneof.required @1:1"]);
  });

  test("does not count a null scalar oneof member", () => {
    assert.equal(validateJson(SocketAddressV2Schema, '{"address": "a", "port_value": null, "named_port": "http"}').kind, "valid");
  });

  test("checks duration bounds with the rule engine", () => {
    assert.deepEqual(brief(validateJson(StreamReverseTunnelsResponseSchema, '{"report_interval": "0.010s"}').violations), ["report_interval duration.gte @1:21"]);
    assert.deepEqual(brief(validateJson(StreamReverseTunnelsResponseSchema, '{"reportInterval": "7200s"}').violations), ["report_interval duration.lte @1:20"]);
  });

  test("reports encoding faults with json.* ids and skips the rule engine", () => {
    const text = `{
  "node": {"id": "e", "bogus": true},
  "nonce": "9223372036854775808",
  "full_push": "yes",
  "added_tunnels": [{"name": "t", "created_at": "2026-11-21 10:00:00Z", "createdAt": "2026-11-21T10:00:00Z"}]
}`;
    const result = validateJson(StreamReverseTunnelsRequestSchema, text);
    assert.deepEqual(brief(result.violations), [
      "node.bogus json.unknown_field @2:23",
      "nonce json.int64_range @3:12",
      "full_push json.type @4:16",
      "added_tunnels[0].identity message.required @5:21",
      "added_tunnels[0].created_at json.timestamp @5:49",
      "added_tunnels[0].created_at json.duplicate_name @5:73",
    ]);
    assert.equal(result.message, undefined);
  });

  test("reports bad base64, an unknown enum name and an undefined enum number", () => {
    assert.deepEqual(brief(validateJson(EventSchema, '{"read": {"data": "QUJDR"}}').violations), ["read.data json.base64 @1:19"]);
    assert.deepEqual(brief(validateJson(SocketAddressV2Schema, '{"protocol": "SCTP", "address": "a", "port_value": 1}').violations), ["protocol json.enum @1:14"]);
    assert.deepEqual(brief(validateJson(SocketAddressV2Schema, '{"protocol": 9, "address": "a", "port_value": 1}').violations), ["protocol enum.defined_only @1:14"]);
  });

  test("tells a rule bound from the range of the type", () => {
    const port = (v: string) => validateJson(SocketAddressV2Schema, `{"address": "a", "port_value": ${v}}`).violations;
    assert.deepEqual(brief(port("70000")), ["port_value uint32.lte @1:32"]);
    assert.deepEqual(brief(port('"70000"')), ["port_value uint32.lte @1:32"]);
    assert.deepEqual(brief(port("4294967296")), ["port_value json.int32_range @1:32"]);
    assert.deepEqual(brief(port('"4294967296"')), ["port_value json.int32_range @1:32"]);
    assert.deepEqual(brief(port('"0x10"')), ["port_value json.type @1:32"]);
    assert.deepEqual(brief(port("1.5")), ["port_value json.type @1:32"]);
  });

  test("names the rule a null default or a bound stated as a pattern breaks, in the engine's words, beside an encoding fault", () => {
    // The unknown key keeps the rule engine from running: these come from the ajv mapping, which asks the engine.
    const rows = (schema: Parameters<typeof validateJson>[0], text: string) => validateJson(schema, text).violations.map((v) => [v.path, v.ruleId, v.message, v.value]);
    assert.deepEqual(rows(StreamReverseTunnelsRequestSchema, '{"bogus": 1, "node": null, "nonce": "-1", "added_tunnels": [{"name": null, "created_at": null}]}'), [
      ["bogus", "json.unknown_field", 'unknown field "bogus" of envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.StreamReverseTunnelsRequest', undefined],
      ["node", "message.required", "value is required", undefined],
      ["nonce", "int64.gte", "value must be greater than or equal to 0", -1],
      ["added_tunnels[0].identity", "message.required", "value is required", undefined],
      ["added_tunnels[0].name", "string.min_len", "value length must be at least 1 characters", undefined],
      ["added_tunnels[0].created_at", "timestamp.required", "value is required", undefined],
    ]);
    assert.deepEqual(rows(StreamReverseTunnelsResponseSchema, '{"bogus": 1, "report_interval": "-5s"}').slice(1), [["report_interval", "duration.gte", "value must be greater than or equal to 0.025s", "-5s"]]);
    assert.deepEqual(rows(SocketAddressV2Schema, '{"bogus": 1, "address": null, "port_value": "70000"}').slice(1), [
      ["address", "string.min_bytes", "value length must be at least 1 bytes", undefined],
      ["port_value", "uint32.lte", "value must be less than or equal to 65535", 70000],
    ]);
  });

  test("reads an unquoted int64 nonce beyond 2^53 exactly", () => {
    const result = validateJson(StreamReverseTunnelsRequestSchema, `{${node}, "nonce": 9007199254740993}`);
    assert.equal(result.kind, "valid");
    assert.deepEqual(result.violations, []);
    assert.equal(result.message?.nonce, 9007199254740993n);
  });

  test("accepts the largest uint64 unquoted, and names 2^64 exactly as out of range", () => {
    const max = validateJson(ConnectionSchema, '{"id": 18446744073709551615}');
    assert.equal(max.kind, "valid");
    assert.equal(max.message?.id, 18446744073709551615n);
    assert.deepEqual(validateJson(ConnectionSchema, '{"id": 18446744073709551616}').violations, [
      { path: "id", ruleId: "json.int64_range", message: "value is out of the range of uint64", value: "18446744073709551616", position: { line: 1, column: 8 } },
    ]);
  });

  test("checks int64.gte on the exact value of an unquoted integer beyond -2^53", () => {
    const result = validateJson(StreamReverseTunnelsRequestSchema, `{${node}, "nonce": -9007199254740993}`);
    assert.deepEqual(result.violations, [
      { path: "nonce", ruleId: "int64.gte", message: "value must be greater than or equal to 0", value: "-9007199254740993", params: { gte: 0 }, position: { line: 1, column: 37 } },
    ]);
    assert.equal(result.message?.nonce, -9007199254740993n);
  });

  test("reads an unquoted Int64Value beyond 2^53 packed in an Any exactly", () => {
    const json = '{"clients": [{"name": "c", "typed_config": {"@type": "type.googleapis.com/google.protobuf.Int64Value", "value": 9223372036854775807}}]}';
    const result = validateJson(EventReporterConfigSchema, json);
    assert.equal(result.kind, "valid");
    const packed = anyUnpack(result.message!.clients[0]!.typedConfig!, Int64ValueSchema);
    assert.equal(packed?.value, 9223372036854775807n);
  });

  test("keeps number semantics beyond 2^53 for Struct values and int32 fields, and leaves strings alone", () => {
    const metadata = validateJson(StreamReverseTunnelsRequestSchema, '{"node": {"id": "9007199254740993", "metadata": {"n": 9007199254740993}}}');
    assert.equal(metadata.kind, "valid");
    assert.equal(metadata.message?.node?.id, "9007199254740993");
    // A Struct number is a double: rounding is the type's own meaning.
    assert.deepEqual(metadata.message?.node?.metadata, { n: 9007199254740992 });
    assert.deepEqual(validateJson(SocketAddressV2Schema, '{"address": "a", "port_value": 9007199254740993}').violations, [
      { path: "port_value", ruleId: "json.int32_range", message: "value is out of the range of uint32", value: 9007199254740992, position: { line: 1, column: 32 } },
    ]);
  });

  test("reports a key given twice in one object", () => {
    const result = validateJson(StreamReverseTunnelsRequestSchema, `{${node}, "nonce": "1", "nonce": "2"}`);
    assert.deepEqual(brief(result.violations), ["nonce json.duplicate_key @1:42"]);
  });

  test("refuses __proto__ keys without touching any prototype", () => {
    const text = `{"node": {"metadata": {"__proto__": {"polluted": true}}}}`;
    assert.deepEqual(brief(validateJson(StreamReverseTunnelsRequestSchema, text).violations), ['node.metadata["__proto__"] json.forbidden_key @1:24']);
    assert.deepEqual(brief(validateJson(TraceSchema, JSON.parse('{"__proto__": {}}')).violations), ["__proto__ json.forbidden_key"]);
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
  });

  test("reports invalid JSON as json.syntax with its position", () => {
    assert.deepEqual(brief(validateJson(TraceSchema, '{\n  "events": [\n    {"read": {}},\n  ]\n}').violations), [" json.syntax @4:3"]);
    assert.deepEqual(brief(validateJson(TraceSchema, "").violations), [" json.syntax @1:1"]);
    assert.deepEqual(brief(validateJson(TraceSchema, "{} {}").violations), [" json.syntax @1:4"]);
  });

  test("reports a document of the wrong JSON type", () => {
    assert.deepEqual(brief(validateJson(TraceSchema, "[]").violations), [" json.type @1:1"]);
    assert.deepEqual(brief(validateJson(TraceSchema, '{"events": [1, null]}').violations), ["events[0] json.type @1:13", "events[1] json.type @1:16"]);
  });

  test("refuses deep nesting without overflowing the stack", () => {
    const deep = "[".repeat(200_000) + "]".repeat(200_000);
    assert.deepEqual(brief(validateJson(TraceSchema, deep).violations), [" json.depth @1:101"]);
    assert.deepEqual(brief(validateJson(TraceSchema, JSON.parse(deep)).violations), [" json.depth"]);
    const struct = `{"node": {"metadata": ${'{"a": '.repeat(60)}1${"}".repeat(60)}}}`;
    assert.deepEqual(brief(validateJson(StreamReverseTunnelsRequestSchema, struct, { maxDepth: 50 }).violations), [" json.depth @1:311"]);
    assert.equal(validateJson(StreamReverseTunnelsRequestSchema, struct, { maxDepth: 70 }).kind, "valid");
  });

  test("locates a fault only protobuf-es finds: a timestamp offset past year 9999", () => {
    const text = `{${node}, "added_tunnels": [{"name": "t", "identity": {"tenant_id": "a", "cluster_id": "b", "node_id": "c"}, "created_at": "9999-12-31T23:59:59-01:00"}]}`;
    assert.deepEqual(brief(validateJson(StreamReverseTunnelsRequestSchema, text).violations), ["added_tunnels[0].created_at json.timestamp @1:141"]);
  });

  test("reports any.required, json.any and repeated.min_items", () => {
    assert.deepEqual(brief(validateJson(EventReporterConfigSchema, "{}").violations), ["clients repeated.min_items @1:1"]);
    assert.deepEqual(brief(validateJson(EventReporterConfigSchema, '{"clients": [{"name": "c"}]}').violations), ["clients[0].typed_config any.required @1:14"]);
    assert.deepEqual(brief(validateJson(EventReporterConfigSchema, '{"clients": [{"name": "c", "typed_config": {"cluster": "x"}}]}').violations), [
      "clients[0].typed_config json.any @1:44",
    ]);
  });

  test("takes a parsed value too, without positions", () => {
    const result = validateJson(StreamReverseTunnelsRequestSchema, { nonce: "-1" });
    assert.deepEqual(brief(result.violations), ["node message.required", "nonce int64.gte"]);
  });

  test("stops at the first violation with failFast", () => {
    const result = validateJson(StreamReverseTunnelsRequestSchema, '{"nonce": "-1", "removed_tunnel_names": [""]}', { failFast: true });
    assert.equal(result.violations.length, 1);
  });

  test("validates well-known types at the top of a document", () => {
    assert.deepEqual(brief(validateJson(DurationSchema, '"1ms"').violations), [" json.duration @1:1"]);
    assert.deepEqual(brief(validateJson(AnySchema, '{"value": "1s"}').violations), [" json.any @1:1"]);
    const value = validateJson(ValueSchema, "null");
    assert.equal(value.kind, "valid");
    assert.equal(value.message?.kind.case, "nullValue");
  });

  test("counts columns in code points, as decode errors do, and lines across CRLF", () => {
    const result = validateJson(StreamReverseTunnelsRequestSchema, `{\r\n"node": {"id": "😀"},\r\n  "nonce": -1\r\n}`);
    assert.deepEqual(brief(result.violations), ["nonce int64.gte @3:12"]);
    // The emoji before the value on its line is one code point in two UTF-16 units: column 31, not 32.
    const sameLine = validateJson(StreamReverseTunnelsRequestSchema, `{\r\n"node": {"id": "😀"}, "nonce": -1\r\n}`);
    assert.deepEqual(brief(sameLine.violations), ["nonce int64.gte @2:31"]);
  });
});
