import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { create, equals, toBinary } from "@bufbuild/protobuf";
import { ValueSchema, type Value } from "@bufbuild/protobuf/wkt";
import { TraceSchema } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import {
  StreamReverseTunnelsRequestSchema,
  StreamReverseTunnelsResponseSchema,
} from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { fullRequest, fullResponse, fullTrace } from "../../test/full-messages.testdata.js";
import { BOM_PROTO_KEY, KeyedSchema, lengthDelimited, OuterSchema, stringKeyEntry, varint } from "../../test/prototype-keys.testdata.js";
import { validateBinary, validateJson } from "./index.js";
import { isCertainlyValidBinary } from "./validate-binary.js";
import { pathAndAncestors } from "./validate-binary.js";
import { baselines, fixture } from "./rules.testdata.js";

const utf8 = (text: string) => new TextEncoder().encode(text);

/** Strips the decoded message so results compare as plain data. */
function withoutMessage(result: ReturnType<typeof validateBinary>) {
  const { message: _message, ...rest } = result;
  return rest;
}

const malformed: readonly { readonly name: string; readonly schema: typeof TraceSchema | typeof StreamReverseTunnelsRequestSchema | typeof StreamReverseTunnelsResponseSchema; readonly bytes: number[]; readonly path: string; readonly ruleId: string; readonly message: string; readonly offset: number }[] = [
  { name: "a truncated varint", schema: StreamReverseTunnelsResponseSchema, bytes: [0x18, 0x80], path: "request_nonce", ruleId: "wire.truncated", message: "the data ends inside a varint", offset: 1 },
  { name: "a varint longer than 10 bytes", schema: StreamReverseTunnelsResponseSchema, bytes: [0x18, ...Array(10).fill(0xff), 0x01], path: "request_nonce", ruleId: "wire.invalid_varint", message: "varint is longer than 10 bytes", offset: 1 },
  { name: "a length past the end of the data", schema: TraceSchema, bytes: [0x12, 5, 0x12, 0], path: "events[0]", ruleId: "wire.truncated", message: "length-delimited value of 5 bytes runs past the end of the data (2 bytes left)", offset: 1 },
  {
    name: "a length past the end of its enclosing message",
    schema: TraceSchema,
    bytes: [0x12, 2, 0x12, 5, 0, 0, 0, 0, 0],
    path: "events[0].read",
    ruleId: "wire.invalid_length",
    message: "length-delimited value of 5 bytes runs past the end of its enclosing message (0 bytes left)",
    offset: 3,
  },
  { name: "an invalid wire type", schema: TraceSchema, bytes: [0x0f], path: "", ruleId: "wire.invalid_wire_type", message: "invalid wire type 7 for field 1", offset: 0 },
  {
    name: "an end-group tag inside a map entry",
    schema: StreamReverseTunnelsRequestSchema,
    bytes: [0x0a, 3, 0x62, 1, 0x1c],
    path: 'node.dynamic_parameters[""]',
    ruleId: "wire.invalid_group",
    message: "end-group tag for field 3 without a matching start-group",
    offset: 4,
  },
  { name: "field number 0", schema: TraceSchema, bytes: [0x00, 0x00], path: "", ruleId: "wire.invalid_tag", message: "field number 0 is not allowed", offset: 0 },
  { name: "an end-group tag without a start", schema: TraceSchema, bytes: [0x0c], path: "", ruleId: "wire.invalid_group", message: "end-group tag for field 1 without a matching start-group", offset: 0 },
  { name: "an unterminated group of an unknown field", schema: TraceSchema, bytes: [0x1b, 0x08, 0x01], path: "", ruleId: "wire.invalid_group", message: "group of field 3 is not terminated", offset: 0 },
  {
    name: "a wire type the field's type never uses",
    schema: TraceSchema,
    bytes: [0x08, 0x01],
    path: "connection",
    ruleId: "wire.wire_type_mismatch",
    message: "field connection (message) has wire type varint; expected length-delimited",
    offset: 0,
  },
  { name: "invalid UTF-8 in a string field", schema: StreamReverseTunnelsRequestSchema, bytes: [0x12, 4, 0x0a, 2, 0xff, 0xfe], path: "added_tunnels[0].name", ruleId: "wire.invalid_utf8", message: "string field holds invalid UTF-8", offset: 4 },
];

