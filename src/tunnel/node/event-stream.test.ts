import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { get, type IncomingMessage } from "node:http";
import { after, before, suite, test } from "node:test";
import type { TunnelStore } from "../index.js";
import { fullPush, tunnel } from "../registry.testdata.js";
import { redisMissingReason, startRedisServer, type RedisServerProcess } from "./redis-server.testdata.js";
import { RedisTunnelStore } from "./redis-tunnel-store.js";
import { startReportingServer } from "./start-reporting-server.js";

interface Part {
  readonly part: number;
  readonly nodes: { id: string }[];
  readonly tunnels: { name: string; reportingNode: { id: string } }[];
  readonly last: boolean;
}

/** The `snapshot` events of one `/events` stream, up to the one marked last. */
async function snapshotParts(port: number): Promise<Part[]> {
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    get({ host: "127.0.0.1", port, path: "/events" }, resolve).on("error", reject);
  });
  const parts: Part[] = [];
  let buffer = "";
  response.setEncoding("utf8");
  for await (const chunk of response) {
    buffer += chunk as string;
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (/^event: snapshot$/m.test(block)) parts.push(JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as Part);
    }
    if (parts.at(-1)?.last === true) break;
  }
  response.destroy();
  return parts;
}

/** 2,500 tunnels on 3 nodes plus a node holding none: more than two store pages (1,000) of tunnels. */
async function snapshotInPages(store: TunnelStore | undefined): Promise<void> {
  const server = await startReportingServer({ graceMs: 60_000, ...(store === undefined ? {} : { store }) });
  try {
    const sizes = [1_200, 900, 400, 0];
    for (const [n, size] of sizes.entries()) {
      const tunnels = Array.from({ length: size }, (_, t) => tunnel(`t${t}`, `init-${t % 50}`));
      await server.registry.apply(`s${n}`, fullPush(1n, tunnels, { id: `up-${n}`, cluster: "core" }));
    }
    const parts = await snapshotParts(server.httpPort);
    assert.deepEqual(parts.map((p) => p.part), parts.map((_, i) => i), "parts counted from 0");
    assert.deepEqual(parts.map((p) => p.last), parts.map((_, i) => i === parts.length - 1), "only the final part is last");
    const nodeParts = parts.filter((p) => p.nodes.length > 0);
    assert.deepEqual(parts.slice(0, nodeParts.length), nodeParts, "the nodes come first");
    assert.deepEqual(nodeParts.flatMap((p) => p.nodes.map((n) => n.id)).sort(), ["up-0", "up-1", "up-2", "up-3"]);
    const tunnelParts = parts.slice(nodeParts.length);
    assert.deepEqual(tunnelParts.map((p) => p.tunnels.length), [1_000, 1_000, 500], "one store page per event");
    const ids = tunnelParts.flatMap((p) => p.tunnels.map((t) => `${t.reportingNode.id}/${t.name}`));
    assert.equal(new Set(ids).size, 2_500);
  } finally {
    await server.close();
  }
}

suite("the /events snapshot in pages", () => {
  test("on the memory store: the nodes, then the tunnels a page per event, the last part marked", () => snapshotInPages(undefined));

  suite("on a real redis-server", { skip: redisMissingReason() }, () => {
    let redis: RedisServerProcess;
    before(async () => {
      redis = await startRedisServer();
    });
    after(() => redis?.kill());
    test("the same from the Redis store's pages", async () => {
      const store = await RedisTunnelStore.connect({ url: redis.url, keyPrefix: `es${randomBytes(4).toString("hex")}:` });
      try {
        await snapshotInPages(store);
      } finally {
        await store.close();
      }
    });
  });
});
