import assert from "node:assert/strict";
import { suite, test } from "node:test";
import fc from "fast-check";
import { MemoryTunnelStore } from "./memory-tunnel-store.js";
import { formatNodeKey } from "./node-key.js";
import type { NodeRecord, TunnelRecord, TunnelView } from "./tunnel-record.js";
import { compareCodePoints, tunnelCursor, tunnelPageOf } from "./tunnel-pages.js";

/** A node `id` holding tunnels by name → initiator node id. */
function record(id: string, initiators: Record<string, string>, version = 1): NodeRecord {
  const tunnels = new Map<string, TunnelRecord>(
    Object.entries(initiators).map(([name, nodeId]) => [
      name,
      { name, identity: { tenantId: "t", clusterId: "c", nodeId }, createdAt: "2026-01-29T10:00:00Z", firstReportedAt: 0, lastReportedAt: 0, streamId: "s" },
    ]),
  );
  return { node: { id, cluster: "c" }, state: "connected", owner: "s", epoch: 1, version, connectedAt: 0, lastReportAt: 0, tunnels };
}

const idOf = (t: TunnelView) => `${t.reportingNode.id}/${t.name}`;
/** Redis's order of index members: their UTF-8 bytes. */
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));

async function pageThrough(store: MemoryTunnelStore, limit: number, between?: (page: number) => Promise<void>): Promise<TunnelView[]> {
  const seen: TunnelView[] = [];
  let cursor: string | undefined;
  let page = 0;
  do {
    const result = await store.tunnelPage(cursor, limit);
    assert.ok(result.tunnels.length <= limit);
    seen.push(...result.tunnels);
    cursor = result.next;
    if (cursor !== undefined) assert.equal(cursor, tunnelCursor(result.tunnels[result.tunnels.length - 1]!), "the cursor is the last tunnel's index member");
    await between?.(page++);
  } while (cursor !== undefined);
  return seen;
}

