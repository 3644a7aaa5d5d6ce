import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { readJson } from "../json/read-json.js";
import { StreamReverseTunnelsRequestSchema } from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { registry } from "../registry.js";
import { LineIndex, locateJsonPointer, locateProtoPath, parseProtoPath } from "./json-position.js";

/** The position tree of `text`. */
const treeOf = (text: string) => readJson(text, { tree: true }).tree;

suite("LineIndex", () => {
  test("gives 1-based lines and code point columns across LF, CRLF and CR", () => {
    const lines = new LineIndex('a\nbc\r\nd\re😀f');
    assert.deepEqual(lines.position(0), { line: 1, column: 1 });
    assert.deepEqual(lines.position(3), { line: 2, column: 2 });
    assert.deepEqual(lines.position(6), { line: 3, column: 1 });
    assert.deepEqual(lines.position(8), { line: 4, column: 1 });
    // "😀" is one code point in two UTF-16 units.
    assert.deepEqual(lines.position(11), { line: 4, column: 3 });
  });
});

suite("parseProtoPath()", () => {
  test("splits names, indexes and quoted and bare map keys", () => {
    assert.deepEqual(parseProtoPath('node.dynamic_parameters["a.b\\"]"].params[3].x[true]'), [
      { kind: "name", name: "node" },
      { kind: "name", name: "dynamic_parameters" },
      { kind: "bracket", key: 'a.b"]', quoted: true },
      { kind: "name", name: "params" },
      { kind: "bracket", key: "3", quoted: false },
      { kind: "name", name: "x" },
      { kind: "bracket", key: "true", quoted: false },
    ]);
    assert.deepEqual(parseProtoPath(""), []);
  });
});

suite("locateProtoPath()", () => {
  const text = `{
  "node": {"dynamicParameters": {"k": {"params": {"a": "b"}}}},
  "addedTunnels": [{"name": "t"}, {"identity": {}}],
  "removed_tunnel_names": ["x"]
}`;
  const root = treeOf(text)!;
  const at = (path: string, key = false) => {
    const location = locateProtoPath(root, StreamReverseTunnelsRequestSchema, path, registry);
    const node = key ? location.key : location.value;
    return [text.slice(node!.offset, node!.offset + Math.min(node!.length, 12)), location.complete] as const;
  };

  test("finds fields written under their JSON names by their proto names", () => {
    assert.deepEqual(at("added_tunnels[1].identity"), ["{}", true]);
    assert.deepEqual(at('node.dynamic_parameters["k"].params["a"]'), ['"b"', true]);
    assert.deepEqual(at("removed_tunnel_names[0]"), ['"x"', true]);
    assert.deepEqual(at("added_tunnels[0].name", true), ['"name"', true]);
  });

  test("stops at the closest enclosing value for a path that leaves the document", () => {
    assert.deepEqual(at("added_tunnels[0].created_at"), ['{"name": "t"', false]);
    assert.deepEqual(at("added_tunnels[5].name"), ['[{"name": "t', false]);
  });

  test("leads a oneof's name to its member's key", () => {
    const doc = '{"node": {"user_agent_version": "1"}}';
    const location = locateProtoPath(treeOf(doc)!, StreamReverseTunnelsRequestSchema, "node.user_agent_version_type", registry);
    assert.equal(doc.slice(location.key!.offset, location.key!.offset + location.key!.length), '"user_agent_version"');
  });
});

suite("locateJsonPointer()", () => {
  test("takes the last occurrence of a repeated key", () => {
    const doc = '{"a": [1, {"b": 2, "b": 3}]}';
    const location = locateJsonPointer(treeOf(doc)!, ["a", "1", "b"]);
    assert.equal(doc.slice(location.value.offset, location.value.offset + location.value.length), "3");
    assert.equal(location.complete, true);
    assert.equal(locateJsonPointer(treeOf(doc)!, ["a", "7"]).complete, false);
  });
});
