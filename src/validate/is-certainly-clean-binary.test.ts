import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { create, toBinary, type DescMessage } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import { AddressSchema as AddressV2Schema, PipeSchema, SocketAddressSchema } from "../../gen/envoy/api/v2/core/address_pb.js";
import { ConnectionSchema, Event_WriteSchema, EventSchema, TraceSchema } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import {
  StreamReverseTunnelsRequestSchema,
  StreamReverseTunnelsResponseSchema,
} from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { fullRequest, fullResponse, fullTrace } from "../../test/full-messages.testdata.js";
import { BOM_PROTO_KEY, KeyedSchema, lengthDelimited, stringKeyEntry, varint } from "../../test/prototype-keys.testdata.js";
import { cleanPlan } from "./clean-plan.js";
import { isCertainlyCleanBinary, validateBinary } from "./index.js";
import { outlineRules } from "./planner.js";

const utf8 = (text: string) => [...new TextEncoder().encode(text)];

/** Request { node { dynamic_parameters { key: KEY value { params { key: "a" value: "b" } } } } } */
function requestWithParametersKey(key: string): Uint8Array {
  const params = [0x0a, 6, 0x0a, 1, 0x61, 0x12, 1, 0x62];
  const entry = [0x0a, utf8(key).length, ...utf8(key), 0x12, params.length, ...params];
  const node = [0x62, entry.length, ...entry];
  return Uint8Array.from([0x0a, node.length, ...node]);
}

/** Request { node { dynamic_parameters { key: "k" value { params { key: KEY value: "b" } } } } }: a map of strings. */
function requestWithParamsKey(key: string): Uint8Array {
  const inner = [0x0a, utf8(key).length, ...utf8(key), 0x12, 1, 0x62];
  const params = [0x0a, inner.length, ...inner];
  const entry = [0x0a, 1, 0x6b, 0x12, params.length, ...params];
  const node = [0x62, entry.length, ...entry];
  return Uint8Array.from([0x0a, node.length, ...node]);
}

/** Each case is not certainly clean, and validateBinary does report something for it. */
const notClean: readonly { readonly name: string; readonly schema: DescMessage; readonly bytes: Uint8Array; readonly ruleId: string }[] = [
  { name: "a truncated varint", schema: StreamReverseTunnelsResponseSchema, bytes: Uint8Array.of(0x18, 0x80), ruleId: "wire.truncated" },
  { name: "a varint longer than 10 bytes", schema: StreamReverseTunnelsResponseSchema, bytes: Uint8Array.of(0x18, ...Array<number>(10).fill(0xff), 0x01), ruleId: "wire.invalid_varint" },
  { name: "a length past the end of the data", schema: TraceSchema, bytes: Uint8Array.of(0x12, 5, 0x12, 0), ruleId: "wire.truncated" },
  { name: "a length past the end of its enclosing message", schema: TraceSchema, bytes: Uint8Array.of(0x12, 2, 0x12, 5, 0, 0, 0, 0, 0), ruleId: "wire.invalid_length" },
  { name: "a length beyond 32 bits", schema: TraceSchema, bytes: Uint8Array.of(0x12, 0x80, 0x80, 0x80, 0x80, 0x10), ruleId: "wire.invalid_length" },
  { name: "an invalid wire type", schema: TraceSchema, bytes: Uint8Array.of(0x0f), ruleId: "wire.invalid_wire_type" },
  { name: "field number 0", schema: TraceSchema, bytes: Uint8Array.of(0x00, 0x00), ruleId: "wire.invalid_tag" },
  { name: "a tag beyond 32 bits", schema: TraceSchema, bytes: Uint8Array.of(0xf8, 0xff, 0xff, 0xff, 0x7f), ruleId: "wire.invalid_tag" },
  { name: "a tag varint of 6 bytes, which the decoder refuses", schema: TraceSchema, bytes: Uint8Array.of(0x92, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00), ruleId: "wire.malformed" },
  { name: "an end-group tag without a start", schema: TraceSchema, bytes: Uint8Array.of(0x0c), ruleId: "wire.invalid_group" },
  { name: "an unterminated group of an unknown field", schema: TraceSchema, bytes: Uint8Array.of(0x1b, 0x08, 0x01), ruleId: "wire.invalid_group" },
  { name: "an end-group tag inside a map entry", schema: StreamReverseTunnelsRequestSchema, bytes: Uint8Array.of(0x0a, 3, 0x62, 1, 0x1c), ruleId: "wire.invalid_group" },
  { name: "a wire type the field's type never uses", schema: TraceSchema, bytes: Uint8Array.of(0x08, 0x01), ruleId: "wire.wire_type_mismatch" },
  { name: "invalid UTF-8 in a string field", schema: StreamReverseTunnelsRequestSchema, bytes: Uint8Array.of(0x12, 4, 0x0a, 2, 0xff, 0xfe), ruleId: "wire.invalid_utf8" },
  { name: "invalid UTF-8 in a connection's pipe path", schema: TraceSchema, bytes: Uint8Array.of(0x0a, 7, 0x12, 5, 0x12, 3, 0x0a, 1, 0x80), ruleId: "wire.invalid_utf8" },
  { name: "both members of a oneof", schema: TraceSchema, bytes: Uint8Array.of(0x12, 4, 0x12, 0x00, 0x1a, 0x00), ruleId: "oneof.multiple" },
  { name: "a field the Trace does not declare", schema: TraceSchema, bytes: Uint8Array.of(0x48, 0x01), ruleId: "wire.unknown_field" },
  { name: "an undeclared group field inside an event's read", schema: TraceSchema, bytes: Uint8Array.of(0x12, 4, 0x12, 2, 0x4b, 0x4c), ruleId: "wire.unknown_field" },
  { name: "a singular message field twice", schema: TraceSchema, bytes: Uint8Array.of(0x0a, 0x00, 0x0a, 0x00), ruleId: "wire.duplicate_field" },
  { name: "a singular scalar field twice", schema: StreamReverseTunnelsResponseSchema, bytes: Uint8Array.of(0x18, 1, 0x18, 2), ruleId: "wire.duplicate_field" },
  { name: "a map key __proto__ with a message value", schema: StreamReverseTunnelsRequestSchema, bytes: requestWithParametersKey("__proto__"), ruleId: "wire.forbidden_key" },
  { name: "an event without read or write", schema: TraceSchema, bytes: toBinary(TraceSchema, create(TraceSchema, { events: [{}] })), ruleId: "oneof.required" },
  {
    name: "a connection's pipe with a mode past 511",
    schema: TraceSchema,
    bytes: toBinary(TraceSchema, create(TraceSchema, { connection: { localAddress: { address: { case: "pipe", value: { path: "/p", mode: 512 } } } } })),
    ruleId: "uint32.lte",
  },
  {
    name: "a connection's socket address without a port",
    schema: TraceSchema,
    bytes: toBinary(TraceSchema, create(TraceSchema, { connection: { remoteAddress: { address: { case: "socketAddress", value: { address: "10.0.0.1" } } } } })),
    ruleId: "oneof.required",
  },
  { name: "a connection's address with no member", schema: TraceSchema, bytes: toBinary(TraceSchema, create(TraceSchema, { connection: { localAddress: {} } })), ruleId: "oneof.required" },
  { name: "a missing required message (at a root decoded whole)", schema: StreamReverseTunnelsRequestSchema, bytes: new Uint8Array(0), ruleId: "message.required" },
];

