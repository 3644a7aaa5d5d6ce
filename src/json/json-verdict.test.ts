import assert from "node:assert/strict";
import { suite, test } from "node:test";
import type { DescMessage } from "@bufbuild/protobuf";
import { resolveType } from "../registry.js";
import { wireRules } from "../validate/planner.js";
import { planJson } from "../validate/plan-json.js";
import { messagePlan } from "../wire/plan.js";
import { jsonVerdict, JsonVerdict } from "./json-verdict.js";

const report = resolveType("envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.StreamReverseTunnelsRequest");
const trace = resolveType("envoy.data.tap.v2alpha.Trace");
const verdict = (schema: DescMessage, text: string, maxDepth = 100) => jsonVerdict(text, planJson(messagePlan(schema, wireRules)), maxDepth, undefined);
const tunnel = (name: string, createdAt = "2026-11-21T09:00:00.125Z") =>
  `{"name":${name},"identity":{"tenantId":"t","clusterId":"c","nodeId":"n"},"createdAt":"${createdAt}"}`;
const withNode = (body: string) => `{"node":{"id":"edge-1"}${body}}`;

suite("jsonVerdict()", () => {
  test("proves a valid report valid, under JSON or proto names, pretty or compact", () => {
    for (const text of [
      withNode(`,"addedTunnels":[${tunnel('"a"')},${tunnel('"b"')}],"fullPush":true,"nonce":"7"`),
      withNode(`,"added_tunnels":[${tunnel('"a"')}],"full_push":false,"nonce":7`),
      `{\n  "node" : { "id" : "edge-1", "metadata": {"k": [1, 2.5, -3e2, "x", null, true, {"z": {}}]} },\n  "removedTunnelNames" : [ "a" ]\n}\n`,
    ]) {
      assert.equal(verdict(report, text), JsonVerdict.Valid, text);
    }
  });

  test("counts a name's length in code points, escapes and surrogate pairs included", () => {
    // removed_tunnel_names items need at least one character.
    assert.equal(verdict(report, withNode(',"removedTunnelNames":["\\u00e9"]')), JsonVerdict.Valid);
    assert.equal(verdict(report, withNode(',"removedTunnelNames":["\\ud83d\\ude00"]')), JsonVerdict.Valid);
    assert.equal(verdict(report, withNode(',"removedTunnelNames":["😀"]')), JsonVerdict.Valid);
    assert.equal(verdict(report, withNode(',"removedTunnelNames":[""]')), JsonVerdict.Undecided);
  });

  test("leaves every encoding fault and every broken rule undecided", () => {
    const undecided: readonly [string, string][] = [
      ["a syntax error", withNode(",")],
      ["text after the value", withNode("") + " x"],
      ["a key twice", '{"node":{"id":"a"},"node":{"id":"b"}}'],
      ["a field under both names", withNode(',"fullPush":true,"full_push":true')],
      ["an unknown key", withNode(',"nonse":1')],
      ["an escaped key", '{"nod\\u0065":{"id":"a"}}'],
      ["a key twice in a Struct", withNode("").replace('"id":"edge-1"', '"id":"e","metadata":{"k":1,"k":2}')],
      ["__proto__ in a Struct", withNode("").replace('"id":"edge-1"', '"id":"e","metadata":{"__proto__":1}')],
      ["a raw lone surrogate", withNode(',"removedTunnelNames":["\ud800"]')],
      ["an escaped lone surrogate", withNode(',"removedTunnelNames":["\\udc00"]')],
      ["a high surrogate without its low half", withNode(',"removedTunnelNames":["\\ud800x"]')],
      ["a control character in a string", withNode(',"removedTunnelNames":["a\tb"]')],
      ["a bad escape", withNode(',"removedTunnelNames":["\\x"]')],
      ["a 64-bit integer beyond 15 digits", withNode(',"nonce":9007199254740993')],
      ["a negative nonce", withNode(',"nonce":-1')],
      ["an int64 string with a leading zero", withNode(',"nonce":"07"')],
      ["a null field", withNode(',"nonce":null')],
      ["an impossible date", withNode(`,"addedTunnels":[${tunnel('"a"', "2026-02-30T00:00:00Z")}]`)],
      ["an offset instead of Z", withNode(`,"addedTunnels":[${tunnel('"a"', "2026-01-01T00:00:00+00:00")}]`)],
      ["no node (message.required)", '{"fullPush":true}'],
      ["an empty tunnel name", withNode(`,"addedTunnels":[${tunnel('""')}]`)],
      ["a number too large for a double in a Struct", withNode("").replace('"id":"edge-1"', '"id":"e","metadata":{"k":1e400}')],
    ];
    for (const [what, text] of undecided) assert.equal(verdict(report, text), JsonVerdict.Undecided, what);
  });

  test("refuses nesting at the limit, accepts it below", () => {
    const nested = (levels: number) => withNode("").replace('"id":"edge-1"', `"id":"e","metadata":{"k":${'{"a":'.repeat(levels)}1${"}".repeat(levels)}}`);
    assert.equal(verdict(report, nested(10), 20), JsonVerdict.Valid);
    assert.equal(verdict(report, nested(20), 20), JsonVerdict.Undecided);
  });

  test("leaves a type with relations between fields (the trace's event order) to the rule engine", () => {
    const text = '{"events":[{"timestamp":"2026-11-21T09:00:00Z","read":{"data":"AAE="}}]}';
    assert.equal(verdict(trace, text), JsonVerdict.ValidEncoding);
    assert.equal(verdict(trace, text.replace("AAE=", "AAE")), JsonVerdict.Undecided);
  });
});
