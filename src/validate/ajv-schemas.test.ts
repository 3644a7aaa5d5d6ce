import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { suite, test } from "node:test";
import { fromJson, toJson, type DescMessage, type JsonValue, type Message } from "@bufbuild/protobuf";
import { Ajv2020 } from "ajv/dist/2020.js";
import { jsonSchemaBundle } from "../../gen/jsonschema/index.js";
import { fullRequest, fullResponse, fullTrace } from "../../test/full-messages.testdata.js";
import { listTypes, registry, resolveType } from "../registry.js";
import { validateJson } from "./validate-json.js";

const schemaDir = join(import.meta.dirname, "..", "..", "gen", "jsonschema");
const schemaFiles = readdirSync(schemaDir)
  .filter((name) => name.endsWith(".schema.json"))
  .sort();

/** ajv as a consumer of the published files would configure it (the definitions leave `type` to the referrer). */
function newAjv(): Ajv2020 {
  return new Ajv2020({ allErrors: true, allowUnionTypes: true, strictTypes: false, strictRequired: false });
}

function readSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(schemaDir, name), "utf8")) as Record<string, unknown>;
}

const compiled = new Map<string, ReturnType<Ajv2020["compile"]>>();
function fileValidator(typeName: string): ReturnType<Ajv2020["compile"]> {
  let validate = compiled.get(typeName);
  if (validate === undefined) {
    validate = newAjv().compile(readSchema(`${typeName}.schema.json`));
    compiled.set(typeName, validate);
  }
  return validate;
}

suite("gen/jsonschema", () => {
  test("has one schema file per message type of the package", () => {
    assert.deepEqual(
      schemaFiles,
      listTypes()
        .map((t) => `${t.typeName}.schema.json`)
        .sort(),
    );
  });

  test("every file is a valid draft 2020-12 schema that ajv compiles", () => {
    for (const name of schemaFiles) {
      const schema = readSchema(name);
      assert.equal(schema["$schema"], "https://json-schema.org/draft/2020-12/schema", name);
      const ajv = newAjv();
      assert.equal(ajv.validateSchema(schema), true, `${name}: ${ajv.errorsText(ajv.errors)}`);
      assert.equal(typeof ajv.compile(schema), "function", name);
    }
  });

  test("every file holds the same definitions as the bundle", () => {
    for (const name of schemaFiles) {
      const defs = readSchema(name)["$defs"] as Record<string, unknown>;
      for (const [typeName, def] of Object.entries(defs)) {
        const local = JSON.stringify(def).replaceAll('"#/$defs/', `"${jsonSchemaBundle.$id}#/$defs/`);
        assert.equal(local, JSON.stringify(jsonSchemaBundle.$defs[typeName]), `${name}: $defs["${typeName}"]`);
      }
    }
  });

  for (const [label, message] of [
    ["fullTrace", fullTrace],
    ["fullRequest", fullRequest],
    ["fullResponse", fullResponse],
  ] as const) {
    test(`accepts ${label} printed with JSON names, proto names and implicit defaults`, () => {
      const schema = resolveType(message.$typeName);
      for (const options of [{}, { useProtoFieldName: true }, { alwaysEmitImplicit: true }, { useProtoFieldName: true, alwaysEmitImplicit: true }]) {
        const json = toJson(schema, message as Message, { registry, ...options });
        const validate = fileValidator(schema.typeName);
        assert.equal(validate(json), true, `${label} ${JSON.stringify(options)}: ${JSON.stringify(validate.errors)}`);
        const result = validateJson(schema, JSON.stringify(json, null, 2));
        assert.deepEqual(result.violations, [], `${label} ${JSON.stringify(options)}`);
      }
    });
  }
});

/**
 * Values at the edges of the proto3 JSON mapping. Each is checked against the
 * published schema and against protobuf-es's parser, which must agree.
 */
