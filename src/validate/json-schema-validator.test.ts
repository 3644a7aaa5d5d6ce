import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { suite, test } from "node:test";
import { registry } from "../registry.js";
import { isCertainlyCleanJson } from "./clean-json.js";
import { jsonSchemaValidator } from "./json-schema-validator.js";
import { validateJson } from "./validate-json.js";

const repoRoot = join(import.meta.dirname, "..", "..");
const grpcClient = "envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client";
const request = `${grpcClient}.StreamReverseTunnelsRequest`;
const response = `${grpcClient}.StreamReverseTunnelsResponse`;
const config = `${grpcClient}.GrpcClientConfig`;
const trace = "envoy.data.tap.v2alpha.Trace";
const address = "envoy.config.core.v3.Address";

const example = (path: string) => readFileSync(join(repoRoot, "examples", path), "utf8");

/** Documents that exercise every kind of JSON Schema finding the package maps, valid ones too. */
const cases: [typeName: string, text: string][] = [
  [request, example("valid/report.json")],
  [response, example("valid/response.json")],
  [config, example("valid/grpc-client.json")],
  [trace, example("valid/trace.json")],
  [request, example("invalid/report.json")],
  [response, example("invalid/response.json")],
  [config, example("invalid/grpc-client.json")],
  [trace, example("invalid/trace.json")],
  [response, '{"request_nonce": "-5", "report_interval": "0.010s"}'],
  [request, '{"node": {"id": "n", "bogus": 1}, "nonce": "x", "full_push": "yes", "fullPush": true}'],
  [request, `{"node": {"id": "n"}, "added_tunnels": [{"name": "t", "identity": {"tenant_id": "${"é".repeat(129)}"}}]}`],
  [address, '{"socket_address": {"address": "a", "port_value": 70000, "protocol": "SCTP"}, "pipe": {"path": "p", "mode": 0}}'],
  [trace, '{"connection": {"id": "-1"}, "events": [{"timestamp": "2026-02-30T00:00:00Z", "read": {"data": "a"}}]}'],
];

/** What validateJson reports, as the child prints it. */
function inProcess(): unknown {
  const results = cases.map(([typeName, text]) => {
    const schema = registry.getMessage(typeName)!;
    const { kind, violations, warnings } = validateJson(schema, text);
    return { kind, violations, warnings, clean: isCertainlyCleanJson(schema, text) };
  });
  return JSON.parse(JSON.stringify(results, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
}

suite("jsonSchemaValidator()", () => {
  test("returns the precompiled validator of a type, once per type", () => {
    const schema = registry.getMessage(response)!;
    const validate = jsonSchemaValidator(schema);
    assert.equal(jsonSchemaValidator(schema), validate);
    assert.equal(validate({ request_nonce: "5" }), true);
    assert.equal(validate({ request_nonce: true }), false);
    assert.deepEqual(
      validate.errors?.map((e) => [e.keyword, e.instancePath]),
      [["type", "/request_nonce"]],
    );
  });

  test("validateJson gives the same violations where code generation from strings is refused", () => {
    const output = execFileSync(
      process.execPath,
      ["--disallow-code-generation-from-strings", "--import", "tsx", join(import.meta.dirname, "no-code-generation-child.testdata.ts")],
      { cwd: repoRoot, input: JSON.stringify(cases), encoding: "utf8" },
    );
    const child = JSON.parse(output) as { codeGenerationRefused: boolean; results: { kind: string; violations: { path: string; ruleId: string }[] }[] };
    assert.equal(child.codeGenerationRefused, true, "the child refuses new Function, as an edge runtime does");
    assert.deepEqual(child.results, inProcess());
    // And the shared answer is the right one, not merely the same one.
    assert.deepEqual(
      child.results.map((r) => r.kind),
      ["valid", "valid", "valid", "valid", "invalid", "invalid", "invalid", "invalid", "invalid", "invalid", "invalid", "invalid", "invalid"],
    );
    assert.deepEqual(
      child.results[8]!.violations.map((v) => `${v.path} ${v.ruleId}`),
      ["request_nonce int64.gte", "report_interval duration.gte"],
    );
    assert.deepEqual(
      child.results[9]!.violations.map((v) => `${v.path} ${v.ruleId}`),
      ["node.bogus json.unknown_field", "nonce json.type", "full_push json.type", "full_push json.duplicate_name"],
    );
  });
});
