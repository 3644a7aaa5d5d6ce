import { suite, test } from "node:test";
import assert from "node:assert/strict";
import { create, equals, toBinary } from "@bufbuild/protobuf";
import { TraceSchema, type Trace } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { StatusSchema } from "../../gen/google/rpc/status_pb.js";
import { StreamReverseTunnelsResponseSchema } from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { fullResponse, fullTrace } from "../../test/full-messages.testdata.js";
import { decode, encode, isEncodeError, writeMessages, type EncodeOptions, type Format } from "./index.js";
import { collect, concat, errorOf } from "./codec.testdata.js";

const small = (id: bigint): Trace => create(TraceSchema, { connection: { id, localAddress: { address: { case: "pipe", value: { path: "/p" } } } } });
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

suite("encode()", () => {
  test("writes one JSON message as one document, several as an array, none as []", () => {
    assert.equal(text(encode(TraceSchema, [small(1n)], "json")), '{"connection":{"id":"1","localAddress":{"pipe":{"path":"/p"}}}}\n');
    assert.equal(
      text(encode(TraceSchema, [small(1n), small(2n)], "json")),
      '[{"connection":{"id":"1","localAddress":{"pipe":{"path":"/p"}}}},{"connection":{"id":"2","localAddress":{"pipe":{"path":"/p"}}}}]\n',
    );
    assert.equal(text(encode(TraceSchema, [], "json")), "[]\n");
  });

  test("writes the array and concatenated JSON layouts, pretty or not", () => {
    assert.equal(text(encode(TraceSchema, [create(TraceSchema)], "json", { jsonLayout: "array" })), "[{}]\n");
    assert.equal(
      text(encode(TraceSchema, [small(1n), small(2n)], "json", { jsonLayout: "array", pretty: true })),
      '[\n  {\n    "connection": {\n      "id": "1",\n      "localAddress": {\n        "pipe": {\n          "path": "/p"\n        }\n      }\n    }\n  },\n' +
        '  {\n    "connection": {\n      "id": "2",\n      "localAddress": {\n        "pipe": {\n          "path": "/p"\n        }\n      }\n    }\n  }\n]\n',
    );
    assert.equal(text(encode(TraceSchema, [create(TraceSchema), create(TraceSchema)], "json", { jsonLayout: "concatenated" })), "{}\n{}\n");
  });

  test("writes proto field names on request", () => {
    assert.equal(
      text(encode(TraceSchema, [small(1n)], "ndjson", { useProtoFieldNames: true, pretty: true })),
      '{"connection":{"id":"1","local_address":{"pipe":{"path":"/p"}}}}\n',
    );
  });

  test("writes one compact NDJSON line per message", () => {
    assert.equal(text(encode(TraceSchema, [create(TraceSchema), small(3n)], "ndjson")).split("\n").length, 3);
  });

  test("refuses several messages, or none, for text and binary", async () => {
    const several = await errorOf(() => encode(TraceSchema, [fullTrace, fullTrace], "text"));
    assert.ok(isEncodeError(several));
    assert.equal(several.message, "cannot encode envoy.data.tap.v2alpha.Trace to text: the text format holds exactly one message, got a second one (use delimited, ndjson or json for several)");
    assert.equal(several.index, 1);
    const none = await errorOf(() => encode(TraceSchema, [], "binary"));
    assert.equal(none.message, "cannot encode envoy.data.tap.v2alpha.Trace to binary: the binary format holds exactly one message, got none");
  });

  test("refuses an Any of an unknown type in JSON and text", async () => {
    const status = create(StatusSchema, { details: [{ typeUrl: "type.googleapis.com/example.Unknown", value: Uint8Array.of(8, 1) }] });
    const json = await errorOf(() => encode(StatusSchema, [status], "json"));
    assert.ok(isEncodeError(json));
    assert.equal(json.message, 'cannot encode google.rpc.Status to json: "type.googleapis.com/example.Unknown" is not in the type registry');
    // Binary carries the Any as it is.
    assert.ok(equals(StatusSchema, decode(StatusSchema, encode(StatusSchema, [status], "binary"), "binary")[0]!, status));
  });

  test("keeps unknown binary fields in binary and delimited output", () => {
    // Trace with field 9 (varint 1) and field 15 (bytes "hi") that the schema does not declare.
    const withUnknown = Uint8Array.from([...toBinary(TraceSchema, fullTrace), 0x48, 0x01, 0x7a, 0x02, 0x68, 0x69]);
    const [trace] = decode(TraceSchema, withUnknown, "binary");
    assert.deepEqual(encode(TraceSchema, [trace!], "binary"), withUnknown);
    const delimited = encode(TraceSchema, [trace!], "delimited");
    assert.deepEqual(delimited.subarray(delimited.length - withUnknown.length), withUnknown);
  });
});

suite("writeMessages()", () => {
  const cases: readonly [Format, EncodeOptions][] = [
    ["binary", {}],
    ["text", {}],
    ["delimited", {}],
    ["ndjson", {}],
    ["json", {}],
    ["json", { pretty: true }],
    ["json", { jsonLayout: "array" }],
    ["json", { jsonLayout: "concatenated", pretty: true }],
  ];

  test("writes exactly what encode() writes, for every format and layout and message count", async () => {
    for (const [format, options] of cases) {
      const counts = format === "binary" || format === "text" ? [1] : [0, 1, 2, 3];
      for (const count of counts) {
        const messages = [fullTrace, small(1n), create(TraceSchema)].slice(0, count);
        const streamed = concat(await collect(writeMessages(TraceSchema, messages, format, options)));
        assert.deepEqual(streamed, encode(TraceSchema, messages, format, options), `${format} ${JSON.stringify(options)} x${count}`);
      }
    }
  });

  test("streams: a delimited or NDJSON chunk leaves before the next message is asked for", async () => {
    for (const format of ["delimited", "ndjson", "json"] as const) {
      let asked = 0;
      async function* messages(): AsyncGenerator<Trace> {
        for (let i = 0; i < 3; i++) {
          asked++;
          yield small(BigInt(i));
        }
      }
      const askedAtChunk: number[] = [];
      for await (const chunk of writeMessages(TraceSchema, messages(), format, { jsonLayout: format === "json" ? "concatenated" : "auto" })) {
        assert.ok(chunk.length > 0);
        askedAtChunk.push(asked);
      }
      assert.deepEqual(askedAtChunk, [1, 2, 3], format);
    }
  });

  test("throws EncodeError from the iterator on a second text message", async () => {
    const error = await errorOf(() => collect(writeMessages(TraceSchema, [fullTrace, fullTrace], "text")));
    assert.ok(isEncodeError(error));
    assert.equal(error.index, 1);
  });

  test("writes an Any of a package type in JSON through the package registry", async () => {
    const json = text(concat(await collect(writeMessages(StreamReverseTunnelsResponseSchema, [fullResponse], "json"))));
    assert.match(json, /"@type":"type\.googleapis\.com\/google\.rpc\.BadRequest"/);
  });
});
