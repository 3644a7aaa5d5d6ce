import { suite, test } from "node:test";
import assert from "node:assert/strict";
import { create, equals, toBinary } from "@bufbuild/protobuf";
import { TraceSchema } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { fullTrace } from "../../test/full-messages.testdata.js";
import { decode, encode, isDecodeError, readFrames, readMessages, type Format } from "./index.js";
import { chunked, collect, envoyTraceText, errorOf, utf8 } from "./codec.testdata.js";

const allFormats: readonly Format[] = ["binary", "delimited", "json", "ndjson", "text"];

suite("readMessages()", () => {
  test("reads the real Envoy trace from text format in 1-byte chunks", async () => {
    const [read, ...rest] = await collect(readMessages(TraceSchema, chunked(envoyTraceText), "text", { fileName: "trace.pb_text" }));
    assert.equal(rest.length, 0);
    assert.ok(equals(TraceSchema, read!.message, decode(TraceSchema, envoyTraceText, "text")[0]!));
    assert.deepEqual(read!.position, { line: 1, column: 1 });
  });

  test("yields what decode() returns, for every format, in 1-byte chunks", async () => {
    const [envoyTrace] = decode(TraceSchema, envoyTraceText, "text");
    for (const format of allFormats) {
      const messages = format === "binary" || format === "text" ? [fullTrace] : [fullTrace, envoyTrace!, create(TraceSchema), fullTrace];
      const bytes = encode(TraceSchema, messages, format, { pretty: true });
      const read = await collect(readMessages(TraceSchema, chunked(bytes), format));
      assert.equal(read.length, messages.length, format);
      read.forEach((item, i) => {
        assert.equal(item.index, i);
        assert.ok(equals(TraceSchema, item.message, messages[i]!), `${format} #${i}`);
      });
    }
  });

  test("gives each delimited message's exact bytes and the offset of its length prefix", async () => {
    // fullTrace needs a 2-byte varint length, so 1-byte chunks split the prefix.
    const messages = [fullTrace, create(TraceSchema), fullTrace];
    const bytes = encode(TraceSchema, messages, "delimited");
    const read = await collect(readMessages(TraceSchema, chunked(bytes, [1, 2, 3, 5, 7]), "delimited"));
    const size = toBinary(TraceSchema, fullTrace).length;
    assert.deepEqual(read.map((r) => r.position), [{ offset: 0 }, { offset: size + 2 }, { offset: size + 3 }]);
    assert.deepEqual(read.map((r) => r.bytes), [toBinary(TraceSchema, fullTrace), new Uint8Array(0), toBinary(TraceSchema, fullTrace)]);
    assert.equal(read[0]!.json, undefined);
  });

  test("gives each JSON message's text, value, line and column, with multi-byte characters split across chunks", async () => {
    const input = utf8('[\n  {"connection": {"localAddress": {"pipe": {"path": "/é☃"}}}},\n  {"events": []}\n]');
    const read = await collect(readMessages(TraceSchema, chunked(input), "json"));
    assert.deepEqual(
      read.map((r) => r.json),
      [
        {
          text: '{"connection": {"localAddress": {"pipe": {"path": "/é☃"}}}}',
          value: { connection: { localAddress: { pipe: { path: "/é☃" } } } },
          line: 2,
          column: 3,
        },
        { text: '{"events": []}', value: { events: [] }, line: 3, column: 3 },
      ],
    );
    assert.equal(read[0]!.message.connection?.localAddress?.address.value?.$typeName, "envoy.api.v2.core.Pipe");
    assert.deepEqual(read[1]!.position, { line: 3, column: 3 });
  });

  test("reads unquoted 64-bit integers beyond 2^53 exactly from NDJSON in 1-byte chunks", async () => {
    const text = '{"connection": {"id": 18446744073709551615}}\n{"connection": {"id": 9007199254740993}}\n';
    const read = await collect(readMessages(TraceSchema, chunked(utf8(text)), "ndjson"));
    assert.deepEqual(read.map((r) => r.message.connection?.id), [18446744073709551615n, 9007199254740993n]);
    // The value handed on for validateJson carries the exact digits too.
    assert.deepEqual(read.map((r) => r.json?.value), [{ connection: { id: "18446744073709551615" } }, { connection: { id: "9007199254740993" } }]);
  });

  test("reads Envoy's stream of concatenated pretty-printed objects", async () => {
    const input = utf8('{\n "connection": {\n  "id": "1"\n }\n}\n{\n "connection": {\n  "id": "2"\n }\n}\n');
    const read = await collect(readMessages(TraceSchema, chunked(input, [3]), "json"));
    assert.deepEqual(read.map((r) => [r.message.connection?.id, r.json?.line]), [[1n, 1], [2n, 6]]);
  });

  test("skips blank NDJSON lines and counts lines across them", async () => {
    const input = utf8('{"connection":{"id":"1"}}\r\n\n   \n{"connection":{"id":"2"}}\n');
    const read = await collect(readMessages(TraceSchema, chunked(input), "ndjson"));
    assert.deepEqual(read.map((r) => [r.message.connection?.id, r.position]), [[1n, { line: 1, column: 1 }], [2n, { line: 4, column: 1 }]]);
  });

  test("refuses pretty-printed JSON or two messages on one line as NDJSON", async () => {
    const pretty = await errorOf(() => collect(readMessages(TraceSchema, chunked(utf8('{"events": []}\n{\n  "events": []\n}')), "ndjson")));
    assert.equal(
      pretty.message,
      "cannot decode envoy.data.tap.v2alpha.Trace from ndjson: the message continues past the end of its line (NDJSON holds one message per line; use --format json for pretty-printed JSON) at line 2:1",
    );
    const twoOnALine = await errorOf(() => collect(readMessages(TraceSchema, chunked(utf8('{"events": []} {"events": []}')), "ndjson")));
    assert.equal(
      twoOnALine.message,
      "cannot decode envoy.data.tap.v2alpha.Trace from ndjson: expected a line break after the message (NDJSON holds one message per line) at line 1:16",
    );
  });

  test("refuses a declared delimited length over the limit before reading further", async () => {
    let chunksPulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      chunksPulled++;
      yield Uint8Array.of(0xe9, 0x07); // 1001
      for (;;) {
        chunksPulled++;
        yield new Uint8Array(1024);
      }
    }
    const error = await errorOf(() => collect(readMessages(TraceSchema, endless(), "delimited", { maxMessageBytes: 1000, fileName: "big.pbdelim" })));
    assert.ok(isDecodeError(error));
    assert.equal(error.message, "cannot decode envoy.data.tap.v2alpha.Trace from delimited: message length 1001 exceeds the limit of 1000 bytes at byte 0");
    assert.deepEqual(error.location, { fileName: "big.pbdelim", index: 0, position: { offset: 0 } });
    assert.equal(error.ruleId, "input.too_large");
    assert.equal(chunksPulled, 1);
  });

  test("refuses a 7 × 2^28-byte length declared inside a split varint, and a 6-byte one", async () => {
    const error = await errorOf(() => collect(readMessages(TraceSchema, chunked(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x07)), "delimited")));
    assert.equal(error.message, "cannot decode envoy.data.tap.v2alpha.Trace from delimited: message length 1879048192 exceeds the limit of 67108864 bytes at byte 0");
    const long = await errorOf(() => collect(readMessages(TraceSchema, chunked(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x20)), "delimited")));
    assert.equal(long.message, "cannot decode envoy.data.tap.v2alpha.Trace from delimited: length prefix is longer than 5 bytes at byte 0");
  });

  test("refuses a JSON object, NDJSON line or binary input over the limit while it streams", async () => {
    const big = `{"connection":{"localAddress":{"pipe":{"path":"${"x".repeat(200)}"}}}}`;
    const json = await errorOf(() => collect(readMessages(TraceSchema, chunked(utf8(`{"events":[]}\n${big}`), [16]), "json", { maxMessageBytes: 100 })));
    assert.equal(json.message, "cannot decode envoy.data.tap.v2alpha.Trace from json: message exceeds the limit of 100 bytes at line 2:1");
    assert.equal((json as { location?: { index?: number } }).location?.index, 1);
    const ndjson = await errorOf(() => collect(readMessages(TraceSchema, chunked(utf8(big), [16]), "ndjson", { maxMessageBytes: 100 })));
    assert.equal(ndjson.message, "cannot decode envoy.data.tap.v2alpha.Trace from ndjson: message exceeds the limit of 100 bytes at line 1:1");
    let pulled = 0;
    async function* binary(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield new Uint8Array(64);
      }
    }
    const tooLong = await errorOf(() => collect(readMessages(TraceSchema, binary(), "binary", { maxMessageBytes: 100 })));
    assert.equal(tooLong.message, "cannot decode envoy.data.tap.v2alpha.Trace from binary: the input is one message and exceeds the limit of 100 bytes at byte 0");
    assert.equal(pulled, 2);
    for (const error of [json, ndjson, tooLong]) assert.equal((error as { ruleId?: string }).ruleId, "input.too_large");
  });

  test("yields the good messages before the first bad one, then throws with its index", async () => {
    const input = utf8('{"events":[]}\n{"events":[{"timestamp":"yesterday"}]}\n');
    const seen: number[] = [];
    const error = await errorOf(async () => {
      for await (const item of readMessages(TraceSchema, chunked(input, [5]), "ndjson", { fileName: "t.ndjson" })) seen.push(item.index);
    });
    assert.deepEqual(seen, [0]);
    assert.ok(isDecodeError(error));
    assert.equal(error.message, "cannot decode envoy.data.tap.v2alpha.Trace from ndjson: message google.protobuf.Timestamp: invalid RFC 3339 string at line 2:1");
    assert.deepEqual(error.location, { fileName: "t.ndjson", index: 1, position: { line: 2, column: 1 } });
  });

  test("reports a truncated JSON array and a truncated delimited stream", async () => {
    const array = await errorOf(() => collect(readMessages(TraceSchema, chunked(utf8('[{"events":[]},\n')), "json")));
    assert.equal(array.message, "cannot decode envoy.data.tap.v2alpha.Trace from json: unexpected end of input: the JSON array is not closed at line 2:1");
    const prefix = await errorOf(() => collect(readMessages(TraceSchema, chunked(Uint8Array.of(0x00, 0x80)), "delimited")));
    assert.equal(prefix.message, "cannot decode envoy.data.tap.v2alpha.Trace from delimited: unexpected end of input inside a length prefix at byte 1");
  });

  test("reports invalid UTF-8 between JSON values at its position", async () => {
    const error = await errorOf(() => collect(readMessages(TraceSchema, chunked(Uint8Array.from([...utf8('{"events":[]}\n '), 0xff])), "json")));
    assert.equal(error.message, "cannot decode envoy.data.tap.v2alpha.Trace from json: unexpected byte 0xff where a JSON value should start at line 2:2");
  });

  test("does not alias the caller's chunk buffers", async () => {
    const bytes = encode(TraceSchema, [fullTrace], "delimited");
    const reused = new Uint8Array(bytes);
    async function* once(): AsyncGenerator<Uint8Array> {
      yield reused;
      reused.fill(0);
    }
    const [read] = await collect(readMessages(TraceSchema, once(), "delimited"));
    assert.ok(equals(TraceSchema, read!.message, fullTrace));
  });

  test("refuses chunks that are not bytes", async () => {
    async function* strings(): AsyncGenerator<unknown> {
      yield "{}";
    }
    const error = await errorOf(() => collect(readMessages(TraceSchema, strings() as AsyncIterable<Uint8Array>, "json")));
    assert.equal(error.message, "readMessages() needs chunks of bytes (Uint8Array), got string");
  });
});

