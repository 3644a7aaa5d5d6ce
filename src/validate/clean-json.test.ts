import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { suite, test } from "node:test";
import { equals, toJson, toJsonString, type DescMessage, type JsonValue, type Message } from "@bufbuild/protobuf";
import fc from "fast-check";
import { loadInvalidCorpus, loadValidCorpus } from "../../conformance/invalid/load-corpus.js";
import { loadCases } from "../../conformance/load-cases.js";
import { registry, resolveType } from "../registry.js";
import { daysSinceEpoch } from "../json/calendar.js";
import { isCertainlyCleanJson, validJsonResult } from "./clean-json.js";
import { validCases, broken } from "./property.testdata.js";
import { validateJson, validateJsonInFull } from "./validate-json.js";

const repoRoot = join(import.meta.dirname, "..", "..");
const schemaOf = (typeName: string): DescMessage => resolveType(typeName);

/** Whether the fast path certifies the document (and so validateJson takes it). */
function readCleanJson(schema: DescMessage, text: string): true | undefined {
  return validJsonResult(schema, text) !== undefined ? true : undefined;
}

/**
 * The promise of the fast path: whenever it certifies a document, the full
 * path of validateJson reports nothing for it, and the message it gives is
 * the full path's. Returns whether the document was certified.
 */
function assertSound(schema: DescMessage, text: string, what: string): boolean {
  const certified = validJsonResult(schema, text);
  if (certified === undefined) return false;
  const full = validateJsonInFull(schema, text);
  assert.deepEqual(full.violations, [], `${what}: certified clean, but validateJson reports violations`);
  assert.deepEqual(full.warnings, [], `${what}: certified clean, but validateJson reports warnings`);
  assert.ok(equals(schema, certified.message as Message, full.message as Message), `${what}: the certified message differs from the full path's`);
  return true;
}

const reportType = "envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.StreamReverseTunnelsRequest";
const traceType = "envoy.data.tap.v2alpha.Trace";
const report = (body: string) => `{"node":{"id":"edge-1"},${body}}`;