suite("validateBinary()", () => {
  test("accepts the fully populated seed messages and returns them decoded", () => {
    for (const [schema, message] of [
      [TraceSchema, fullTrace],
      [StreamReverseTunnelsRequestSchema, fullRequest],
      [StreamReverseTunnelsResponseSchema, fullResponse],
    ] as const) {
      const result = validateBinary(schema, toBinary(schema, message as never));
      // The seed trace writes after the write that ends its stream: a relation of Trace, reported as a warning.
      const warnings =
        schema === TraceSchema
          ? [{ path: "events[2].write", ruleId: "trace.write_after_end_stream", message: "write after events[1] ended the stream (end_stream: true)" }]
          : [];
      assert.deepEqual(withoutMessage(result), { kind: "valid", violations: [], warnings });
      assert.ok(result.message !== undefined && equals(schema, result.message as never, message as never));
    }
  });

  test("reports oneof.multiple for an event with both read and write on the wire", () => {
    // Trace { events: [Event { read: {}, write: {} }] }; the decoder keeps the write.
    const result = validateBinary(TraceSchema, Uint8Array.of(0x12, 4, 0x12, 0x00, 0x1a, 0x00));
    assert.deepEqual(withoutMessage(result), {
      kind: "invalid",
      violations: [{ path: "events[0].event_selector", ruleId: "oneof.multiple", message: "at most one of read, write may be set", position: { offset: 4 } }],
      warnings: [],
    });
    assert.equal(result.message?.events[0]?.eventSelector.case, "write");
  });

  test("reports wire.forbidden_key for a map key __proto__, which the decoder cannot store, and returns no message", () => {
    // Request { node { dynamic_parameters { key: "__proto__" value { params { key: "a" value: "b" } } } } }
    const key = [...new TextEncoder().encode("__proto__")];
    const params = [0x0a, 6, 0x0a, 1, 0x61, 0x12, 1, 0x62];
    const entry = [0x0a, key.length, ...key, 0x12, params.length, ...params];
    const node = [0x62, entry.length, ...entry];
    const result = validateBinary(StreamReverseTunnelsRequestSchema, Uint8Array.from([0x0a, node.length, ...node]));
    assert.deepEqual(result, {
      kind: "invalid",
      violations: [
        {
          path: 'node.dynamic_parameters["__proto__"]',
          ruleId: "wire.forbidden_key",
          message: 'the map key "__proto__" is not accepted (it cannot be stored safely)',
          position: { offset: 2 },
        },
      ],
      warnings: [],
    });
    assert.equal(({} as Record<string, unknown>)["params"], undefined);
  });

  test("warns of wire.duplicate_field for a singular field present twice", () => {
    const merged = validateBinary(TraceSchema, Uint8Array.of(0x0a, 0x00, 0x0a, 0x00));
    assert.deepEqual(withoutMessage(merged), {
      kind: "valid",
      violations: [],
      warnings: [{ path: "connection", ruleId: "wire.duplicate_field", message: "singular field appears more than once; the decoder merges the occurrences", position: { offset: 2 } }],
    });
    const replaced = validateBinary(StreamReverseTunnelsResponseSchema, Uint8Array.of(0x18, 1, 0x18, 2));
    assert.deepEqual(withoutMessage(replaced), {
      kind: "valid",
      violations: [],
      warnings: [{ path: "request_nonce", ruleId: "wire.duplicate_field", message: "singular field appears more than once; the decoder keeps the last value", position: { offset: 2 } }],
    });
    assert.equal(replaced.message?.requestNonce, 2n);
  });

  test("warns of wire.unknown_field once per field number and message, at the message's path", () => {
    // events[0].read holds field 9 twice and field 10 once; events[1] holds field 9; the Trace field 15 (fixed32).
    const read = [0x0a, 1, 0x41, 0x48, 1, 0x48, 2, 0x52, 0];
    const first = [0x12, read.length, ...read];
    const second = [0x1a, 0, 0x48, 7];
    const bytes = Uint8Array.of(0x12, first.length, ...first, 0x12, second.length, ...second, 0x7d, 0, 0, 0, 0);
    const result = validateBinary(TraceSchema, bytes);
    assert.deepEqual(withoutMessage(result), {
      kind: "valid",
      violations: [],
      warnings: [
        { path: "events[0].read", ruleId: "wire.unknown_field", message: "unknown field 9 (varint) of envoy.data.tap.v2alpha.Event.Read", params: { number: 9 }, position: { offset: 7 } },
        { path: "events[0].read", ruleId: "wire.unknown_field", message: "unknown field 10 (length-delimited) of envoy.data.tap.v2alpha.Event.Read", params: { number: 10 }, position: { offset: 11 } },
        { path: "events[1]", ruleId: "wire.unknown_field", message: "unknown field 9 (varint) of envoy.data.tap.v2alpha.Event", params: { number: 9 }, position: { offset: 17 } },
        { path: "", ruleId: "wire.unknown_field", message: "unknown field 15 (fixed32) of envoy.data.tap.v2alpha.Trace", params: { number: 15 }, position: { offset: 19 } },
      ],
    });
    // The decoder keeps them, so binary output writes them back.
    assert.deepEqual(toBinary(TraceSchema, result.message!), bytes);
  });

  for (const c of malformed) {
    test(`reports ${c.ruleId} for ${c.name}, without throwing`, () => {
      const result = validateBinary(c.schema, Uint8Array.from(c.bytes));
      assert.deepEqual(result, {
        kind: "invalid",
        violations: [{ path: c.path, ruleId: c.ruleId, message: c.message, position: { offset: c.offset } }],
        warnings: [],
      });
    });
  }

  test("reports wire.depth_limit for nesting deeper than the decoder's limit", () => {
    let value: Value = create(ValueSchema, { kind: { case: "stringValue", value: "leaf" } });
    for (let i = 0; i < 60; i++) value = create(ValueSchema, { kind: { case: "structValue", value: { fields: { k: value } } } });
    const result = validateBinary(ValueSchema, toBinary(ValueSchema, value));
    assert.equal(result.kind, "invalid");
    assert.equal(result.violations.length, 1);
    const [violation] = result.violations;
    assert.deepEqual({ ...violation, position: undefined }, {
      // Each level is three to Google's runtime (Struct, map entry, Value): the Struct of level 34 is past 100.
      path: `${Array(33).fill('struct_value.fields["k"]').join(".")}.struct_value`,
      ruleId: "wire.depth_limit",
      message: "message nesting exceeds the decoder's limit of 100",
      position: undefined,
    });
    assert.equal(validateBinary(ValueSchema, toBinary(ValueSchema, value), { recursionLimit: 200 }).kind, "valid");
  });

  test("locates rule violations at their field, or at the nearest enclosing field on the wire", () => {
    const request = create(StreamReverseTunnelsRequestSchema, {
      addedTunnels: [{ name: "", identity: { tenantId: "t", clusterId: "c", nodeId: "n" }, createdAt: { seconds: 1n } }],
      nonce: -1n,
    });
    const bytes = toBinary(StreamReverseTunnelsRequestSchema, request);
    const nonceOffset = bytes.length - 11; // one tag byte and a ten-byte varint
    assert.deepEqual(withoutMessage(validateBinary(StreamReverseTunnelsRequestSchema, bytes)), {
      kind: "invalid",
      violations: [
        { path: "node", ruleId: "message.required", message: "value is required" },
        { path: "added_tunnels[0].name", ruleId: "string.min_len", message: "value length must be at least 1 characters", value: "", params: { min_len: 1 }, position: { offset: 0 } },
        { path: "nonce", ruleId: "int64.gte", message: "value must be greater than or equal to 0", value: -1, params: { gte: 0 }, position: { offset: nonceOffset } },
      ],
      warnings: [],
    });
  });

  test("names map entries by their key on the wire, even when the key follows the value", () => {
    const Repeats = fixture["Repeats"]!;
    const base = toBinary(Repeats, create(Repeats, { ...baselines["Repeats"], kids: {} }) as never);
    const child = [0x0a, 1, 0x78, 0x0a, 1, 0x79]; // Child { name: "x", name: "y" }
    const entry = [0x12, child.length, ...child, 0x0a, 3, 0x61, 0x2e, 0x62]; // value first, then key "a.b"
    const bytes = Uint8Array.from([...base, 0x42, entry.length, ...entry]);
    const childOffset = base.length + 4;
    assert.deepEqual(withoutMessage(validateBinary(Repeats, bytes)), {
      kind: "valid",
      violations: [],
      warnings: [
        { path: 'kids["a.b"].name', ruleId: "wire.duplicate_field", message: "singular field appears more than once; the decoder keeps the last value", position: { offset: childOffset + 3 } },
      ],
    });
  });

  test("puts wire findings before rule violations and stops at the first with failFast", () => {
    // Trace { events: [Event { read, write }, Event {}] }
    const bytes = Uint8Array.of(0x12, 4, 0x12, 0x00, 0x1a, 0x00, 0x12, 0x00);
    assert.deepEqual(
      validateBinary(TraceSchema, bytes).violations.map((v) => `${v.path} ${v.ruleId}`),
      ["events[0].event_selector oneof.multiple", "events[1].event_selector oneof.required"],
    );
    assert.deepEqual(
      validateBinary(TraceSchema, bytes, { failFast: true }).violations.map((v) => `${v.path} ${v.ruleId}`),
      ["events[0].event_selector oneof.multiple"],
    );
  });
});

