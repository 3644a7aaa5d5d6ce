import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { StreamReverseTunnelsRequestSchema, TraceSchema } from "../index.js";
import { textPathLocator } from "./locate-text-path.js";

const request = `# a comment with { braces } and "quotes"
node { id: "edge-1" metadata { fields { key: "k" value { string_value: "}" } } } }
added_tunnels {
  name: 'a'
  identity < tenant_id: "t\\"1" cluster_id: "c" >
}
added_tunnels: { name: "b" "c" }
removed_tunnel_names: ["x", "",
  "😀"]
[type.googleapis.com/some.Ext] { nonce: 9 }
nonce: -5
`;

suite("textPathLocator()", () => {
  const locate = textPathLocator(StreamReverseTunnelsRequestSchema, request);

  test("finds fields, nested messages and repeated elements by their index", () => {
    assert.deepEqual(locate("node"), { line: 2, column: 1 });
    assert.deepEqual(locate("node.id"), { line: 2, column: 8 });
    assert.deepEqual(locate("added_tunnels[0]"), { line: 3, column: 1 });
    assert.deepEqual(locate("added_tunnels[0].name"), { line: 4, column: 3 });
    assert.deepEqual(locate("added_tunnels[0].identity.cluster_id"), { line: 5, column: 32 });
    assert.deepEqual(locate("added_tunnels[1].name"), { line: 7, column: 18 });
    assert.deepEqual(locate("removed_tunnel_names[1]"), { line: 8, column: 29 });
    assert.deepEqual(locate("removed_tunnel_names[2]"), { line: 9, column: 3 });
    assert.deepEqual(locate("nonce"), { line: 11, column: 1 });
  });

  test("a path the text does not hold leads to its closest enclosing field", () => {
    assert.deepEqual(locate("added_tunnels[1].identity"), { line: 7, column: 1 });
    assert.deepEqual(locate('node.metadata.fields["k"]'), { line: 2, column: 32 });
    assert.deepEqual(locate("node.metadata"), { line: 2, column: 21 });
    assert.equal(locate("full_push"), undefined);
  });

  test("follows the schema, not just names: a Trace's events", () => {
    const trace = textPathLocator(TraceSchema, "events { read { data: 'a' } }\nevents {\n  timestamp { seconds: 2 }\n}\n");
    assert.deepEqual(trace("events[1].timestamp"), { line: 3, column: 3 });
    assert.deepEqual(trace("events[0].read.data"), { line: 1, column: 17 });
  });
});
