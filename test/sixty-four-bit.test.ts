import { suite, test } from "node:test";
import assert from "node:assert/strict";
import { create, fromBinary, fromJson, fromJsonString, toBinary, toJson, toJsonString } from "@bufbuild/protobuf";
import { ConnectionSchema, StreamReverseTunnelsRequestSchema, TraceSchema, registry } from "../src/index.js";

const uint64Max = 18446744073709551615n;
const aboveDoublePrecision = 9007199254740993n; // 2^53 + 1: a double rounds it to 2^53

suite("64-bit integers", () => {
  test("Connection.id = 2^64-1 survives a binary round trip", () => {
    const trace = create(TraceSchema, { connection: { id: uint64Max } });
    assert.equal(fromBinary(TraceSchema, toBinary(TraceSchema, trace)).connection?.id, uint64Max);
  });

  test("Connection.id = 2^64-1 is a JSON string and survives a JSON round trip", () => {
    const json = toJson(ConnectionSchema, create(ConnectionSchema, { id: uint64Max }));
    assert.deepEqual(json, { id: "18446744073709551615" });
    assert.equal(fromJson(ConnectionSchema, json).id, uint64Max);
  });

  test("nonce = 2^53+1 survives binary and JSON round trips", () => {
    const request = create(StreamReverseTunnelsRequestSchema, { nonce: aboveDoublePrecision });
    assert.equal(fromBinary(StreamReverseTunnelsRequestSchema, toBinary(StreamReverseTunnelsRequestSchema, request)).nonce, aboveDoublePrecision);
    const text = toJsonString(StreamReverseTunnelsRequestSchema, request, { registry });
    assert.equal(text, '{"nonce":"9007199254740993"}');
    assert.equal(fromJsonString(StreamReverseTunnelsRequestSchema, text, { registry }).nonce, aboveDoublePrecision);
  });

  test("a nonce given as a JSON string in proto-name spelling parses exactly", () => {
    const request = fromJson(StreamReverseTunnelsRequestSchema, { nonce: "9007199254740993", full_push: true });
    assert.equal(request.nonce, aboveDoublePrecision);
    assert.equal(request.fullPush, true);
  });
});
