import { suite, test } from "node:test";
import assert from "node:assert/strict";
import { validateBinary } from "../validate/validate-binary.js";
import { create, equals, toBinary } from "@bufbuild/protobuf";
import { ListValueSchema, TimestampSchema, ValueSchema } from "@bufbuild/protobuf/wkt";
import { TraceSchema } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { NodeSchema } from "../../gen/envoy/config/core/v3/base_pb.js";
import { ContextParamsSchema } from "../../gen/xds/core/v3/context_params_pb.js";
import { StatusSchema } from "../../gen/google/rpc/status_pb.js";
import { SocketAddressSchema } from "../../gen/envoy/config/core/v3/address_pb.js";
import {
  StreamReverseTunnelsRequestSchema,
  StreamReverseTunnelsResponseSchema,
} from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { fullRequest, fullTrace } from "../../test/full-messages.testdata.js";
import { BOM_PROTO_KEY, KeyedSchema, lengthDelimited, OuterSchema, stringKeyEntry, varint } from "../../test/prototype-keys.testdata.js";
import { decode, encode, isDecodeError, type DecodeError } from "./index.js";
import { envoyTraceText, errorOf, utf8 } from "./codec.testdata.js";

function decodeError(run: () => unknown): DecodeError {
  try {
    run();
  } catch (error) {
    assert.ok(isDecodeError(error), `expected a DecodeError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected a DecodeError");
}

suite("decode()", () => {
  test("decodes the real Envoy trace from text format", () => {
    const [trace, ...rest] = decode(TraceSchema, envoyTraceText, "text");
    assert.equal(rest.length, 0);
    assert.equal(trace!.connection?.localAddress?.address.case, "socketAddress");
    assert.equal(trace!.connection?.remoteAddress?.address.value?.$typeName, "envoy.api.v2.core.SocketAddress");
    assert.equal(trace!.events.length, 6);
    assert.deepEqual(trace!.events[0]!.timestamp, { $typeName: "google.protobuf.Timestamp", seconds: 1525207293n, nanos: 216737962 });
    const firstRead = trace!.events[0]!.eventSelector;
    assert.equal(firstRead.case, "read");
    assert.equal(new TextDecoder().decode(firstRead.value!.data.subarray(0, 24)), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
  });

  test("reads one binary message, and an empty binary input as one empty message", () => {
    assert.ok(equals(TraceSchema, decode(TraceSchema, toBinary(TraceSchema, fullTrace), "binary")[0]!, fullTrace));
    assert.deepEqual(decode(TraceSchema, new Uint8Array(0), "binary"), [create(TraceSchema)]);
  });

  test("reads an empty delimited, json or ndjson input as no message", () => {
    for (const format of ["delimited", "json", "ndjson"] as const) assert.deepEqual(decode(TraceSchema, new Uint8Array(0), format), []);
  });

  test("reads a JSON object, an array and concatenated objects", () => {
    const one = '{"connection":{"id":"7"}}';
    assert.equal(decode(TraceSchema, utf8(one), "json").length, 1);
    assert.equal(decode(TraceSchema, utf8(`[${one}, ${one},\n${one}]`), "json").length, 3);
    assert.equal(decode(TraceSchema, utf8(`{\n  "connection": {}\n}\n{\n  "events": []\n}${one}`), "json").length, 3);
    assert.deepEqual(decode(TraceSchema, utf8("[]"), "json"), []);
  });

  test("reads well-known types whose JSON is a string, a number or an array", () => {
    const timestamps = decode(TimestampSchema, utf8('"2026-11-21T10:00:00Z"\n"1970-01-01T00:00:01.5Z"\n'), "ndjson");
    assert.deepEqual(timestamps.map((t) => [t.seconds, t.nanos]), [[1795255200n, 0], [1n, 500000000]]);
    const values = decode(ValueSchema, utf8("1\ntrue\n[2, [3]]\nnull"), "ndjson");
    assert.deepEqual(values.map((v) => v.kind.case), ["numberValue", "boolValue", "listValue", "nullValue"]);
    // For a type whose JSON is an array, a top-level array is one message, not a list of them.
    assert.equal(decode(ListValueSchema, utf8("[1, 2]"), "json").length, 1);
  });

  test("accepts proto field names and a byte order mark in JSON", () => {
    const [trace] = decode(TraceSchema, utf8('\uFEFF{"connection":{"local_address":{"pipe":{"path":"/p"}}}}'), "json");
    assert.equal(trace!.connection?.localAddress?.address.case, "pipe");
  });

  test("keeps 64-bit values exact in JSON given as strings or numbers", () => {
    const [a, b, c] = decode(
      TraceSchema,
      utf8('{"connection":{"id":"18446744073709551615"}}\n{"connection":{"id":9007199254740993}}\n{"connection":{"id":18446744073709551615}}'),
      "ndjson",
    );
    assert.equal(a!.connection?.id, 18446744073709551615n);
    // JSON.parse would round these to 2^53 and 2^64 (and then refuse 2^64 as out of range).
    assert.equal(b!.connection?.id, 9007199254740993n);
    assert.equal(c!.connection?.id, 18446744073709551615n);
  });

  test("reads an unquoted int64 nonce beyond 2^53 exactly, by either name, with strings and Struct numbers untouched", () => {
    const text = '{"nonce": 9007199254740993, "node": {"id": "9007199254740993", "metadata": {"n": 9007199254740993}}}';
    const [request] = decode(StreamReverseTunnelsRequestSchema, utf8(text), "json");
    assert.equal(request!.nonce, 9007199254740993n);
    assert.equal(request!.node?.id, "9007199254740993");
    // A Struct number is a double: rounding is the type's own meaning.
    assert.deepEqual(request!.node?.metadata, { n: 9007199254740992 });
    const [negative] = decode(StreamReverseTunnelsRequestSchema, utf8('[{"nonce": -9223372036854775808}]'), "json");
    assert.equal(negative!.nonce, -9223372036854775808n);
    const [response] = decode(StreamReverseTunnelsResponseSchema, utf8('{"request_nonce": 9223372036854775807}'), "json");
    assert.equal(response!.requestNonce, 9223372036854775807n);
  });

  test("names the exact value of an unquoted 64-bit integer out of range, and still refuses a huge int32", () => {
    const overflow = decodeError(() => decode(TraceSchema, utf8('{"connection": {"id": 18446744073709551616}}'), "json"));
    assert.equal(
      overflow.message,
      "cannot decode envoy.data.tap.v2alpha.Trace from json: field envoy.data.tap.v2alpha.Connection.id: expected bigint (uint64): 18446744073709551616 out of range at line 1:17",
    );
    const exponent = decodeError(() => decode(TraceSchema, utf8('{"connection": {"id": 1.5e20}}'), "json"));
    assert.equal(
      exponent.message,
      "cannot decode envoy.data.tap.v2alpha.Trace from json: field envoy.data.tap.v2alpha.Connection.id: expected bigint (uint64): 150000000000000000000 out of range at line 1:17",
    );
    const port = decodeError(() => decode(SocketAddressSchema, utf8('{"address": "a", "port_value": 9007199254740993}'), "json"));
    assert.equal(
      port.message,
      "cannot decode envoy.config.core.v3.SocketAddress from json: field envoy.config.core.v3.SocketAddress.port_value: expected number (uint32): 9007199254740992 out of range at line 1:18",
    );
  });

  test("reads fully populated messages with an Any through every format", () => {
    for (const format of ["binary", "delimited", "json", "ndjson", "text"] as const) {
      const [back] = decode(StreamReverseTunnelsRequestSchema, encode(StreamReverseTunnelsRequestSchema, [fullRequest], format), format);
      assert.ok(equals(StreamReverseTunnelsRequestSchema, back!, fullRequest), format);
    }
  });

  test("refuses a delimited length over the limit before allocating", () => {
    // A 5-byte varint declaring 7 × 2^28 bytes.
    const error = decodeError(() => decode(TraceSchema, Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x07), "delimited"));
    assert.equal(error.message, "cannot decode envoy.data.tap.v2alpha.Trace from delimited: message length 1879048192 exceeds the limit of 67108864 bytes at byte 0");
    assert.deepEqual([error.location, error.ruleId], [{ index: 0, position: { offset: 0 } }, "input.too_large"]);
    // A 6-byte varint (2^40): Google's runtime reads at most 5 bytes of a size.
    const long = decodeError(() => decode(TraceSchema, Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x20), "delimited"));
    assert.equal(long.message, "cannot decode envoy.data.tap.v2alpha.Trace from delimited: length prefix is longer than 5 bytes at byte 0");
    assert.equal(long.ruleId, "wire.invalid_length");
  });

  test("names the index and offset of a truncated delimited message", () => {
    const two = encode(TraceSchema, [fullTrace, fullTrace], "delimited");
    const error = decodeError(() => decode(TraceSchema, two.subarray(0, two.length - 3), "delimited", { fileName: "x.pbdelim" }));
    const secondStart = two.length / 2;
    assert.equal(
      error.message,
      `cannot decode envoy.data.tap.v2alpha.Trace from delimited: unexpected end of input: the message declares ${secondStart - 2} bytes but only ${secondStart - 5} follow at byte ${secondStart}`,
    );
    assert.deepEqual(error.location, { fileName: "x.pbdelim", index: 1, position: { offset: secondStart } });
  });

  test("points at the field of a truncated binary message, never leaking a RangeError", () => {
    const error = decodeError(() => decode(TraceSchema, Uint8Array.of(0x12, 0x02, 0x0a, 0x00, 0x0a, 0x05, 0x08), "binary"));
    assert.equal(
      error.message,
      "cannot decode envoy.data.tap.v2alpha.Trace from binary: field connection: length-delimited value of 5 bytes runs past the end of the data (1 bytes left) at byte 5",
    );
    assert.equal(error.location.path, "connection");
    assert.equal(error.ruleId, "wire.truncated");
  });

  test("reports a defect with the rule id, offset and path validateBinary reports for it", () => {
    // connection: 5 bytes declared, 1 present.
    const bytes = Uint8Array.of(0x0a, 0x05, 0x0a);
    const error = decodeError(() => decode(TraceSchema, bytes, "binary"));
    const [violation] = validateBinary(TraceSchema, bytes).violations;
    assert.deepEqual([error.ruleId, error.position, error.path], [violation?.ruleId, violation?.position, violation?.path]);
    assert.deepEqual([error.ruleId, error.position, error.path], ["wire.truncated", { offset: 1 }, "connection"]);
  });

  test("names an invalid wire type inside a nested message with its path", () => {
    // events[0] {}, events[1] { read { a tag of field 1 (data) with wire type 7 } }
    const error = decodeError(() => decode(TraceSchema, Uint8Array.of(0x12, 0x00, 0x12, 0x03, 0x12, 0x01, 0x0f), "binary"));
    assert.equal(error.message, "cannot decode envoy.data.tap.v2alpha.Trace from binary: field events[1].read: invalid wire type 7 for field 1 at byte 6");
  });

  test("reports invalid UTF-8 in a binary string field", () => {
    // node { id: 0xff }
    const error = decodeError(() => decode(StreamReverseTunnelsRequestSchema, Uint8Array.of(0x0a, 0x03, 0x0a, 0x01, 0xff), "binary"));
    assert.equal(
      error.message,
      "cannot decode envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.StreamReverseTunnelsRequest from binary: field node.id: string field holds invalid UTF-8 at byte 4",
    );
  });

  test("reports a delimited message's fault at its absolute offset", () => {
    const good = encode(TraceSchema, [fullTrace], "delimited");
    const bad = Uint8Array.of(0x02, 0x0a, 0x05);
    const error = decodeError(() => decode(TraceSchema, Uint8Array.from([...good, ...bad]), "delimited"));
    assert.equal(
      error.message,
      `cannot decode envoy.data.tap.v2alpha.Trace from delimited: field connection: length-delimited value of 5 bytes runs past the end of the data (0 bytes left) at byte ${good.length + 2}`,
    );
    assert.equal(error.location.index, 1);
  });

  test("reports a JSON field error at its key", () => {
    const error = decodeError(() => decode(TraceSchema, utf8('{\n  "connection": {\n    "id": "x"\n  }\n}'), "json"));
    assert.equal(
      error.message,
      "cannot decode envoy.data.tap.v2alpha.Trace from json: field envoy.data.tap.v2alpha.Connection.id: expected bigint (uint64): x out of range at line 3:5",
    );
  });

  test("refuses a timestamp that is no date and a duration with trailing text, which protobuf-es lets through", () => {
    const trace = '{"events": [\n  {"timestamp": "2024-02-29T00:00:00Z", "read": {}},\n  {"timestamp": "2026-02-29T00:00:00Z", "read": {}}\n]}';
    const error = decodeError(() => decode(TraceSchema, utf8(trace), "json"));
    assert.equal(
      error.message,
      'cannot decode envoy.data.tap.v2alpha.Trace from json: field envoy.data.tap.v2alpha.Event.timestamp: invalid timestamp "2026-02-29T00:00:00Z": there is no such date at line 3:4',
    );
    assert.equal(error.location.path, "events[1].timestamp");
    assert.equal(
      decodeError(() => decode(TimestampSchema, utf8('"2026-11-21T24:00:00Z"'), "json")).message,
      'cannot decode google.protobuf.Timestamp from json: field google.protobuf.Timestamp: invalid timestamp "2026-11-21T24:00:00Z": hours run from 00 to 23 at line 1:1',
    );
    const response = '{"error_detail": {"details": [{"@type": "type.googleapis.com/google.protobuf.Duration", "value": "1sfoo"}]}}';
    assert.equal(
      decodeError(() => decode(StreamReverseTunnelsResponseSchema, utf8(response), "json")).message,
      'cannot decode envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.StreamReverseTunnelsResponse from json: field google.rpc.Status.details: invalid duration "1sfoo" at line 1:89',
    );
    assert.equal(decode(TraceSchema, utf8('{"events": [{"timestamp": "2000-02-29T23:59:59Z", "read": {}}]}'), "json").length, 1);
  });

  test("reports an unknown JSON field unless asked to ignore it", () => {
    const input = utf8('{"connection":{},\n "bogus": 1}');
    const error = decodeError(() => decode(TraceSchema, input, "json"));
    assert.equal(error.message, 'cannot decode envoy.data.tap.v2alpha.Trace from json: key "bogus" is unknown at line 2:2');
    assert.equal(decode(TraceSchema, input, "json", { ignoreUnknownJsonFields: true }).length, 1);
  });

  test("reports duplicate JSON keys and two oneof members", () => {
    assert.equal(
      decodeError(() => decode(TraceSchema, utf8('{"events":[],\n"events":[]}'), "json")).message,
      'cannot decode envoy.data.tap.v2alpha.Trace from json: duplicate object key "events" at line 2:1',
    );
    assert.equal(
      decodeError(() => decode(TraceSchema, utf8('{"events":[{"read":{},\n "write":{}}]}'), "json")).message,
      "cannot decode envoy.data.tap.v2alpha.Trace from json: oneof envoy.data.tap.v2alpha.Event.event_selector: oneof set multiple times by read and write at line 2:2",
    );
  });

  test("reports JSON syntax errors with line and column", () => {
    const error = decodeError(() => decode(TraceSchema, utf8('[{"connection": {\n "id": 1,}}]'), "json"));
    assert.equal(error.message, "cannot decode envoy.data.tap.v2alpha.Trace from json: invalid JSON: expected a property name in double quotes, got '}' at line 2:10");
    assert.equal(
      decodeError(() => decode(TraceSchema, utf8('{"connection": {}}\n{"events": [}'), "json")).message,
      "cannot decode envoy.data.tap.v2alpha.Trace from json: invalid JSON: unexpected '}' where ']' should close at line 2:13",
    );
  });

  test("reports invalid UTF-8 in JSON at its line and column", () => {
    const input = Uint8Array.from([...utf8('{"connection":{"localAddress":{"pipe":{"path":"é'), 0xff, ...utf8('"}}}}')]);
    const error = decodeError(() => decode(TraceSchema, input, "json"));
    assert.equal(error.message, "cannot decode envoy.data.tap.v2alpha.Trace from json: invalid UTF-8 at line 1:49");
  });

  test("refuses deeply nested JSON with a DecodeError, not a stack overflow", () => {
    // The 101st bracket is the 98th repetition's: column 31 + 97 * 5.
    const deep = `{"node":{"metadata":{"fields":${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}}}}`;
    const error = decodeError(() => decode(StreamReverseTunnelsRequestSchema, utf8(deep), "json"));
    assert.equal(
      error.message,
      "cannot decode envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.StreamReverseTunnelsRequest from json: JSON nests deeper than 100 levels at line 1:516",
    );
  });

  test("refuses deeply nested binary and text with a DecodeError", () => {
    // Value { list_value { values { list_value { ... } } } }, 1000 levels.
    let nested: number[] = [];
    const withLength = (tag: number, body: number[]): number[] => {
      const length: number[] = [];
      for (let n = body.length; ; n >>>= 7) {
        if (n < 128) {
          length.push(n);
          break;
        }
        length.push((n & 127) | 128);
      }
      return [tag, ...length, ...body];
    };
    for (let i = 0; i < 1000; i++) nested = withLength(0x32, withLength(0x0a, nested));
    assert.equal(
      decodeError(() => decode(ValueSchema, Uint8Array.from(nested), "binary")).message,
      "cannot decode google.protobuf.Value from binary: message nesting exceeds the decoder's limit of 100 at byte 300",
    );
    const deepText = utf8("list_value { values { ".repeat(1000) + "} } ".repeat(1000));
    assert.equal(
      decodeError(() => decode(ValueSchema, deepText, "text")).message,
      "cannot decode google.protobuf.Value from text: recursion limit of 100 reached decoding message google.protobuf.Value at line 1:1099",
    );
  });

  test("refuses a map key __proto__ inside a message packed in an Any, which JSON and text output would unpack and lose", () => {
    // Response { error_detail { details [Any { type_url: ".../xds.core.v3.ContextParams", value: ContextParams { params { key: "__proto__" value: "x" } } }] } }
    const utf8 = (text: string) => [...new TextEncoder().encode(text)];
    const params = lengthDelimited(1, stringKeyEntry("__proto__", lengthDelimited(2, [0x78])));
    const any = [...lengthDelimited(1, utf8("type.googleapis.com/xds.core.v3.ContextParams")), ...lengthDelimited(2, params)];
    const response = Uint8Array.from(lengthDelimited(4, lengthDelimited(3, any)));
    const error = decodeError(() => decode(StreamReverseTunnelsResponseSchema, response, "binary"));
    const valueStart = response.length - params.length;
    assert.equal(
      error.message,
      `cannot decode envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.StreamReverseTunnelsResponse from binary: map key "__proto__" in error_detail.details[0].params is not supported (it cannot be stored safely) at byte ${valueStart}`,
    );
  });

  test("refuses a Status whose Any packs truncated bytes (Google's runtime cannot unpack them either), and Any nested past the limit", () => {
    const utf8 = (text: string) => [...new TextEncoder().encode(text)];
    const field = (number: number, content: readonly number[]) => [(number << 3) | 2, ...varintBytes(content.length), ...content];
    const packed = (typeName: string, value: readonly number[]) => [...field(1, utf8(`type.googleapis.com/${typeName}`)), ...field(2, value)];
    // Status { code: 3, details [Any { ContextParams, value: a truncated params entry }] }
    const truncated = Uint8Array.from([0x08, 3, ...field(3, packed("xds.core.v3.ContextParams", [0x0a, 5, 0x0a]))]);
    const inAny = decodeError(() => decode(StatusSchema, truncated, "binary"));
    assert.deepEqual([inAny.ruleId, inAny.path, inAny.position], ["wire.any_payload", "details[0].params", { offset: 54 }]);
    assert.match(inAny.message, /: the xds\.core\.v3\.ContextParams packed in google\.protobuf\.Any does not decode faithfully \(wire\.truncated: .*\) at byte 54$/);
    // Status { details [Any { Status { details [Any { ... }] } }] }, 120 levels, built from the inside out.
    let nested: number[] = [];
    for (let level = 0; level < 120; level++) {
      nested = field(3, packed("google.rpc.Status", nested));
    }
    const error = decodeError(() => decode(StatusSchema, Uint8Array.from(nested), "binary"));
    assert.match(error.message, /^cannot decode google\.rpc\.Status from binary: messages packed in google\.protobuf\.Any nest deeper than 20 levels at byte \d+$/);
    assert.equal(error.ruleId, "wire.any_payload");
  });

  test("refuses a field other than key and value inside a binary map entry, which protobuf-es would misread", () => {
    // items[0].labels { key: "a" 3: 5 value: "x" }, as binary and as one delimited message after another.
    const entry = [...lengthDelimited(1, [0x61]), ...varint(3, 5), ...lengthDelimited(2, [0x78])];
    const outer = Uint8Array.from(lengthDelimited(2, lengthDelimited(1, entry)));
    assert.equal(
      decodeError(() => decode(OuterSchema, outer, "binary")).message,
      'cannot decode fixture.v1.Outer from binary: field items[0].labels["a"]: field 3 in a map entry of labels: only the key (1) and the value (2) can be read there; the decoder would misread the entry at byte 7',
    );
    // Field 3 holding 24, itself the tag of field 3: protobuf-es happens to
    // decode this entry right; it is refused all the same (the walk cannot tell luck).
    const lucky = Uint8Array.from(lengthDelimited(1, [...lengthDelimited(1, [0x61]), ...varint(3, 24), ...lengthDelimited(2, [0x78])]));
    assert.equal(
      decodeError(() => decode(KeyedSchema, lucky, "binary")).message,
      'cannot decode fixture.v1.Keyed from binary: field labels["a"]: field 3 in a map entry of labels: only the key (1) and the value (2) can be read there; the decoder would misread the entry at byte 5',
    );
    const delimited = Uint8Array.from([0, outer.length, ...outer]);
    assert.match(decodeError(() => decode(OuterSchema, delimited, "delimited")).message, /field items\[0\]\.labels\["a"\]: field 3 in a map entry of labels: .* at byte 9$/);
  });

  test("refuses __proto__ keys without polluting any prototype", () => {
    const request = decodeError(() =>
      decode(StreamReverseTunnelsRequestSchema, utf8('{"node":{"metadata":{"__proto__":{"polluted":true}}}}'), "json"),
    );
    assert.equal(
      request.message,
      'cannot decode envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.StreamReverseTunnelsRequest from json: the key "__proto__" is not supported (it cannot be stored safely) at line 1:22',
    );
    const node = decodeError(() => decode(NodeSchema, utf8('dynamic_parameters { key: "__proto__" value { params { key: "a" value: "b" } } }'), "text"));
    assert.equal(node.message, 'cannot decode envoy.config.core.v3.Node from text: map key "__proto__" in dynamic_parameters is not supported (it cannot be stored safely) at line 1:1');
    assert.equal(
      decodeError(() => decode(TraceSchema, utf8('{"__proto__":{"polluted":true}}'), "json")).message,
      'cannot decode envoy.data.tap.v2alpha.Trace from json: the key "__proto__" is not supported (it cannot be stored safely) at line 1:2',
    );
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
  });

  test("refuses a binary map key __proto__ whatever the value type, at its map field's tag", () => {
    // Outer { name: "n" items {} items { labels { key: "__proto__" value: "x" } } }
    const name = lengthDelimited(1, [0x6e]);
    const item = lengthDelimited(1, stringKeyEntry("__proto__", lengthDelimited(2, [0x78])));
    const bytes = Uint8Array.from([...name, ...lengthDelimited(2, []), ...lengthDelimited(2, item)]);
    const error = decodeError(() => decode(OuterSchema, bytes, "binary", { fileName: "o.pb" }));
    assert.equal(
      error.message,
      'cannot decode fixture.v1.Outer from binary: map key "__proto__" in items[1].labels is not supported (it cannot be stored safely) at byte 7',
    );
    assert.deepEqual(error.location, { fileName: "o.pb", index: 0, position: { offset: name.length + 4 }, path: 'items[1].labels["__proto__"]' });
    const counts = Uint8Array.from(lengthDelimited(2, stringKeyEntry("__proto__", varint(2, 7))));
    assert.equal(decodeError(() => decode(KeyedSchema, counts, "binary")).location.path, 'counts["__proto__"]');
    // With a byte order mark first, the key is another one, kept as it is.
    const marked = Uint8Array.from(lengthDelimited(2, stringKeyEntry(BOM_PROTO_KEY, varint(2, 7))));
    assert.deepEqual(Object.keys((decode(KeyedSchema, marked, "binary")[0] as unknown as { counts: object }).counts), ["\uFEFF__proto__"]);
    // Request { node { dynamic_parameters { key: "k" value { params { key: "__proto__" value: "b" } } } } }
    const params = lengthDelimited(1, stringKeyEntry("__proto__", lengthDelimited(2, [0x62])));
    const node = lengthDelimited(12, stringKeyEntry("k", lengthDelimited(2, params)));
    const request = decodeError(() => decode(StreamReverseTunnelsRequestSchema, Uint8Array.from(lengthDelimited(1, node)), "binary"));
    assert.deepEqual([request.location.path, request.location.position], ['node.dynamic_parameters["k"].params["__proto__"]', { offset: 9 }]);
  });

  test("refuses a map key __proto__ in a delimited stream at its absolute offset, after good messages", () => {
    const good = lengthDelimited(1, stringKeyEntry("k", lengthDelimited(2, utf8("__proto__"))));
    const bad = lengthDelimited(4, stringKeyEntry("__proto__", varint(2, 1)));
    const stream = Uint8Array.from([good.length, ...good, bad.length, ...bad]);
    const error = decodeError(() => decode(KeyedSchema, stream, "delimited"));
    assert.equal(
      error.message,
      'cannot decode fixture.v1.Keyed from delimited: map key "__proto__" in colors is not supported (it cannot be stored safely) at byte 18',
    );
    assert.deepEqual(error.location.position, { offset: 1 + good.length + 1 });
    assert.equal(error.location.index, 1);
    assert.deepEqual(decode(KeyedSchema, Uint8Array.from([good.length, ...good]), "delimited").length, 1);
  });

  test("refuses a text map key __proto__ however it is spelled, and accepts __proto__ as a value", () => {
    const reason = (path: string) => `map key "__proto__" in ${path} is not supported (it cannot be stored safely) at line 1:1`;
    const params = decodeError(() => decode(ContextParamsSchema, utf8('params { key: "a" value: "b" }\nparams { key: "__proto__" value: "x" }'), "text", { fileName: "p.pb_text" }));
    assert.equal(params.message, `cannot decode xds.core.v3.ContextParams from text: ${reason("params")}`);
    assert.deepEqual(params.location, { fileName: "p.pb_text", index: 0, position: { line: 1, column: 1 }, path: "params" });
    for (const spelled of ['"__pro" "to__"', "'\\x5f_proto__'", '"\\137\\137proto__"']) {
      assert.equal(decodeError(() => decode(ContextParamsSchema, utf8(`params [{ key: ${spelled} value: "x" }]`), "text")).location.path, "params", spelled);
    }
    const nested = decodeError(() => decode(OuterSchema, utf8('items {}\nitems { counts { key: "__proto__" value: 1 } }'), "text"));
    assert.equal(nested.message, `cannot decode fixture.v1.Outer from text: ${reason("items[1].counts")}`);
    const deep = decodeError(() => decode(NodeSchema, utf8('dynamic_parameters { key: "k" value { params { key: "__proto__" } } }'), "text"));
    assert.equal(deep.location.path, 'dynamic_parameters["k"].params');
    const struct = decodeError(() => decode(NodeSchema, utf8('metadata { fields { key: "a" value { struct_value { fields { key: "__proto__" value { string_value: "x" } } } } } }'), "text"));
    assert.equal(struct.location.path, 'metadata.fields["a"].struct_value.fields');
    const [kept] = decode(ContextParamsSchema, utf8('params { key: "__proto__x" value: "__proto__" } # params { key: "__proto__" }'), "text");
    assert.deepEqual(kept?.params, { __proto__x: "__proto__" });
  });

  test("reports a text-format fault at its token", () => {
    const unknown = decodeError(() => decode(TraceSchema, utf8("connection {\n  idd: 1\n}"), "text", { fileName: "t.pb_text" }));
    assert.equal(unknown.message, 'cannot decode envoy.data.tap.v2alpha.Trace from text: unknown field "idd" for message envoy.data.tap.v2alpha.Connection at line 2:3');
    assert.deepEqual(unknown.location, { fileName: "t.pb_text", index: 0, position: { line: 2, column: 3 } });
    const wrongType = decodeError(() => decode(TraceSchema, utf8('connection {\n  id: 1\n  local_address { pipe { mode: "x" } }\n}'), "text"));
    assert.equal(wrongType.message, "cannot decode envoy.data.tap.v2alpha.Trace from text: expected an integer, got a string at line 3:32");
    const unclosed = decodeError(() => decode(TraceSchema, utf8("events {\n  read {}\n"), "text"));
    assert.equal(unclosed.message, 'cannot decode envoy.data.tap.v2alpha.Trace from text: unexpected end of input, expected "}" at line 3:1');
  });

  test("reports invalid UTF-8 in text format", () => {
    const input = Uint8Array.from([...utf8('connection {\n  local_address { pipe { path: "'), 0xc3, 0x28, ...utf8('" } }\n}')]);
    assert.equal(decodeError(() => decode(TraceSchema, input, "text")).message, "cannot decode envoy.data.tap.v2alpha.Trace from text: invalid UTF-8 at line 2:33");
  });

  test("refuses a binary or text input over the limit", async () => {
    const error = await errorOf(() => decode(TraceSchema, new Uint8Array(11), "binary", { maxMessageBytes: 10 }));
    assert.equal(error.message, "cannot decode envoy.data.tap.v2alpha.Trace from binary: the input is one message and exceeds the limit of 10 bytes at byte 0");
  });
});

suite("decode() of JSON with duplicate keys", () => {
  test("finds duplicates past long strings, escaped quotes and escaped key spellings", () => {
    const long = "A".repeat(10_000);
    const input = utf8(`{"connection":{"localAddress":{"pipe":{"path":"${long}\\"x\\\\"}}},"events":[{"read":{"data":"${long}"}}],\n "\\u0065vents":[]}`);
    assert.throws(() => decode(TraceSchema, input, "json"), {
      message: 'cannot decode envoy.data.tap.v2alpha.Trace from json: duplicate object key "events" at line 2:2',
    });
    // The same key in sibling objects is no duplicate.
    assert.equal(decode(TraceSchema, utf8('{"events":[{"read":{"data":""}},{"read":{"data":""}}]}'), "json")[0]!.events.length, 2);
  });
});

/** A varint's bytes, for lengths above 127. */
function varintBytes(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return bytes;
}