const edges: { type: string; json: JsonValue; ok: boolean; protobufEs?: boolean; about: string }[] = [
  { type: "StreamReverseTunnelsRequest", json: { node: {}, nonce: "9223372036854775807" }, ok: true, about: "the largest int64 as a string" },
  // The smallest int64 is an int64 (protobuf-es reads it), but nonce's int64.gte 0 refuses it.
  { type: "StreamReverseTunnelsRequest", json: { node: {}, nonce: "-9223372036854775808" }, ok: false, protobufEs: true, about: "the smallest int64 as a string, below nonce's gte 0" },
  { type: "StreamReverseTunnelsRequest", json: { node: {}, nonce: "-0" }, ok: true, about: "-0, which is 0" },
  { type: "StreamReverseTunnelsRequest", json: { node: {}, nonce: "9223372036854775808" }, ok: false, about: "2^63 as a string" },
  { type: "StreamReverseTunnelsRequest", json: { node: {}, nonce: "007" }, ok: true, about: "leading zeros" },
  { type: "StreamReverseTunnelsRequest", json: { node: {}, nonce: "1e3" }, ok: false, about: "an exponent in a quoted int64" },
  { type: "StreamReverseTunnelsRequest", json: { node: {}, nonce: 1e3 }, ok: true, about: "an exponent in a number is just a number" },
  { type: "Connection", json: { id: "18446744073709551615" }, ok: true, about: "the largest uint64" },
  { type: "Connection", json: { id: "18446744073709551616" }, ok: false, about: "2^64" },
  { type: "Connection", json: { id: "-1" }, ok: false, about: "a negative uint64" },
  { type: "envoy.type.v3.SemanticVersion", json: { patch: "4294967295" }, ok: true, about: "the largest uint32 as a string" },
  { type: "envoy.type.v3.SemanticVersion", json: { patch: 4294967296 }, ok: false, about: "2^32" },
  { type: "google.rpc.Status", json: { code: -2147483648 }, ok: true, about: "the smallest int32" },
  { type: "google.rpc.Status", json: { code: "2147483648" }, ok: false, about: "2^31 as a string" },
  // Durations at the ends of their range parse, but report_interval's bounds (25ms to 3600s) refuse them.
  { type: "StreamReverseTunnelsResponse", json: { reportInterval: "315576000000s" }, ok: false, protobufEs: true, about: "the longest duration, past lte 3600s" },
  { type: "StreamReverseTunnelsResponse", json: { reportInterval: "-315576000000.999999999s" }, ok: false, protobufEs: true, about: "the most negative duration, below gte 25ms" },
  { type: "StreamReverseTunnelsResponse", json: { reportInterval: "0003600.000000000s" }, ok: true, about: "3600s with leading zeros and nine zero digits" },
  { type: "StreamReverseTunnelsResponse", json: { reportInterval: "315576000001s" }, ok: false, about: "past the duration range" },
  { type: "StreamReverseTunnelsResponse", json: { reportInterval: "1.5" }, ok: false, about: "a duration without its s" },
  { type: "Event", json: { timestamp: "0001-01-01T00:00:00Z", read: {} }, ok: true, about: "the first timestamp" },
  { type: "Event", json: { timestamp: "9999-12-31T23:59:59.999999999Z", read: {} }, ok: true, about: "the last timestamp" },
  { type: "Event", json: { timestamp: "2026-11-21T10:00:00.1+05:30", read: {} }, ok: true, about: "one fractional digit and an offset" },
  { type: "Event", json: { timestamp: "2026-11-21T10:00:00.1234567890Z", read: {} }, ok: false, about: "ten fractional digits" },
  { type: "Event", json: { timestamp: "2026-11-21t10:00:00z", read: {} }, ok: false, about: "lower-case T and Z" },
    // RFC 3339 hours run from 00 to 23; protobuf-es passes the string to
  // Date.parse, which also takes ECMAScript's 24:00:00 (next midnight).
  { type: "Event", json: { timestamp: "2026-11-21T24:00:00Z", read: {} }, ok: false, protobufEs: true, about: "hour 24" },
  // Date.parse rolls impossible dates over into the next month; protoc refuses them.
  { type: "Event", json: { timestamp: "2026-02-31T00:00:00Z", read: {} }, ok: false, protobufEs: true, about: "February 31" },
  { type: "Event", json: { timestamp: "2026-02-29T00:00:00Z", read: {} }, ok: false, protobufEs: true, about: "February 29 of a common year" },
  { type: "Event", json: { timestamp: "1900-02-29T00:00:00Z", read: {} }, ok: false, protobufEs: true, about: "February 29 of a century year not divisible by 400" },
  { type: "Event", json: { timestamp: "2024-02-29T00:00:00Z", read: {} }, ok: true, about: "February 29 of a leap year" },
  { type: "Event", json: { timestamp: "2000-02-29T00:00:00Z", read: {} }, ok: true, about: "February 29 of a year divisible by 400" },
  { type: "Event", json: { timestamp: "2026-04-31T00:00:00Z", read: {} }, ok: false, protobufEs: true, about: "April 31" },
  { type: "Event", json: { timestamp: "2026-12-31T00:00:00Z", read: {} }, ok: true, about: "December 31" },
  { type: "Event", json: { read: { data: "aGk=" } }, ok: true, about: "padded standard base64" },
  { type: "Event", json: { read: { data: "aGk" } }, ok: true, about: "unpadded base64" },
  { type: "Event", json: { read: { data: "-_-_" } }, ok: true, about: "URL-safe base64" },
  { type: "Event", json: { read: { data: "aGk=x" } }, ok: false, about: "base64 with a dangling character" },
  { type: "Event", json: { read: { data: "a" } }, ok: false, about: "one base64 character" },
  { type: "envoy.api.v2.core.SocketAddress", json: { protocol: "UDP", named_port: "http" }, ok: true, about: "an enum by name" },
  { type: "envoy.api.v2.core.SocketAddress", json: { protocol: 1, named_port: "http" }, ok: true, about: "an enum by number" },
  { type: "envoy.api.v2.core.SocketAddress", json: { protocol: "udp", named_port: "http" }, ok: false, about: "an enum name in the wrong case" },
  { type: "Node", json: { metadata: { a: [1, "x", null, { b: true }] } }, ok: true, about: "a Struct holds any JSON" },
  { type: "Node", json: { metadata: [] }, ok: false, about: "a Struct is an object" },
  { type: "Node", json: { id: null, metadata: null, locality: null, extensions: null }, ok: true, about: "null means the default for any field" },
  { type: "Node", json: { clientFeatures: [null] }, ok: false, about: "a list item cannot be null" },
  { type: "google.rpc.Status", json: { details: [{}] }, ok: true, about: "an empty Any" },
  { type: "google.rpc.Status", json: { details: [{ "@type": "type.googleapis.com/google.protobuf.Duration", value: "1s" }] }, ok: true, about: "an Any of a well-known type" },
  { type: "google.rpc.Status", json: { details: [{ value: "1s" }] }, ok: false, about: "an Any without @type" },
];

suite("gen/jsonschema at the edges of the JSON mapping", () => {
  for (const edge of edges) {
    test(`${edge.ok ? "accepts" : "rejects"} ${edge.about}`, () => {
      const schema: DescMessage = resolveType(edge.type);
      const validate = fileValidator(schema.typeName);
      assert.equal(validate(edge.json), edge.ok, JSON.stringify(validate.errors));
      let parsed = true;
      try {
        fromJson(schema, edge.json, { registry });
      } catch {
        parsed = false;
      }
      assert.equal(parsed, edge.protobufEs ?? edge.ok, "protobuf-es's parser");
    });
  }
});
