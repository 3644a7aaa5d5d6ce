import { readFileSync } from "node:fs";
import { join } from "node:path";
import { suite, test } from "node:test";
import assert from "node:assert/strict";
import { equals, fromBinary, toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { fromText, toText } from "@bufbuild/protobuf/txtpb";
import { StreamReverseTunnelsRequestSchema, StreamReverseTunnelsResponseSchema, TraceSchema } from "../src/index.js";
import { registry } from "../src/registry.js";
import { requireTool } from "./support/external-tool.js";
import { protocDecode, protocEncode } from "./support/protoc.js";
import { fullRequest, fullResponse, fullTrace } from "./full-messages.testdata.js";

const skip = requireTool("protoc");

function assertAgreesWithProtoc<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>, byteIdentical: boolean): void {
  const ourText = toText(schema, message, { registry });
  const ourBinary = toBinary(schema, message);

  // protoc encodes our text form; we decode its bytes to the same message.
  const protocBinary = protocEncode(schema.typeName, ourText);
  const decoded = fromBinary(schema, protocBinary);
  assert.ok(
    equals(schema, decoded, message, { registry, unpackAny: true }),
    `message decoded from protoc's binary differs:\n${toText(schema, decoded, { registry })}`,
  );

  // protoc decodes our bytes to the text it prints for its own encoding.
  assert.equal(protocDecode(schema.typeName, ourBinary), protocDecode(schema.typeName, protocBinary));

  if (byteIdentical) {
    assert.deepEqual(Buffer.from(ourBinary).toString("hex"), Buffer.from(protocBinary).toString("hex"));
  }
}

suite("agreement with protoc", { skip }, () => {
  test("a Trace with every field agrees byte for byte", () => {
    assertAgreesWithProtoc(TraceSchema, fullTrace, true);
  });

  test("a StreamReverseTunnelsRequest with a fully populated Node agrees (maps may order differently)", () => {
    assertAgreesWithProtoc(StreamReverseTunnelsRequestSchema, fullRequest, false);
  });

  test("a StreamReverseTunnelsResponse with an Any in error_detail.details agrees byte for byte", () => {
    assertAgreesWithProtoc(StreamReverseTunnelsResponseSchema, fullResponse, true);
  });

  test("Envoy's recorded HTTP/2 trace encodes to the same bytes as protoc's", () => {
    const text = readFileSync(join(import.meta.dirname, "../examples/valid/tap2pcap-h2-ipv4.pb_text"), "utf8");
    const trace = fromText(TraceSchema, text);
    assert.equal(trace.events.length, 6);
    assert.deepEqual(Buffer.from(toBinary(TraceSchema, trace)), Buffer.from(protocEncode(TraceSchema.typeName, text)));
  });
});
