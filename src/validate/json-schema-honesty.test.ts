import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { suite, test } from "node:test";
import { create, fromJson } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import fc from "fast-check";
import { jsonSchemaValidators } from "../../gen/jsonschema/validators.js";
import { GrpcClientConfigSchema } from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/grpc_client_pb.js";
import { StreamReverseTunnelsResponseSchema } from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { SCHEMA_HELP } from "../cli/help.js";
import { registry } from "../registry.js";
import { schemaHonestyProblems } from "./schema-honesty.testdata.js";
import { validate } from "./validate.js";

const schemaDir = join(import.meta.dirname, "..", "..", "gen", "jsonschema");
const response = jsonSchemaValidators[StreamReverseTunnelsResponseSchema.typeName]!;
const config = jsonSchemaValidators[GrpcClientConfigSchema.typeName]!;

/** The keywords and places of the last failure of a generated validator. */
function failures(validator: typeof response): string[] {
  return (validator.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`);
}

suite("the generated JSON Schema states the rules it can", () => {
  test('refuses "request_nonce": "-5" and "report_interval": "0.010s", as validate does', () => {
    assert.equal(response({ request_nonce: "-5" }), false);
    assert.deepEqual(failures(response), ["/request_nonce pattern"]);
    assert.equal(response({ request_nonce: -5 }), false);
    assert.deepEqual(failures(response), ["/request_nonce minimum"]);
    assert.equal(response({ report_interval: "0.010s" }), false);
    assert.deepEqual(failures(response), ["/report_interval pattern"]);
    assert.equal(response({ requestNonce: "5", reportInterval: "0.025s" }), true);
  });

  test("reads -0 as 0 for int64.gte 0, as protobuf-es and the rule engine do", () => {
    assert.equal(response({ request_nonce: "-0" }), true);
    assert.equal(response({ request_nonce: "-00" }), true);
    assert.equal(response({ request_nonce: "-1" }), false);
    assert.equal(response({ request_nonce: "9223372036854775807" }), true);
  });

  test("draws the duration bounds (gte 25ms, lte 3600s) at the nanosecond", () => {
    const verdicts = (text: string) => [response({ report_interval: text }), config({ default_send_interval: text, connect_retry_interval: text })];
    for (const text of ["0.025s", "0.025000000s", "3600s", "3600.000000000s", "0003599.999999999s"]) assert.deepEqual(verdicts(text), [true, true], text);
    for (const text of ["0.024999999s", "0.010s", "3600.000000001s", "3601s", "0s", "-0s", "-0.025s", "-3600s", "-1s"]) {
      assert.deepEqual(verdicts(text), [false, false], text);
    }
  });

  test("agrees with the rule engine's duration rule on generated Duration strings", () => {
    const second = 1_000_000_000n;
    const nanos = fc.oneof(
      fc.bigInt({ min: -second, max: second }),
      fc.bigInt({ min: 24_000_000n, max: 26_000_000n }),
      fc.bigInt({ min: 3599n * second, max: 3601n * second }),
      fc.bigInt({ min: -315_576_000_000n * second, max: 315_576_000_000n * second }),
    );
    fc.assert(
      fc.property(nanos, fc.nat(2), fc.nat(9), (value, zeros, digits) => {
        const magnitude = value < 0n ? -value : value;
        const fraction = (magnitude % second).toString().padStart(9, "0").replace(/0+$/, "");
        const shown = fraction.padEnd(Math.max(fraction.length, digits), "0");
        const text = `${value < 0n ? "-" : ""}${"0".repeat(zeros)}${magnitude / second}${shown === "" ? "" : `.${shown}`}s`;
        const schemaSays = response({ report_interval: text });
        const message = create(StreamReverseTunnelsResponseSchema, { reportInterval: fromJson(DurationSchema, text) });
        const engineSays = validate(StreamReverseTunnelsResponseSchema, message).violations.every((v) => v.path !== "report_interval");
        assert.equal(schemaSays, engineSays, text);
      }),
      { numRuns: 3000 },
    );
  });

  test("refuses null where the default breaks a rule, and accepts it where it does not", () => {
    const request = jsonSchemaValidators["envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.StreamReverseTunnelsRequest"]!;
    assert.equal(request({ node: null }), false, "message.required");
    assert.equal(request({ node: {}, nonce: null }), true, "0 meets int64.gte 0");
    const identity = jsonSchemaValidators["envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.TunnelInitiatorIdentity"]!;
    assert.equal(identity({ tenant_id: null, cluster_id: "c", node_id: "n" }), false, '"" breaks string.min_len 1');
  });

  test("every rule id the planner can report for a field is stated in the schema or named in its description", () => {
    const files = readdirSync(schemaDir).filter((name) => name.endsWith(".schema.json"));
    assert.ok(files.length > 20);
    let checkedRules = 0;
    for (const name of files) {
      const desc = registry.getMessage(name.replace(/\.schema\.json$/, ""))!;
      const file = JSON.parse(readFileSync(join(schemaDir, name), "utf8")) as Record<string, unknown>;
      assert.deepEqual(schemaHonestyProblems(desc, file), [], name);
      checkedRules += desc.fields.length;
    }
    assert.ok(checkedRules > 50);
  });

  test("schema --help says which rules only validate enforces", () => {
    assert.match(SCHEMA_HELP, /Only\s+envoy-tap-tunnel validate enforces:/);
    for (const kind of ["byte lengths", "RE2 patterns", "in/not_in", "unique", "timestamp bounds", "ignore_empty", "field's description", "duplicate keys", '"__proto__"', "Any"]) {
      assert.ok(SCHEMA_HELP.includes(kind), kind);
    }
  });
});