suite("validateBinary() and validateJson()", () => {
  test("report the same defects with the same path, rule id and message", () => {
    const describe = (violations: readonly { path: string; ruleId: string; message: string }[]) => violations.map((v) => `${v.path} [${v.ruleId}] ${v.message}`).sort();
    // Trace { events: [Event { read, write }, Event {}] } in both encodings.
    const binary = validateBinary(TraceSchema, Uint8Array.of(0x12, 4, 0x12, 0x00, 0x1a, 0x00, 0x12, 0x00));
    const json = validateJson(TraceSchema, { events: [{ read: {}, write: {} }, {}] });
    assert.deepEqual(describe(binary.violations), [
      "events[0].event_selector [oneof.multiple] at most one of read, write may be set",
      "events[1].event_selector [oneof.required] exactly one of read, write must be set",
    ]);
    assert.deepEqual(describe(json.violations), describe(binary.violations));
  });
});

suite("pathAndAncestors()", () => {
  test("lists a path and its ancestors, not cutting inside quoted map keys", () => {
    assert.deepEqual(pathAndAncestors('node.dynamic_parameters["a.b[0]"].params'), [
      'node.dynamic_parameters["a.b[0]"].params',
      'node.dynamic_parameters["a.b[0]"]',
      "node.dynamic_parameters",
      "node",
    ]);
    assert.deepEqual(pathAndAncestors(""), []);
  });
});