suite("isCertainlyCleanBinary()", () => {
  test("is certain of the fully populated seed messages", () => {
    assert.equal(isCertainlyCleanBinary(TraceSchema, toBinary(TraceSchema, fullTrace)), true);
    assert.equal(isCertainlyCleanBinary(StreamReverseTunnelsRequestSchema, toBinary(StreamReverseTunnelsRequestSchema, fullRequest)), true);
    assert.equal(isCertainlyCleanBinary(StreamReverseTunnelsResponseSchema, toBinary(StreamReverseTunnelsResponseSchema, fullResponse)), true);
  });

  test("is certain of an empty Trace and of a connection with valid addresses", () => {
    assert.equal(isCertainlyCleanBinary(TraceSchema, new Uint8Array(0)), true);
    const trace = create(TraceSchema, {
      connection: {
        localAddress: { address: { case: "pipe", value: { path: "/p", mode: 511 } } },
        remoteAddress: { address: { case: "socketAddress", value: { address: "10.0.0.1", portSpecifier: { case: "portValue", value: 443 } } } },
      },
    });
    assert.equal(isCertainlyCleanBinary(TraceSchema, toBinary(TraceSchema, trace)), true);
  });

  for (const c of notClean) {
    test(`is not certain of ${c.name}, which validateBinary reports as ${c.ruleId}`, () => {
      assert.equal(isCertainlyCleanBinary(c.schema, c.bytes), false);
      const result = validateBinary(c.schema, c.bytes);
      assert.ok(
        [...result.violations, ...result.warnings].some((v) => v.ruleId === c.ruleId),
        JSON.stringify([...result.violations, ...result.warnings]),
      );
    });
  }

  test("is not certain of a map key __proto__ with a string value, which the decoder would drop", () => {
    const bytes = requestWithParamsKey("__proto__");
    assert.deepEqual(
      validateBinary(StreamReverseTunnelsRequestSchema, bytes).violations.map((v) => `${v.path} ${v.ruleId}`),
      ['node.dynamic_parameters["k"].params["__proto__"] wire.forbidden_key'],
    );
    assert.equal(isCertainlyCleanBinary(StreamReverseTunnelsRequestSchema, bytes), false);
    assert.equal(isCertainlyCleanBinary(StreamReverseTunnelsRequestSchema, requestWithParamsKey("__proto_")), true);
  });

  test("is not certain of map keys __proto__ of int- and enum-valued maps, nor after a byte order mark", () => {
    for (const bytes of [
      lengthDelimited(2, stringKeyEntry("__proto__", varint(2, 7))),
      lengthDelimited(4, stringKeyEntry("__proto__", varint(2, 1))),
      lengthDelimited(1, stringKeyEntry(BOM_PROTO_KEY, [])),
    ]) {
      assert.equal(validateBinary(KeyedSchema, Uint8Array.from(bytes)).violations[0]?.ruleId, "wire.forbidden_key");
      assert.equal(isCertainlyCleanBinary(KeyedSchema, Uint8Array.from(bytes)), false);
    }
    assert.equal(isCertainlyCleanBinary(KeyedSchema, Uint8Array.from(lengthDelimited(1, stringKeyEntry("k", lengthDelimited(2, utf8("__proto__")))))), true);
  });

  test("judges the last key of a map entry, as the decoder keeps it", () => {
    // Request { node { dynamic_parameters { key: FIRST key: SECOND value {} } } }
    const entryWithKeys = (first: string, second: string) => {
      const entry = [0x0a, utf8(first).length, ...utf8(first), 0x0a, utf8(second).length, ...utf8(second), 0x12, 0];
      const node = [0x62, entry.length, ...entry];
      return Uint8Array.from([0x0a, node.length, ...node]);
    };
    const replaced = entryWithKeys("__proto__", "k");
    assert.equal(validateBinary(StreamReverseTunnelsRequestSchema, replaced).kind, "valid");
    assert.equal(isCertainlyCleanBinary(StreamReverseTunnelsRequestSchema, replaced), true);
    assert.equal(isCertainlyCleanBinary(StreamReverseTunnelsRequestSchema, entryWithKeys("k", "__proto__")), false);
  });

  test("is not certain of a map entry with a field other than key and value, which the decoder does not skip", () => {
    // Request { node { dynamic_parameters { key: "k" 3: 1 } } }
    const entry = [0x0a, 1, 0x6b, 0x18, 1];
    const node = [0x62, entry.length, ...entry];
    assert.equal(isCertainlyCleanBinary(StreamReverseTunnelsRequestSchema, Uint8Array.from([0x0a, node.length, ...node])), false);
  });

  test("stops at the nesting limit as validateBinary does", () => {
    const bytes = toBinary(TraceSchema, create(TraceSchema, { connection: { localAddress: { address: { case: "pipe", value: { path: "/p" } } } } }));
    assert.equal(isCertainlyCleanBinary(TraceSchema, bytes, { recursionLimit: 4 }), true);
    assert.equal(isCertainlyCleanBinary(TraceSchema, bytes, { recursionLimit: 3 }), false);
    assert.equal(validateBinary(TraceSchema, bytes, { recursionLimit: 3 }).violations[0]?.ruleId, "wire.depth_limit");
  });
});