suite("validJsonResult()", () => {
  test("certifies the valid example reports and traces, line by line", () => {
    for (const [file, typeName] of [
      ["reports.ndjson", reportType],
      ["traces.ndjson", traceType],
    ] as const) {
      const lines = readFileSync(join(repoRoot, "examples", "valid", file), "utf8").split("\n").filter((l) => l.trim() !== "");
      assert.ok(lines.length > 0);
      lines.forEach((line, i) => assert.ok(assertSound(schemaOf(typeName), line, `${file}:${i + 1}`), `${file}:${i + 1} is not certified`));
    }
  });

  test("certifies nothing that validateJson finds fault with: the invalid and valid corpus", () => {
    const invalid = loadInvalidCorpus();
    assert.ok(invalid.length > 50);
    for (const c of invalid) assert.equal(readCleanJson(schemaOf(c.typeName), c.json), undefined, `${c.id} is invalid but was certified`);
    for (const c of loadValidCorpus()) assertSound(schemaOf(c.typeName), c.json, c.id);
  });

  test("agrees with validateJson on every conformance case, printed compact and pretty", () => {
    let certified = 0;
    for (const c of loadCases()) {
      const schema = schemaOf(c.typeName);
      const documents = [JSON.stringify(c.canonical), JSON.stringify(c.canonical, null, 2)];
      if (c.input.kind === "json") documents.push(JSON.stringify(c.input.json), JSON.stringify(c.input.json, null, 1));
      for (const text of documents) if (assertSound(schema, text, c.id)) certified++;
    }
    // Most cases are canonical; the count shows the shortcut is taken at all.
    assert.ok(certified > 50, `only ${certified} documents certified`);
  });

  test("certifies the canonical JSON of generated valid messages and reads the same values", () => {
    for (const c of validCases) {
      let certified = 0;
      fc.assert(
        fc.property(c.valid, fc.boolean(), (message, protoNames) => {
          const text = toJsonString(c.schema, message, { registry, useProtoFieldName: protoNames });
          if (assertSound(c.schema, text, c.schema.typeName)) certified++;
        }),
        { numRuns: 60 },
      );
      // Types that hold an Any are left to validateJson; the others are certified at least sometimes.
      const holdsAny = /Response|Reporter/.test(c.schema.typeName);
      if (!holdsAny) assert.ok(certified > 0, `${c.schema.typeName}: never certified`);
    }
  });

  test("never certifies a message with a rule broken", () => {
    for (const c of validCases) {
      if (c.breaks.length === 0) continue;
      fc.assert(
        fc.property(broken(c), ({ message, ruleId }) => {
          const text = toJsonString(c.schema, message, { registry });
          assert.equal(readCleanJson(c.schema, text), undefined, `${ruleId} broken but certified: ${text}`);
        }),
        { numRuns: 40 },
      );
    }
  });

  test("stays sound under random edits of a document", () => {
    for (const c of validCases) {
      fc.assert(
        fc.property(c.valid, fc.array(fc.tuple(fc.nat(), edit), { minLength: 1, maxLength: 3 }), (message, edits) => {
          const json = toJson(c.schema, message, { registry }) as JsonValue;
          let edited = json;
          for (const [pick, change] of edits) edited = applyAt(edited, pick, change);
          assertSound(c.schema, JSON.stringify(edited), `${c.schema.typeName} edited`);
        }),
        { numRuns: 80 },
      );
    }
  });

  test("leaves every fault of this list to validateJson", () => {
    const faults: readonly [string, string][] = [
      ["a key twice", '{"node":{"id":"a"},"node":{"id":"b"}}'],
      ["a key twice in a Struct", report('"addedTunnels":[],"fullPush":true') .replace('"id":"edge-1"', '"id":"edge-1","metadata":{"k":1,"k":2}')],
      ["a field under both names", report('"fullPush":true,"full_push":false')],
      ["__proto__ in a Struct", report("").replace('"id":"edge-1"', '"id":"edge-1","metadata":{"__proto__":{}}').replace(",}", "}")],
      ["February 30", report('"addedTunnels":[{"name":"t","identity":{"tenantId":"a","clusterId":"b","nodeId":"c"},"createdAt":"2026-02-30T00:00:00Z"}]')],
      ["February 29 of a common year", report('"addedTunnels":[{"name":"t","identity":{"tenantId":"a","clusterId":"b","nodeId":"c"},"createdAt":"2025-02-29T00:00:00Z"}]')],
      ["hour 24", report('"addedTunnels":[{"name":"t","identity":{"tenantId":"a","clusterId":"b","nodeId":"c"},"createdAt":"2026-01-01T24:00:00Z"}]')],
      ["a port past 65535 as a string", report("").replace('"id":"edge-1"', '"id":"edge-1","listeningAddresses":[{"socketAddress":{"address":"a","portValue":"70000"}}]').replace(",}", "}")],
      ["a port past 65535", report("").replace('"id":"edge-1"', '"id":"edge-1","listeningAddresses":[{"socketAddress":{"address":"a","portValue":70000}}]').replace(",}", "}")],
      ["an address member set to null", report("").replace('"id":"edge-1"', '"id":"edge-1","listeningAddresses":[{"pipe":null}]').replace(",}", "}")],
      ["an empty tunnel name", report('"removedTunnelNames":[""]')],
      ["a lone surrogate in a string", report("").replace('"id":"edge-1"', '"id":"\\ud800"').replace(",}", "}")],
      ["a lone surrogate in a map key", report("").replace('"id":"edge-1"', '"id":"edge-1","dynamicParameters":{"\\udc00":{}}').replace(",}", "}")],
      ["a negative nonce as a string", report('"nonce":"-1"')],
      ["an unknown key", report('"nonse":"1"')],
      ["no node", '{"fullPush":true}'],
      ["not JSON", '{"node":'],
    ];
    for (const [what, text] of faults) {
      assert.notEqual(validateJson(schemaOf(reportType), text).kind, "valid", `${what}: the test's document should be invalid`);
      assert.equal(readCleanJson(schemaOf(reportType), text), undefined, what);
    }
  });

  test("stays sound around the nesting limit, for every shape of nesting", () => {
    const node = "envoy.config.core.v3.Node";
    // Nested objects, arrays and both, ending in a scalar, an empty object or an empty array.
    const shapes: readonly [string, (levels: number) => string][] = [
      ["objects to a scalar", (n) => '{"a":'.repeat(n) + "true" + "}".repeat(n)],
      ["objects to {}", (n) => '{"a":'.repeat(n) + "{}" + "}".repeat(n)],
      ["arrays to a scalar", (n) => "[".repeat(n) + "1" + "]".repeat(n)],
      ["objects and arrays", (n) => '{"a":['.repeat(n) + "1" + "]}".repeat(n)],
    ];
    let certified = 0;
    for (const [what, nest] of shapes) {
      for (let levels = 40; levels <= 105; levels++) {
        const inner = nest(Math.ceil(levels / (what === "objects and arrays" ? 2 : 1)));
        for (const text of [`{"metadata":{"k":${inner}}}`, `{"metadata":{"k":{"list":${inner}}}}`]) {
          if (assertSound(schemaOf(node), text, `${what}, ${levels} levels`)) certified++;
        }
        const report = `{"node":{"id":"e","metadata":{"k":${inner}}},"addedTunnels":[{"name":"t","identity":{"tenantId":"a","clusterId":"b","nodeId":"c"},"createdAt":"2026-01-01T00:00:00Z"}]}`;
        if (assertSound(schemaOf(reportType), report, `${what}, ${levels} levels in a report`)) certified++;
      }
    }
    // The shallower documents are certified: the limit is not simply refused everywhere.
    assert.ok(certified > 100, `only ${certified} certified`);
    const tooDeep = `{"node":{"id":"edge-1","metadata":${'{"a":'.repeat(99)}1${"}".repeat(99)}}}`;
    assert.equal(validateJson(schemaOf(reportType), tooDeep).kind, "invalid");
    assert.equal(readCleanJson(schemaOf(reportType), tooDeep), undefined);
  });

  test("reads timestamps and durations as fromJson does", () => {
    const tunnel = (createdAt: string) => report(`"addedTunnels":[{"name":"t","identity":{"tenantId":"a","clusterId":"b","nodeId":"c"},"createdAt":"${createdAt}"}]`);
    for (const t of ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "2024-02-29T12:34:56.5Z", "1969-12-31T23:59:59.000001Z", "2000-03-01T00:00:00.120Z"]) {
      assert.ok(assertSound(schemaOf(reportType), tunnel(t), t), `${t} not certified`);
    }
    // Left to the full path: impossible dates and times, a bad fraction, an offset, a malformed shape.
    for (const t of ["2023-02-29T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T0a:00:00Z", "2024-01-01T00:-1:00Z", "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00.1234567890Z", "2024-01-01 00:00:00Z", "2024-01-01T00:00:00+00:00", "0000-01-01T00:00:00Z"]) {
      assert.equal(readCleanJson(schemaOf(reportType), tunnel(t)), undefined, t);
    }
    const config = "envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.GrpcClientConfig";
    for (const d of ["5s", "0.025s", "1.5s", "3600s", "0.100000000s"]) {
      assert.ok(assertSound(schemaOf(config), `{"cluster":"c","defaultSendInterval":"${d}"}`, d), `${d} not certified`);
    }
    for (const d of ["-0.5s", "0.024s", "3600.000000001s", "1.5"]) {
      assert.equal(readCleanJson(schemaOf(config), `{"cluster":"c","defaultSendInterval":"${d}"}`), undefined, d);
    }
  });

  test("counts days as Date does, across the whole range", () => {
    for (let year = 1; year <= 9999; year += 13) {
      for (let month = 1; month <= 12; month++) {
        const text = `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-28T00:00:00Z`;
        assert.equal(daysSinceEpoch(year, month, 28) * 86_400_000, Date.parse(text), text);
      }
    }
  });

  test("isCertainlyCleanJson says what readCleanJson found", () => {
    assert.equal(isCertainlyCleanJson(schemaOf(reportType), report('"fullPush":true')), true);
    assert.equal(isCertainlyCleanJson(schemaOf(reportType), report('"nonce":"-1"')), false);
  });

  test("certifies nothing the JSON reader flags: repeated keys, __proto__, lone surrogates, integers beyond 2^53", () => {
    assert.equal(isCertainlyCleanJson(schemaOf(reportType), report('"fullPush":true,"fullPush":true')), false);
    assert.equal(isCertainlyCleanJson(schemaOf(reportType), report('"removedTunnelNames":["\\ud800"]')), false);
    assert.equal(isCertainlyCleanJson(schemaOf(reportType), report('"nonce":9007199254740993')), false);
    assert.equal(isCertainlyCleanJson(schemaOf(reportType), report('"fullPush":true,')), false);
  });
});

