import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { suite, test } from "node:test";
import { create, fromJson, fromJsonString, toBinary, type DescMessage } from "@bufbuild/protobuf";
import { sizeDelimitedPeek } from "@bufbuild/protobuf/wire";
import fc from "fast-check";
import { loadCases } from "../../conformance/load-cases.js";
import { loadInvalidCorpus, loadValidCorpus } from "../../conformance/invalid/load-corpus.js";
import { TraceSchema } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { registry, resolveType } from "../registry.js";
import { broken, validCases } from "../validate/property.testdata.js";
import { isCertainlyValidBinary, validateBinaryInFull } from "../validate/validate-binary.js";
import { checkBinaryFrame } from "./check-message.js";
import { repoRoot } from "./built-cli.testdata.js";

/** What the full path of validateBinary finds (rules, relations and the wire report), without its verdict walk. */
function fullPathFindings(schema: DescMessage, bytes: Uint8Array) {
  const result = validateBinaryInFull(schema, bytes);
  return [...result.violations, ...result.warnings];
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** The verdict is clean exactly when the full path finds nothing, and checkBinaryFrame reports what the full path does. */
function assertAgrees(schema: DescMessage, bytes: Uint8Array, label: string): boolean {
  const findings = fullPathFindings(schema, bytes);
  const clean = isCertainlyValidBinary(schema, bytes);
  assert.equal(clean, findings.length === 0, `${label}: ${schema.typeName} ${hex(bytes)}\nfull path: ${JSON.stringify(findings, (_, v: unknown) => (typeof v === "bigint" ? `${v}n` : v))}`);
  if (clean) assert.deepEqual(checkBinaryFrame(schema, { bytes, offset: 0, position: { offset: 0 } }), { violations: [], warnings: [] });
  return clean;
}

/** The messages of an examples/ binary file, typed by its name (`trace.Trace.pb`); frames that run past the file are left out. */
function exampleMessages(): { schema: DescMessage; bytes: Uint8Array; label: string }[] {
  const found: { schema: DescMessage; bytes: Uint8Array; label: string }[] = [];
  for (const group of ["valid", "invalid", "warnings"]) {
    const dir = join(repoRoot, "examples", group);
    for (const name of readdirSync(dir)) {
      const match = /\.([A-Za-z]+)\.(pb|pb_length_delimited)$/.exec(name);
      if (match === null) continue;
      const schema = resolveType(match[1]!);
      const file = new Uint8Array(readFileSync(join(dir, name)));
      if (match[2] === "pb") {
        found.push({ schema, bytes: file, label: `examples/${group}/${name}` });
        continue;
      }
      for (let at = 0, index = 0; at < file.length; index++) {
        const peek = sizeDelimitedPeek(file.subarray(at));
        if (peek.eof || at + peek.offset + peek.size > file.length) break;
        found.push({ schema, bytes: file.subarray(at + peek.offset, at + peek.offset + peek.size), label: `examples/${group}/${name} #${index}` });
        at += peek.offset + peek.size;
      }
    }
  }
  return found;
}

/** JSON examples (the trace warnings among them) encoded to binary. */
function jsonExampleMessages(): { schema: DescMessage; bytes: Uint8Array; label: string }[] {
  const found: { schema: DescMessage; bytes: Uint8Array; label: string }[] = [];
  for (const group of ["valid", "invalid", "warnings"]) {
    const dir = join(repoRoot, "examples", group);
    for (const name of readdirSync(dir)) {
      if (!name.endsWith(".json")) continue;
      const text = readFileSync(join(dir, name), "utf8");
      for (const schema of [TraceSchema, resolveType("StreamReverseTunnelsRequest"), resolveType("StreamReverseTunnelsResponse"), resolveType("GrpcClientConfig")]) {
        try {
          found.push({ schema, bytes: toBinary(schema, fromJsonString(schema, text, { registry })), label: `examples/${group}/${name} as ${schema.name}` });
        } catch {
          // Not a message of this type (or not JSON protobuf-es reads): other inputs cover it.
        }
      }
    }
  }
  return found;
}

/** Timestamps of any int64 seconds and int32 nanos, as a binary payload can carry, and ordinary ones. */
const anyTimestamp = fc.oneof(
  fc.record({ seconds: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), nanos: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) }),
  fc.record({ seconds: fc.bigInt({ min: 1_700_000_000n, max: 1_700_000_003n }), nanos: fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }) }),
  fc.record({ seconds: fc.constantFrom(2n ** 52n, -(2n ** 52n), 2n ** 52n - 1n, 2n ** 53n), nanos: fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }) }),
);

/** Traces whose events often share seconds, move back in time, or write after end_stream. */
const warningProneTrace = fc
  .array(
    fc.record({
      timestamp: fc.option(anyTimestamp, { nil: undefined }),
      eventSelector: fc.oneof(
        fc.record({ case: fc.constant("read" as const), value: fc.record({ data: fc.uint8Array({ maxLength: 4 }) }) }),
        fc.record({ case: fc.constant("write" as const), value: fc.record({ data: fc.uint8Array({ maxLength: 4 }), endStream: fc.boolean() }) }),
      ),
    }),
    { maxLength: 6 },
  )
  .map((events) => create(TraceSchema, { events }));

