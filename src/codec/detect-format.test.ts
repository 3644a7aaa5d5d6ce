import { suite, test } from "node:test";
import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { TraceSchema } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { fullTrace } from "../../test/full-messages.testdata.js";
import { detectFormat, encode, formatFromFileName } from "./index.js";
import { envoyTraceText, utf8 } from "./codec.testdata.js";

suite("formatFromFileName()", () => {
  test("maps Envoy's and common tools' extensions, case-insensitively", () => {
    const expected = {
      "trace_1.pb": "binary",
      "x.BIN": "binary",
      "x.binpb": "binary",
      "trace_1.pb_length_delimited": "delimited",
      "x.pbdelim": "delimited",
      "trace_1.pb_text": "text",
      "x.txtpb": "text",
      "x.textproto": "text",
      "notes.txt": "text",
      "trace_1.json": "json",
      "x.ndjson": "ndjson",
      "x.JSONL": "ndjson",
    } as const;
    for (const [name, format] of Object.entries(expected)) assert.equal(formatFromFileName(name), format, name);
    assert.equal(formatFromFileName("trace"), undefined);
    assert.equal(formatFromFileName("x.yaml"), undefined);
  });
});

suite("detectFormat()", () => {
  test("trusts a known extension over the content", () => {
    assert.deepEqual(detectFormat(utf8("{}"), "dump.pb_text"), {
      format: "text",
      basis: "file-name",
      confidence: "high",
      reason: "the file name ends in .pb_text",
    });
  });

  test("recognises the real Envoy trace as text format", () => {
    const detected = detectFormat(envoyTraceText.subarray(0, 4096), "-");
    assert.equal(detected.format, "text");
    assert.equal(detected.basis, "content");
    assert.equal(detected.confidence, "high");
  });

  test("tells JSON from NDJSON", () => {
    const one = '{"connection":{"id":"1"}}';
    assert.equal(detectFormat(utf8(`${one}\n${one}\n`)).format, "ndjson");
    assert.equal(detectFormat(utf8(`${one}\n`)).format, "json");
    assert.equal(detectFormat(utf8(`[${one}]`)).format, "json");
    assert.equal(detectFormat(utf8('{\n  "connection": {}\n}\n{\n  "events": []\n}')).format, "json");
    assert.equal(detectFormat(utf8(`\uFEFF  ${one}\r\n${one}`)).format, "ndjson");
    // A head that stops inside the first object is JSON, with less confidence.
    assert.deepEqual(detectFormat(utf8('{"connection": {"id": "1"')), {
      format: "json",
      basis: "content",
      confidence: "medium",
      reason: "the input starts with '{' and its first object does not close within the first bytes (JSON)",
    });
  });

  test("recognises text format with comments and an Any in expanded form", () => {
    assert.equal(detectFormat(utf8("# a capture\nconnection {\n}\n")).format, "text");
    assert.equal(detectFormat(utf8("[type.googleapis.com/x.Y] {\n}\n")).format, "text");
    assert.equal(detectFormat(utf8("events: []")).format, "text");
  });

  test("tells delimited streams from binary messages", () => {
    const delimited = encode(TraceSchema, [fullTrace, fullTrace, fullTrace], "delimited");
    assert.equal(detectFormat(delimited, undefined, { headIsWholeInput: true }).format, "delimited");
    assert.equal(detectFormat(delimited.subarray(0, 100)).format, "delimited");
    const binary = encode(TraceSchema, [fullTrace], "binary");
    assert.equal(detectFormat(binary, undefined, { headIsWholeInput: true }).format, "binary");
    assert.equal(detectFormat(binary.subarray(0, 100), undefined, { schema: TraceSchema }).format, "binary");
  });

  test("uses the schema to settle a single delimited message", () => {
    const one = encode(TraceSchema, [create(TraceSchema, { connection: { id: 5n } })], "delimited");
    assert.equal(detectFormat(one, undefined, { headIsWholeInput: true, schema: TraceSchema }).format, "delimited");
  });

  test("reads an empty input as binary, with low confidence", () => {
    assert.deepEqual(detectFormat(new Uint8Array(0)), {
      format: "binary",
      basis: "content",
      confidence: "low",
      reason: "the input is empty (read as one binary message with no field set)",
    });
  });
});
