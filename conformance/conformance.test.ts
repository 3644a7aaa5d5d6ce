import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { requireTool } from "../test/support/external-tool.js";
import { packageCodec } from "./codec.js";
import { keySpellings } from "./key-spellings.js";
import { loadCases, type ConformanceCase } from "./load-cases.js";
import { runConformance, type CheckResult } from "./run.js";

// In CI a missing protoc throws here and fails this file: a green run must
// mean the checks against protoc really ran. Locally they skip, with the
// reason printed.
const protocSkip = requireTool("protoc");
const report = runConformance({ protoc: protocSkip === undefined ? "require" : "off" });

/** The messages the two APIs document, each of which needs its own cases. */
const documentedMessages = [
  "envoy.data.tap.v2alpha.Connection",
  "envoy.data.tap.v2alpha.Event",
  "envoy.data.tap.v2alpha.Event.Read",
  "envoy.data.tap.v2alpha.Event.Write",
  "envoy.data.tap.v2alpha.Trace",
  "envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.StreamReverseTunnelsRequest",
  "envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.StreamReverseTunnelsResponse",
  "envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.ReverseTunnel",
  "envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.TunnelInitiatorIdentity",
];

suite("conformance cases", () => {
  const byCase = new Map<string, CheckResult[]>();
  for (const result of report.results) {
    byCase.set(result.caseId, [...(byCase.get(result.caseId) ?? []), result]);
  }
  for (const [caseId, results] of byCase) {
    suite(caseId, () => {
      for (const result of results) {
        const options =
          result.status === "skip" ? { skip: result.detail ?? true } : result.status === "expected-fail" ? { todo: result.detail ?? true } : {};
        test(result.check, options, () => {
          assert.notEqual(result.status, "fail", result.detail);
        });
      }
    });
  }
});

suite("conformance coverage", () => {
  const cases = loadCases();

  test("has at least 60 cases", () => {
    assert.ok(cases.length >= 60, `only ${cases.length} cases`);
  });

  for (const typeName of documentedMessages) {
    test(`has at least three cases for ${typeName}`, () => {
      const count = cases.filter((c) => c.typeName === typeName).length;
      assert.ok(count >= 3, `${count} cases`);
    });
  }

  test("has a documented case (the API reference's example) for every documented message", () => {
    const documented = new Set(cases.filter((c) => c.id.endsWith("/documented")).map((c) => c.typeName));
    assert.deepEqual(documentedMessages.filter((name) => !documented.has(name)), []);
  });

  /** The JSON input of a case, which every case named below has. */
  const spellings = (c: ConformanceCase) => {
    const schema = packageCodec.findSchema(c.typeName);
    assert.ok(schema && c.input.kind === "json", c.id);
    return keySpellings(schema, c.input.json);
  };

  test("spells every key of a documented case as the API reference does (proto names)", () => {
    for (const c of cases.filter((c) => c.id.endsWith("/documented"))) {
      assert.deepEqual(spellings(c).jsonNames, [], c.id);
    }
  });

  test("spells every key of a camel-case case as a lowerCamelCase JSON name", () => {
    const camel = cases.filter((c) => c.id.endsWith("/camel-case"));
    assert.ok(camel.length > 0);
    for (const c of camel) {
      const { protoNames, jsonNames } = spellings(c);
      assert.deepEqual(protoNames, [], c.id);
      assert.notDeepEqual(jsonNames, [], c.id);
    }
  });

  test("runs the validation corpus too", () => {
    assert.ok(report.results.some((r) => r.caseId.startsWith("invalid/") && r.check === "validate-json"));
    assert.ok(report.results.some((r) => r.caseId.startsWith("valid/") && r.check === "validate-binary"));
  });

  test("every check of every case ran, or was skipped only for protoc", () => {
    const ids = new Set(cases.map((c) => c.id));
    const expected = cases.length * 5;
    const counted = report.results.filter((r) => ids.has(r.caseId) && r.check !== "expected-failures").length;
    assert.equal(counted, expected);
    assert.ok(report.results.every((r) => r.status !== "skip" || r.check.startsWith("protoc-")));
  });
});