/** A copy of `bytes` with one byte changed, or cut short. */
const damaged = (bytes: Uint8Array) =>
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean()).map(([at, mask, truncate]) => {
    if (bytes.length === 0) return bytes;
    if (truncate) return bytes.subarray(0, at % bytes.length);
    const copy = bytes.slice();
    copy[at % copy.length]! ^= mask;
    return copy;
  });

suite("the verdict walk of validateBinary() against its full path", () => {
  test("agrees on every binary-representable case of the validation corpus", () => {
    let clean = 0;
    const cases = [...loadInvalidCorpus(), ...loadValidCorpus()].filter((c) => c.binary);
    for (const c of cases) {
      const schema = resolveType(c.typeName);
      const bytes = c.wire ?? toBinary(schema, fromJsonString(schema, c.json, { registry }));
      if (assertAgrees(schema, bytes, c.id)) clean++;
    }
    assert.ok(clean > 0 && clean < cases.length, `${clean} of ${cases.length} clean`);
  });

  test("agrees on every message of the binary examples and of the JSON examples encoded to binary", () => {
    const messages = [...exampleMessages(), ...jsonExampleMessages()];
    assert.ok(messages.length >= 25, `only ${messages.length} messages`);
    let clean = 0;
    for (const { schema, bytes, label } of messages) if (assertAgrees(schema, bytes, label)) clean++;
    assert.ok(clean > 0 && clean < messages.length, `${clean} of ${messages.length} clean`);
  });

  test("agrees on every conformance case's message encoded to binary", () => {
    for (const c of loadCases()) {
      const schema = resolveType(c.typeName);
      const bytes = c.input.kind === "binary" ? c.input.bytes : toBinary(schema, fromJson(schema, c.input.json, { registry }));
      assertAgrees(schema, bytes, c.id);
    }
  });

  for (const c of validCases) {
    const name = c.schema.typeName.split(".").slice(-2).join(".");
    test(`agrees on random valid ${name} messages, their single-rule breaks, and damaged encodings`, () => {
      // Valid by the rules, so clean, except for a Trace's warnings.
      const cleanWhenValid = c.schema.typeName !== TraceSchema.typeName;
      fc.assert(
        fc.property(c.valid, (message) => {
          const clean = assertAgrees(c.schema, toBinary(c.schema, message), "valid");
          if (cleanWhenValid) assert.ok(clean);
        }),
        { numRuns: 100 },
      );
      if (c.breaks.length > 0) {
        fc.assert(fc.property(broken(c), ({ message, ruleId }) => assert.ok(!assertAgrees(c.schema, toBinary(c.schema, message), ruleId))), { numRuns: 100 });
      }
      const encodedAndDamaged = c.valid.chain((message) => damaged(toBinary(c.schema, message)));
      fc.assert(fc.property(encodedAndDamaged, (bytes) => void assertAgrees(c.schema, bytes, "damaged")), { numRuns: 300 });
    });
  }

  test("agrees on traces with timestamps of any seconds and nanos and writes after end_stream", () => {
    const outcomes = new Set<boolean>();
    fc.assert(fc.property(warningProneTrace, (trace) => void outcomes.add(assertAgrees(TraceSchema, toBinary(TraceSchema, trace), "trace"))), { numRuns: 500 });
    assert.deepEqual([...outcomes].sort(), [false, true]);
  });

  test("agrees on Durations and Timestamps of unusual shapes, inside an Any's payload and outside", () => {
    // Found by the damaged-encoding property (seed 462422720): a Duration inside an Any's payload holding
    // only an unknown fixed32 field; the full path skips unknown fields there, so the verdict must too.
    const reporter = resolveType("envoy.extensions.reverse_tunnel_reporters.v3alpha.reporters.ReverseConnectionReporterClient")!;
    const typeUrl = Buffer.from("type.googleapis.com/envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.GrpcClientConfig");
    const packed = (durationBody: number[]) => {
      const config = [0x0a, 0x01, 0x63, 0x12, 0x01, 0x63, 0x1a, durationBody.length, ...durationBody];
      const any = [0x0a, typeUrl.length, ...typeUrl, 0x12, config.length, ...config];
      return Uint8Array.from([0x0a, 0x01, 0x6e, 0x12, any.length, ...any]);
    };
    const shapes: [string, number[], boolean][] = [
      ["only an unknown fixed32 field", [0x75, 0xc9, 0xf0, 0xf5, 0x0b], true],
      ["an unknown field after seconds", [0x08, 0x05, 0x18, 0x01], true],
      ["an unknown group", [0x08, 0x05, 0x1b, 0x08, 0x01, 0x1c], true],
      ["seconds with a two-byte tag", [0x88, 0x00, 0x05], true],
      ["seconds as fixed64 (wrong wire type)", [0x09, 1, 0, 0, 0, 0, 0, 0, 0], false],
      ["nanos out of range", [0x10, 0x80, 0xa8, 0xd6, 0xb9, 0x07], false],
    ];
    for (const [label, body, clean] of shapes) {
      assert.equal(assertAgrees(reporter, packed(body), label), clean, label);
    }
  });

  test("agrees on damaged encodings of the examples", () => {
    const messages = exampleMessages();
    const damagedExample = fc.constantFrom(...messages).chain(({ schema, bytes, label }) => damaged(bytes).map((d) => ({ schema, bytes: d, label })));
    fc.assert(fc.property(damagedExample, ({ schema, bytes, label }) => void assertAgrees(schema, bytes, `damaged ${label}`)), { numRuns: 500 });
  });
});
