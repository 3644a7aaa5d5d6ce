import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, suite, test } from "node:test";
import { fullPush, tunnel } from "../registry.testdata.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./page-parameters.js";
import { redisMissingReason, startRedisServer, type RedisServerProcess } from "./redis-server.testdata.js";
import { RedisTunnelStore } from "./redis-tunnel-store.js";
import type { ReportingServer } from "./reporting-server-options.js";
import { startReportingServer } from "./start-reporting-server.js";
import { getJson } from "./server.testdata.js";

interface TunnelJsonLike {
  readonly name: string;
  readonly identity: { readonly tenantId: string; readonly nodeId: string };
  readonly reportingNode: { readonly id: string; readonly cluster: string };
}
interface TunnelPageJson {
  readonly tunnels: TunnelJsonLike[];
  readonly next?: string;
}
interface NodePageJson {
  readonly nodes: { readonly id: string; readonly tunnelCount: number }[];
  readonly next?: string;
}

const idOf = (t: TunnelJsonLike) => `${t.reportingNode.id}/${t.name}`;
/** The routing index's order: the members' UTF-8 bytes. */
const member = (t: TunnelJsonLike) => JSON.stringify([t.identity.nodeId, `${encodeURIComponent(t.reportingNode.cluster)}/${encodeURIComponent(t.reportingNode.id)}`, t.name]);
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));

/** Tunnels of node `n`: initiators chosen so JSON order and string order differ, with a tenant per tunnel. */
function tunnelsOf(n: number, count: number) {
  return Array.from({ length: count }, (_, t) => tunnel(`x${t}`, ["a", "a!", 'a"q', "\u{1F600}", "\uFF00", `i-${(n + t) % 7}`][t % 6]!, 1_769_680_800n, { tenantId: `ten-${t % 3}` }));
}

/** Every page of `path` (a `/tunnels` or `/nodes` query with `limit`), `between` called after each page. */
async function pages<T extends { next?: string }>(port: number, path: string, cursorName: string, between?: (index: number) => Promise<void>): Promise<T[]> {
  const result: T[] = [];
  let next: string | undefined;
  do {
    const { status, body } = await getJson<T>(port, next === undefined ? path : `${path}&${cursorName}=${next}`);
    assert.equal(status, 200, JSON.stringify(body));
    result.push(body);
    next = body.next;
    if (next !== undefined) assert.match(next, /^[A-Za-z0-9_-]+$/, "base64url");
    await between?.(result.length - 1);
  } while (next !== undefined);
  return result;
}