suite("readFrames()", () => {
  test("counts columns in characters across strings with escapes and multi-byte characters, whatever the chunking", async () => {
    const input = utf8('{"a":"é\\"x☃"} {"b":"\\\\"}\n  {}');
    for (const chunks of [[input], [...input].map((b) => Uint8Array.of(b))]) {
      async function* source(): AsyncGenerator<Uint8Array> {
        yield* chunks;
      }
      const frames = await collect(readFrames(TraceSchema, source(), "json"));
      assert.deepEqual(
        frames.map((f) => [f.position, f.text]),
        [
          [{ line: 1, column: 1 }, '{"a":"é\\"x☃"}'],
          [{ line: 1, column: 15 }, '{"b":"\\\\"}'],
          [{ line: 2, column: 3 }, "{}"],
        ],
      );
    }
  });

  test("hands out delimited messages inside one chunk as views of it, and gathers those that span chunks", async () => {
    // Three delimited messages: 2 bytes, 3 bytes, 1 byte. The first chunk
    // holds the first message whole and half of the second.
    const first = Uint8Array.of(0x02, 0x08, 0x01, 0x03, 0x0a);
    const second = Uint8Array.of(0x01, 0x00, 0x01, 0x08);
    async function* twoChunks(): AsyncGenerator<Uint8Array> {
      yield first;
      yield second;
    }
    const frames = await collect(readFrames(TraceSchema, twoChunks(), "delimited"));
    assert.deepEqual(
      frames.map((f) => [f.offset, [...f.bytes]]),
      [
        [1, [0x08, 0x01]],
        [4, [0x0a, 0x01, 0x00]],
        [8, [0x08]],
      ],
    );
    assert.equal(frames[0]!.bytes.buffer, first.buffer, "a message inside one chunk is not copied");
    assert.notEqual(frames[1]!.bytes.buffer, first.buffer, "a message across chunks has its own buffer");
    assert.equal(frames[2]!.bytes.buffer, second.buffer);
  });

  test("cuts messages without decoding them, with text for JSON and offsets for binary", async () => {
    const json = await collect(readFrames(TraceSchema, chunked(utf8('[{"events": "not a list"},\n {}]')), "json"));
    assert.deepEqual(
      json.map((f) => [f.index, f.position, f.offset, f.text]),
      [
        [0, { line: 1, column: 2 }, 1, '{"events": "not a list"}'],
        [1, { line: 2, column: 2 }, 28, "{}"],
      ],
    );
    const delimited = await collect(readFrames(TraceSchema, chunked(Uint8Array.of(0x02, 0x0a, 0x00, 0x01, 0xff)), "delimited"));
    assert.deepEqual(
      delimited.map((f) => [f.index, f.position, f.offset, f.bytes, f.text]),
      [
        [0, { offset: 0 }, 1, Uint8Array.of(0x0a, 0x00), undefined],
        [1, { offset: 3 }, 4, Uint8Array.of(0xff), undefined],
      ],
    );
  });

  test("refuses invalid UTF-8 in text input with its position", async () => {
    const error = await errorOf(() => collect(readFrames(TraceSchema, chunked(Uint8Array.of(0x0a, 0x61, 0xff)), "text")));
    assert.equal(error.message, "cannot decode envoy.data.tap.v2alpha.Trace from text: invalid UTF-8 at line 2:2");
  });
});
