import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, suite, test } from "node:test";
import { formatNodeKey, type NodeRecord, type TunnelRecord } from "../index.js";
import { redisMissingReason, startRedisServer, type RedisServerProcess } from "./redis-server.testdata.js";
import { RedisTunnelStore } from "./redis-tunnel-store.js";

const skip = redisMissingReason();

/** Node `n` of the test, holding `tunnels` tunnels with awkward names and initiators. */
function nodeRecord(n: number, tunnels: number, state: "connected" | "grace" = "connected"): NodeRecord {
  const node = { id: `up-${n}-"ä"`, cluster: n % 2 === 0 ? "core" : "edge" };
  const map = new Map<string, TunnelRecord>();
  for (let t = 0; t < tunnels; t++) {
    const name = `t${t % 3}:init-${(n * 7 + t) % 11}\u00e9-${t}`;
    map.set(name, { name, identity: { tenantId: `t${t % 3}`, clusterId: "c", nodeId: `init-${(n * 7 + t) % 11}\u00e9` }, createdAt: "2026-01-29T10:00:00Z", firstReportedAt: 1, lastReportedAt: 2, streamId: `s-${n}` });
  }
  return { node, state, owner: `s-${n}`, epoch: 1, version: 1, connectedAt: 5, lastReportAt: 6, tunnels: map, ...(state === "grace" ? { graceUntil: 99 } : {}) };
}

const tunnelId = (reportingNode: { id: string; cluster: string }, name: string) => `${formatNodeKey(reportingNode)}/${name}`;

suite("RedisTunnelStore paged reads, on a real redis-server", { skip }, () => {
  let redis: RedisServerProcess;
  let store: RedisTunnelStore;
  const records = Array.from({ length: 40 }, (_, n) => nodeRecord(n, 7, n === 3 ? "grace" : "connected"));
  before(async () => {
    redis = await startRedisServer();
    store = await RedisTunnelStore.connect({ url: redis.url, keyPrefix: `p${randomBytes(4).toString("hex")}:` });
    await Promise.all(records.map((r) => store.putNode(formatNodeKey(r.node), r, undefined)));
  });
  after(async () => {
    await store?.close();
    await redis?.kill();
  });

  test("tunnel pages of a bounded size list every tunnel once, in the index's order, whatever changes between pages", async () => {
    const want = new Set(records.flatMap((r) => [...r.tunnels.keys()].map((name) => tunnelId(r.node, name))));
    const seen: string[] = [];
    const initiators: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    let changed = false;
    do {
      const page = await store.tunnelPage(cursor, 25);
      assert.ok(page.tunnels.length <= 25);
      for (const t of page.tunnels) {
        seen.push(tunnelId(t.reportingNode, t.name));
        initiators.push(t.identity.nodeId);
        assert.equal(t.streamId, `s-${/up-(\d+)/.exec(t.reportingNode.id)?.[1]}`, "each tunnel carries its record");
      }
      cursor = page.next;
      pages++;
      if (!changed) {
        // Between pages, a new node's tunnels arrive: what was there throughout is still listed exactly once.
        changed = true;
        const extra = nodeRecord(99, 3);
        await store.putNode(formatNodeKey(extra.node), extra, undefined);
        for (const name of extra.tunnels.keys()) want.add(tunnelId(extra.node, name));
      }
    } while (cursor !== undefined);
    assert.ok(pages >= Math.ceil(280 / 25), `${pages} pages`);
    assert.equal(new Set(seen).size, seen.length, "no tunnel twice");
    const missing = [...want].filter((id) => !seen.includes(id) && !id.includes("up-99"));
    assert.deepEqual(missing, []);
    assert.deepEqual(initiators, [...initiators].sort(), "ordered by initiator");
    await assert.rejects(store.tunnelPage(undefined, 0), RangeError);
  });

  test("node pages follow SSCAN's cursor, carry each node's tunnel count and state without its tunnels, and list every node", async () => {
    // More nodes than a set keeps compact (128), so SSCAN really pages.
    const many = Array.from({ length: 200 }, (_, n) => nodeRecord(1000 + n, 1));
    await Promise.all(many.map((r) => store.putNode(formatNodeKey(r.node), r, undefined)));
    const counts = new Map<string, number>();
    const sizes: number[] = [];
    let cursor = "0";
    for (;;) {
      const page = await store.nodePage(cursor, 20);
      sizes.push(page.nodes.length);
      for (const summary of page.nodes) {
        counts.set(formatNodeKey(summary.node), summary.tunnelCount);
        if (summary.node.id === records[3]!.node.id) assert.deepEqual([summary.state, summary.graceUntil], ["grace", 99]);
        assert.equal("tunnels" in summary, false);
      }
      if (page.next === undefined) break;
      cursor = page.next;
    }
    const all = await store.listNodes();
    assert.equal(counts.size, all.length);
    for (const record of all) assert.equal(counts.get(formatNodeKey(record.node)), record.tunnels.size);
    assert.ok(sizes.length > 1 && Math.max(...sizes) < all.length / 2, `page sizes ${sizes.join(",")}`);
    await assert.rejects(store.nodePage("0", 10_001), RangeError);
  });
});