/** The same checks against a server on the memory store and one on a real redis-server. */
function pagedViews(label: string, start: () => Promise<{ server: ReportingServer; close(): Promise<void> }>): void {
  suite(`paged /tunnels and /nodes (${label})`, () => {
    let server: ReportingServer;
    let close: () => Promise<void>;
    let nonce = 1n;
    /** A new stream's full push: on Redis, ACKed once stored. */
    const push = async (n: number, count: number) => {
      const response = await server.registry.apply(`s-${n}-${nonce}`, fullPush(nonce++, tunnelsOf(n, count), { id: `up-${n}`, cluster: n % 2 === 0 ? "core" : "edge" }));
      assert.equal(response.errorDetail, undefined);
    };
    before(async () => {
      ({ server, close } = await start());
      for (let n = 0; n < 12; n++) await push(n, 10);
    });
    after(() => close());

    test("pages of /tunnels list every tunnel once in the index's order; the last page has no next", async () => {
      const all = await pages<TunnelPageJson>(server.httpPort, "/tunnels?limit=7", "after");
      const ids = all.flatMap((p) => p.tunnels.map(idOf));
      assert.equal(ids.length, 120);
      assert.equal(new Set(ids).size, 120);
      assert.ok(all.slice(0, -1).every((p) => p.tunnels.length === 7));
      const members = all.flatMap((p) => p.tunnels.map(member));
      assert.deepEqual(members, [...members].sort(byBytes));
      // 120 = 24 × 5: the page that takes the last tunnel has no next, so no empty page follows.
      const exact = await pages<TunnelPageJson>(server.httpPort, "/tunnels?limit=5", "after");
      assert.equal(exact.length, 24);
      // Without a limit, the documented default page; with a cursor only, too.
      const first = await getJson<TunnelPageJson>(server.httpPort, `/tunnels?after=${all[0]!.next}`);
      assert.equal(first.body.tunnels.length, Math.min(DEFAULT_PAGE_SIZE, 113));
      assert.deepEqual(first.body.tunnels.slice(0, 7).map(idOf), all[1]!.tunnels.map(idOf));
    });

    test("a page boundary with tunnels added and removed between pages", async () => {
      const before = new Set((await getJson<{ tunnels: TunnelJsonLike[] }>(server.httpPort, "/tunnels")).body.tunnels.map(idOf));
      const all = await pages<TunnelPageJson>(server.httpPort, "/tunnels?limit=9", "after", async (index) => {
        if (index !== 1) return;
        await push(3, 4); // node 3 keeps x0..x3, loses x4..x9
        await push(40, 6); // a new node
      });
      const ids = all.flatMap((p) => p.tunnels.map(idOf));
      assert.equal(new Set(ids).size, ids.length, "no tunnel twice");
      const throughout = [...before].filter((id) => !(id.startsWith("up-3/") && Number(id.slice(6)) >= 4));
      assert.deepEqual(throughout.filter((id) => !ids.includes(id)), [], "every tunnel present throughout is listed");
      const members = all.flatMap((p) => p.tunnels.map(member));
      assert.deepEqual(members, [...members].sort(byBytes));
      // What was removed before its place was reached is not listed.
      const firstTwo = new Set(all.slice(0, 2).flatMap((p) => p.tunnels.map(idOf)));
      const removedLater = [...before].filter((id) => id.startsWith("up-3/") && Number(id.slice(6)) >= 4 && !firstTwo.has(id));
      assert.deepEqual(removedLater.filter((id) => ids.includes(id)), []);
      await push(3, 10);
      await server.registry.apply("s-40-gone", fullPush(nonce++, [], { id: "up-40", cluster: "core" }));
    });

    test("filters page too: ?initiator= reads its range of the index, other filters the pages read", async () => {
      const everything = (await getJson<{ tunnels: TunnelJsonLike[] }>(server.httpPort, "/tunnels")).body.tunnels;
      const want = (keep: (t: TunnelJsonLike) => boolean) => everything.filter(keep).map(member).sort(byBytes);
      const byInitiator = await pages<TunnelPageJson>(server.httpPort, `/tunnels?limit=3&initiator=${encodeURIComponent("a!")}`, "after");
      assert.deepEqual(byInitiator.flatMap((p) => p.tunnels.map(member)), want((t) => t.identity.nodeId === "a!"));
      const byTenant = await pages<TunnelPageJson>(server.httpPort, "/tunnels?limit=4&tenant=ten-1&node=up-2", "after");
      assert.deepEqual(byTenant.flatMap((p) => p.tunnels.map(member)), want((t) => t.identity.tenantId === "ten-1" && t.reportingNode.id === "up-2"));
      // A selective filter reads at most limit × 10 tunnels per request, so its pages can be short, even empty, before the end.
      assert.ok(byTenant.some((p) => p.tunnels.length < 4 && p.next !== undefined));
      const none = await pages<TunnelPageJson>(server.httpPort, "/tunnels?limit=2&initiator=nobody", "after");
      assert.deepEqual(none, [{ tunnels: [] }]);
    });

    test("pages of /nodes list every node once with its tunnel count; without a limit, today's full answer", async () => {
      const all = await pages<NodePageJson>(server.httpPort, "/nodes?limit=5", "cursor");
      const ids = all.flatMap((p) => p.nodes.map((n) => n.id));
      // up-40 is still there, holding nothing, since the boundary test's last push.
      assert.deepEqual([...new Set(ids)].sort(), [...Array.from({ length: 12 }, (_, n) => `up-${n}`), "up-40"].sort());
      assert.ok(all.flatMap((p) => p.nodes).every((n) => n.tunnelCount === (n.id === "up-40" ? 0 : 10)));
      const whole = await getJson<{ count: number; nodes: unknown[] }>(server.httpPort, "/nodes");
      assert.equal(whole.body.count, 13);
      const tunnels = await getJson<{ count: number; tunnels: unknown[]; next?: string }>(server.httpPort, "/tunnels");
      assert.deepEqual([tunnels.body.count, tunnels.body.tunnels.length, "next" in tunnels.body], [120, 120, false]);
    });

    test("bad paging parameters are a 400 naming the parameter", async () => {
      const tunnelError = `parameter "after" is not a cursor from a previous page (the "next" of the last answer), got`;
      const cases: [string, string][] = [
        ["/tunnels?limit=0", `parameter "limit" must be an integer from 1 to ${MAX_PAGE_SIZE}, got "0"`],
        ["/tunnels?limit=abc", `parameter "limit" must be an integer from 1 to ${MAX_PAGE_SIZE}, got "abc"`],
        [`/tunnels?limit=${MAX_PAGE_SIZE + 1}`, `parameter "limit" must be an integer from 1 to ${MAX_PAGE_SIZE}, got "${MAX_PAGE_SIZE + 1}"`],
        ["/tunnels?limit=1.5", `parameter "limit" must be an integer from 1 to ${MAX_PAGE_SIZE}, got "1.5"`],
        ["/tunnels?limit=2&limit=3", `parameter "limit" is given twice`],
        ["/tunnels?after=!!", `${tunnelError} "!!"`],
        [`/tunnels?after=${Buffer.from("just text").toString("base64url")}`, `${tunnelError} "${Buffer.from("just text").toString("base64url")}"`],
        ["/tunnels?after=_w", `${tunnelError} "_w"`], // not UTF-8 (0xff)
        ["/nodes?limit=-1", `parameter "limit" must be an integer from 1 to ${MAX_PAGE_SIZE}, got "-1"`],
        ["/nodes?cursor=MA", `parameter "cursor" is not a cursor from a previous page (the "next" of the last answer), got "MA"`], // "0"
        ["/nodes?limit=2&after=x", `/nodes takes only limit and cursor, got "after"`],
        ["/tunnels?limit=2&cursor=x", `unknown filter "cursor"; the filters are initiator, tenant, cluster, node (and limit, after to page)`],
      ];
      for (const [path, error] of cases) assert.deepEqual(await getJson(server.httpPort, path), { status: 400, body: { error } }, path);
      // Each store's node cursor has its own shape: the other store's is a 400, never a 500.
      const redisShaped = await getJson(server.httpPort, `/nodes?cursor=${Buffer.from("123").toString("base64url")}`);
      const memoryShaped = await getJson(server.httpPort, `/nodes?cursor=${Buffer.from('"core/up-1"').toString("base64url")}`);
      const refused = { status: 400, body: { error: `parameter "cursor" is not a cursor from a previous page of this server's store` } };
      assert.deepEqual(label === "memory store" ? redisShaped : memoryShaped, refused);
      assert.equal((label === "memory store" ? memoryShaped : redisShaped).status, 200);
    });
  });
}

pagedViews("memory store", async () => {
  const server = await startReportingServer({ graceMs: 60_000 });
  return { server, close: () => server.close() };
});

const skip = redisMissingReason();
suite("on a real redis-server", { skip }, () => {
  let redis: RedisServerProcess;
  before(async () => {
    redis = await startRedisServer();
  });
  after(() => redis?.kill());
  pagedViews("Redis store", async () => {
    const store = await RedisTunnelStore.connect({ url: redis.url, keyPrefix: `pv${randomBytes(4).toString("hex")}:` });
    const server = await startReportingServer({ store, graceMs: 60_000, shutdownTimeoutMs: 200 });
    return {
      server,
      async close() {
        await server.close();
        await store.close();
      },
    };
  });
});