suite("paged reads of the memory store", () => {
  test("compareCodePoints orders strings as their UTF-8 bytes (Redis's order), unlike <", () => {
    assert.ok("\u{1F600}" < "\uFF00", "UTF-16 puts an astral character first");
    assert.ok(compareCodePoints("\u{1F600}", "\uFF00") > 0);
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), (a, b) => Math.sign(compareCodePoints(a, b)) === Math.sign(byBytes(a, b))),
      { numRuns: 2000 },
    );
  });

  test("tunnel pages follow the index members' byte order, and the last page has no next", async () => {
    const store = new MemoryTunnelStore();
    // Initiators whose JSON order differs from their string order ("a" < "a!" but `"a"` > `"a!`), quotes, astral and BMP-private characters.
    const initiators = ["a", "a!", 'a"b', "a\\", "\u{1F600}", "\uFF00", "z", "\u0001"];
    for (let n = 0; n < 5; n++) {
      const tunnels: Record<string, string> = {};
      initiators.forEach((initiator, i) => (tunnels[`t${(n + i) % 3}-${i}`] = initiator));
      await store.putNode(formatNodeKey({ id: `n${n}`, cluster: "c" }), record(`n${n}`, tunnels), undefined);
    }
    const seen = await pageThrough(store, 7);
    assert.equal(seen.length, 40);
    const members = seen.map(tunnelCursor);
    assert.deepEqual(members, [...members].sort(byBytes));
    const exact = await store.tunnelPage(undefined, 40);
    assert.equal(exact.tunnels.length, 40);
    assert.equal(exact.next, undefined, "a page that takes the last tunnel ends the listing");
    await assert.rejects(store.tunnelPage(undefined, 0), RangeError);
    await assert.rejects(store.tunnelPage(undefined, 10_001), RangeError);
  });

  test("tunnels added and removed between pages: those present throughout are listed exactly once", async () => {
    const store = new MemoryTunnelStore();
    const versions = new Map<string, number>();
    const put = async (id: string, tunnels: Record<string, string>) => {
      const key = formatNodeKey({ id, cluster: "c" });
      const version = versions.get(key);
      assert.equal(await store.putNode(key, record(id, tunnels, (version ?? 0) + 1), version), true);
      versions.set(key, (version ?? 0) + 1);
    };
    const initial: Record<string, Record<string, string>> = {};
    for (let n = 0; n < 10; n++) {
      initial[`n${n}`] = Object.fromEntries(Array.from({ length: 10 }, (_, t) => [`x${t}`, `init-${(n * 10 + t) % 37}`]));
      await put(`n${n}`, initial[`n${n}`]!);
    }
    let removed: string[] = [];
    const seen = await pageThrough(store, 9, async (page) => {
      if (page !== 2) return;
      // Between pages: n3 loses half its tunnels and gains two, a new node arrives.
      const kept = Object.fromEntries(Object.entries(initial["n3"]!).filter(([name]) => Number(name.slice(1)) % 2 === 0));
      removed = Object.keys(initial["n3"]!).filter((name) => !(name in kept)).map((name) => `n3/${name}`);
      await put("n3", { ...kept, y1: "init-0", y2: "zzz" });
      await put("n99", { q: "init-5", r: "\u{1F600}" });
    });
    const ids = seen.map(idOf);
    assert.equal(new Set(ids).size, ids.length, "no tunnel twice");
    const throughout = Object.entries(initial).flatMap(([id, tunnels]) => Object.keys(tunnels).map((name) => `${id}/${name}`)).filter((id) => !removed.includes(id));
    assert.deepEqual(throughout.filter((id) => !ids.includes(id)), []);
    // "zzz" sorts after every page read before the change, so it must be listed; "init-0" sorts before them, so it must not.
    assert.ok(ids.includes("n3/y2"));
    assert.ok(!ids.includes("n3/y1"));
    const members = seen.map(tunnelCursor);
    assert.deepEqual(members, [...members].sort(byBytes));
  });

  test("node pages list every node present throughout exactly once, with tunnel counts, whatever changes between pages", async () => {
    const store = new MemoryTunnelStore();
    for (let n = 0; n < 30; n++) await store.putNode(`c/n${n}`, record(`n${n}`, Object.fromEntries(Array.from({ length: n % 4 }, (_, t) => [`t${t}`, "i"]))), undefined);
    const seen: string[] = [];
    let cursor = "0";
    let pages = 0;
    for (;;) {
      const page = await store.nodePage(cursor, 4);
      assert.ok(page.nodes.length <= 4);
      for (const node of page.nodes) {
        seen.push(node.node.id);
        assert.equal(node.tunnelCount, Number(node.node.id.slice(1)) % 4);
      }
      if (pages++ === 1) {
        await store.deleteNode("c/n29", 1);
        await store.putNode("c/n100", record("n100", {}), undefined);
      }
      if (page.next === undefined) break;
      cursor = page.next;
    }
    assert.equal(new Set(seen).size, seen.length);
    for (let n = 0; n < 29; n++) assert.ok(seen.includes(`n${n}`), `n${n}`);
    assert.ok(!seen.includes("n29"));
    await assert.rejects(store.nodePage("not a cursor", 4), RangeError);
  });

  test("the store's kept-sorted index answers as a fresh sort of every tunnel, through random changes between pages", async () => {
    const store = new MemoryTunnelStore();
    const current = new Map<string, NodeRecord>();
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), seed % n);
    const initiators = ["a", "a!", 'a"', "\u{1F600}", "\uFF00", "b", "c"];
    for (let round = 0; round < 300; round++) {
      const id = `n${random(6)}`;
      const key = formatNodeKey({ id, cluster: "c" });
      const before = current.get(key);
      if (random(8) === 0 && before !== undefined) {
        assert.equal(await store.deleteNode(key, before.version), true);
        current.delete(key);
      } else {
        // Keep some tunnels, change some initiators, add some.
        const tunnels: Record<string, string> = {};
        for (const [name, t] of before?.tunnels ?? []) if (random(4) !== 0) tunnels[name] = random(5) === 0 ? initiators[random(7)]! : t.identity.nodeId;
        for (let i = random(4); i > 0; i--) tunnels[`x${random(20)}`] = initiators[random(7)]!;
        const next = record(id, tunnels, (before?.version ?? 0) + 1);
        assert.equal(await store.putNode(key, next, before?.version), true);
        current.set(key, next);
      }
      const all = tunnelPageOf(current.values(), undefined, 10_000).tunnels;
      const after = all.length === 0 || random(3) === 0 ? undefined : tunnelCursor(all[random(all.length)]!);
      const limit = 1 + random(10);
      const want = tunnelPageOf(current.values(), after, limit);
      const got = await store.tunnelPage(after, limit);
      assert.deepEqual(got.tunnels.map(tunnelCursor), want.tunnels.map(tunnelCursor), `round ${round}`);
      assert.deepEqual(got.tunnels, want.tunnels);
      assert.equal(got.next, want.next);
    }
  });
});