/** A random change to a JSON document: a value replaced, a key added or a key removed. */
const edit = fc.oneof(
  fc.record({ kind: fc.constant("replace" as const), value: fc.oneof(fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>, fc.constantFrom<JsonValue>(null, "", -1, 2 ** 53, 70000, 1.5, "1", "-0", "9223372036854775808", "NaN", "2026-02-30T00:00:00Z", "1s", "AA==", "TCP", {}, [])) }),
  fc.record({ kind: fc.constant("add" as const), key: fc.constantFrom("name", "full_push", "fullPush", "__proto__", "unknown", "@type", "id"), value: fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<JsonValue> }),
  fc.record({ kind: fc.constant("remove" as const) }),
);

/** Applies `change` at the node numbered `pick` in a depth-first walk of `json` (on a copy). */
function applyAt(json: JsonValue, pick: number, change: typeof edit extends fc.Arbitrary<infer T> ? T : never): JsonValue {
  const nodes: { parent: JsonValue[] | Record<string, JsonValue> | undefined; key: string | number; value: JsonValue }[] = [];
  const copy = JSON.parse(JSON.stringify(json)) as JsonValue;
  const walk = (value: JsonValue, parent: JsonValue[] | Record<string, JsonValue> | undefined, key: string | number) => {
    nodes.push({ parent, key, value });
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, value, i));
    else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v as JsonValue, value as Record<string, JsonValue>, k);
  };
  walk(copy, undefined, "");
  const node = nodes[pick % nodes.length]!;
  if (change.kind === "replace") {
    if (node.parent === undefined) return change.value;
    (node.parent as Record<string | number, JsonValue>)[node.key] = change.value;
  } else if (change.kind === "add") {
    const target = node.value !== null && typeof node.value === "object" && !Array.isArray(node.value) ? node.value : undefined;
    if (target !== undefined) Object.defineProperty(target, change.key, { value: change.value, enumerable: true, configurable: true, writable: true });
  } else if (node.parent !== undefined) {
    if (Array.isArray(node.parent)) node.parent.splice(node.key as number, 1);
    else delete node.parent[node.key as string];
  }
  return copy;
}