suite("validateBinary() and map keys __proto__", () => {
  const forbidden = (path: string, offset: number) => ({
    path,
    ruleId: "wire.forbidden_key",
    message: 'the map key "__proto__" is not accepted (it cannot be stored safely)',
    position: { offset },
  });

  test("reports wire.forbidden_key for a string-valued map, whose entry the decoder would drop", () => {
    const bytes = Uint8Array.from(lengthDelimited(1, stringKeyEntry("__proto__", lengthDelimited(2, [0x78]))));
    assert.deepEqual(validateBinary(KeyedSchema, bytes), { kind: "invalid", violations: [forbidden('labels["__proto__"]', 0)], warnings: [] });
  });

  test("reports wire.forbidden_key for int- and enum-valued maps, after other entries", () => {
    const first = lengthDelimited(2, stringKeyEntry("a", varint(2, 1)));
    const count = lengthDelimited(2, stringKeyEntry("__proto__", varint(2, 7)));
    const bytes = Uint8Array.from([...first, ...count, ...lengthDelimited(4, stringKeyEntry("__proto__", varint(2, 1)))]);
    assert.deepEqual(validateBinary(KeyedSchema, bytes), {
      kind: "invalid",
      violations: [forbidden('counts["__proto__"]', first.length), forbidden('colors["__proto__"]', first.length + count.length)],
      warnings: [],
    });
  });

  test("reports wire.forbidden_key in a map of a list element", () => {
    const item = lengthDelimited(1, stringKeyEntry("__proto__", lengthDelimited(2, [0x78])));
    const name = lengthDelimited(1, [0x6e]);
    const bytes = Uint8Array.from([...name, ...lengthDelimited(2, []), ...lengthDelimited(2, item)]);
    assert.deepEqual(validateBinary(OuterSchema, bytes), { kind: "invalid", violations: [forbidden('items[1].labels["__proto__"]', name.length + 4)], warnings: [] });
  });

  test("keeps a byte order mark before __proto__, which makes another key", () => {
    const bytes = Uint8Array.from(lengthDelimited(1, stringKeyEntry(BOM_PROTO_KEY, lengthDelimited(2, [0x78]))));
    const result = validateBinary(KeyedSchema, bytes);
    assert.equal(result.kind, "valid");
    assert.deepEqual(Object.keys((result.message as unknown as { labels: object }).labels), ["\uFEFF__proto__"]);
  });

  test("accepts __proto__ as a value, an int key and keys that only contain it", () => {
    const bytes = Uint8Array.from([
      ...lengthDelimited(1, stringKeyEntry("k", lengthDelimited(2, utf8("__proto__")))),
      ...lengthDelimited(1, stringKeyEntry("__proto__x", [])),
      ...lengthDelimited(1, stringKeyEntry([0x5f, 0xef, 0xbb, 0xbf, ...utf8("_proto__")], [])),
      ...lengthDelimited(3, [...varint(1, 5), ...lengthDelimited(2, utf8("__proto__"))]),
    ]);
    const result = validateBinary(KeyedSchema, bytes);
    assert.deepEqual(withoutMessage(result), { kind: "valid", violations: [], warnings: [] });
    assert.deepEqual(Object.keys((result.message as unknown as { labels: object }).labels), ["k", "__proto__x", "_\uFEFF_proto__"]);
  });
});

suite("validateBinary() and map entries with other fields", () => {
  test("reports wire.map_entry_field for a field other than key and value, which the decoder misreads, and returns no message", () => {
    // labels { key: "a" 3: 5 value: "x" }: valid protobuf, but protobuf-es
    // takes the 5 for a tag and the entry decodes to garbage.
    const entry = [...lengthDelimited(1, [0x61]), ...varint(3, 5), ...lengthDelimited(2, [0x78])];
    const bytes = Uint8Array.from(lengthDelimited(1, entry));
    assert.deepEqual(validateBinary(KeyedSchema, bytes), {
      kind: "invalid",
      violations: [
        {
          path: 'labels["a"]',
          ruleId: "wire.map_entry_field",
          message: "field 3 in a map entry of labels: only the key (1) and the value (2) can be read there; the decoder would misread the entry",
          position: { offset: 5 },
        },
      ],
      warnings: [],
    });
    assert.equal(isCertainlyValidBinary(KeyedSchema, bytes), false);
  });
});