suite("cleanPlan()", () => {
  test("checks a Trace's rules without decoding it: presence from the wire, addresses decoded only below Address", () => {
    assert.equal(cleanPlan(TraceSchema).validator, undefined);
    const connection = cleanPlan(TraceSchema).dense[1]!.child!;
    assert.equal(connection.validator, undefined);
    const address = connection.dense[2]!.child!;
    assert.equal(address.schema, AddressV2Schema);
    assert.equal(address.validator, undefined);
    assert.equal(address.requiredOneofs.length, 1);
    assert.equal(address.dense[1]!.child!.validator?.schema, SocketAddressSchema);
    assert.equal(address.dense[2]!.child!.validator?.schema, PipeSchema);
    const event = cleanPlan(TraceSchema).dense[2]!.child!;
    assert.deepEqual([event.schema, event.validator, event.requiredOneofs.length], [EventSchema, undefined, 1]);
  });

  test("decodes a root whose own rules look at values", () => {
    assert.equal(cleanPlan(StreamReverseTunnelsRequestSchema).validator?.schema, StreamReverseTunnelsRequestSchema);
  });
});

suite("outlineRules()", () => {
  test("outlines presence rules, value rules and where the validator descends", () => {
    const trace = outlineRules(TraceSchema);
    assert.deepEqual([trace.active, trace.onlyPresence, trace.requiredFields, trace.requiredOneofs], [true, true, [], []]);
    assert.deepEqual(
      trace.descendsInto.map((f) => f.name),
      ["connection", "events"],
    );
    const event = outlineRules(EventSchema);
    assert.deepEqual([event.onlyPresence, event.requiredOneofs.map((o) => o.name), event.descendsInto], [true, ["event_selector"], []]);
    assert.equal(outlineRules(ConnectionSchema).onlyPresence, true);
    assert.equal(outlineRules(PipeSchema).onlyPresence, false);
    assert.equal(outlineRules(Event_WriteSchema).active, false);
    assert.equal(outlineRules(TimestampSchema).active, false);
    const request = outlineRules(StreamReverseTunnelsRequestSchema);
    assert.deepEqual([request.onlyPresence, request.requiredFields.map((f) => f.name)], [false, ["node"]]);
  });
});
