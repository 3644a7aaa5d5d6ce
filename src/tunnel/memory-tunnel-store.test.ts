import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { LayeredMap } from "./layered-map.js";
import { MemoryTunnelStore } from "./memory-tunnel-store.js";
import type { NodeRecord, TunnelRecord } from "./tunnel-record.js";

function record(version: number, initiators: Record<string, string>): NodeRecord {
  const tunnels = new Map<string, TunnelRecord>(
    Object.entries(initiators).map(([name, nodeId]) => [
      name,
      { name, identity: { tenantId: "t", clusterId: "c", nodeId }, createdAt: "2026-01-29T10:00:00Z", firstReportedAt: 0, lastReportedAt: 0, streamId: "s" },
    ]),
  );
  return { node: { id: "n", cluster: "c" }, state: "connected", owner: "s", epoch: 1, version, connectedAt: 0, lastReportAt: 0, tunnels };
}

suite("MemoryTunnelStore", () => {
  test("putNode is a compare-and-set on version", async () => {
    const store = new MemoryTunnelStore();
    assert.equal(await store.putNode("k", record(1, {}), 0), false, "nothing stored yet: only `undefined` matches");
    assert.equal(await store.putNode("k", record(1, {}), undefined), true);
    assert.equal(await store.putNode("k", record(2, {}), undefined), false);
    assert.equal(await store.putNode("k", record(2, {}), 1), true);
    assert.equal((await store.getNode("k"))?.version, 2);
    assert.equal(await store.deleteNode("k", 1), false);
    assert.equal(await store.deleteNode("k", 2), true);
    assert.equal(await store.getNode("k"), undefined);
  });

  test("indexes reporting nodes by initiator, counting several tunnels from one initiator", async () => {
    const store = new MemoryTunnelStore();
    await store.putNode("a", record(1, { t1: "x", t2: "x", t3: "y" }), undefined);
    await store.putNode("b", record(1, { t1: "x" }), undefined);
    assert.deepEqual((await store.nodeKeysByInitiator("x")).sort(), ["a", "b"]);
    await store.putNode("a", record(2, { t2: "x" }), 1);
    assert.deepEqual((await store.nodeKeysByInitiator("x")).sort(), ["a", "b"], "a still holds t2 from x");
    assert.deepEqual(await store.nodeKeysByInitiator("y"), []);
    await store.putNode("a", record(3, {}), 2);
    assert.deepEqual(await store.nodeKeysByInitiator("x"), ["b"]);
    await store.deleteNode("b", 1);
    assert.deepEqual(await store.nodeKeysByInitiator("x"), []);
    assert.deepEqual((await store.listNodes()).map((r) => r.version), [3]);
  });

  test("keeps the index right across layered versions of a node's tunnels (only the changed names are reindexed)", async () => {
    const store = new MemoryTunnelStore();
    const first = record(1, { t1: "x", t2: "x", t3: "y" });
    const v1 = { ...first, tunnels: LayeredMap.over(first.tunnels) };
    await store.putNode("a", v1, undefined);
    await store.putNode("b", record(1, { u1: "y" }), undefined);
    const draft = v1.tunnels.edit();
    draft.delete("t1");
    draft.set("t3", { ...v1.tunnels.get("t3")!, identity: { tenantId: "t", clusterId: "c", nodeId: "z" } });
    const v2 = { ...v1, version: 2, tunnels: draft.done() };
    assert.ok(LayeredMap.changedKeys(v1.tunnels, v2.tunnels), "the versions share a base");
    await store.putNode("a", v2, 1);
    assert.deepEqual(await store.nodeKeysByInitiator("x"), ["a"], "a still holds t2 from x");
    assert.deepEqual(await store.nodeKeysByInitiator("y"), ["b"], "t3 now comes from z");
    assert.deepEqual(await store.nodeKeysByInitiator("z"), ["a"]);
    const next = v2.tunnels.edit();
    next.delete("t2");
    await store.putNode("a", { ...v2, version: 3, tunnels: next.done() }, 2);
    assert.deepEqual(await store.nodeKeysByInitiator("x"), []);
  });
});
