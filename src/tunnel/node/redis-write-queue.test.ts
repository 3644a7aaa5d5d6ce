import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, suite, test } from "node:test";
import { createClient } from "@redis/client";
import type { NodeRecord, TunnelRecord } from "../index.js";
import { redisMissingReason, startRedisServer, type RedisServerProcess } from "./redis-server.testdata.js";
import { writeBatchScript } from "./redis-scripts.js";
import { RedisTunnelStore } from "./redis-tunnel-store.js";
import { deleteOperation, putOperation, RedisWriteQueue } from "./redis-write-queue.js";

const skip = redisMissingReason();
const node = { id: "up-1", cluster: "core" };
const key = "core/up-1";

function tunnel(name: string, streamId: string): TunnelRecord {
  return { name, identity: { tenantId: "t", clusterId: "c", nodeId: name }, createdAt: "2026-01-29T10:00:00Z", firstReportedAt: 1, lastReportedAt: 1, streamId };
}

/** A connected node owned by `owner` holding `names`, built on `previous` (unchanged tunnels are the same objects, as the registry shares them). */
function record(owner: string, version: number, names: readonly string[], previous?: NodeRecord, state: "connected" | "grace" = "connected"): NodeRecord {
  const tunnels = new Map<string, TunnelRecord>();
  for (const name of names) tunnels.set(name, previous?.tunnels.get(name) ?? tunnel(name, owner));
  return { node, state, owner, epoch: 1, version, connectedAt: 1, lastReportAt: version, tunnels, ...(state === "grace" ? { graceUntil: 10_000 } : {}) };
}

const names = (r: NodeRecord | undefined) => [...(r?.tunnels.keys() ?? [])].sort();

suite("RedisWriteQueue and the owned writes of RedisTunnelStore, on a real redis-server", { skip }, () => {
  let redis: RedisServerProcess;
  before(async () => {
    redis = await startRedisServer();
  });
  after(async () => {
    await redis?.kill();
  });
  const prefix = () => `w${randomBytes(4).toString("hex")}:`;
  const connect = (p: string, maxUnconfirmedWrites?: number) =>
    RedisTunnelStore.connect({ url: redis.url, keyPrefix: p, leaseMs: 60_000, ...(maxUnconfirmedWrites === undefined ? {} : { maxUnconfirmedWrites }) });

  test("the writes of one turn go out as one script, in order, each with its own condition", async () => {
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      const p = prefix();
      const batches: number[] = [];
      let afterSend = 0;
      const queue = new RedisWriteQueue(
        async (args) => {
          batches.push(Number(args[2]));
          return await client.sendCommand<number[]>(["EVAL", writeBatchScript.source, "0", ...args]);
        },
        [p, "replica-1"],
        () => afterSend++,
      );
      const json = (t: TunnelRecord) => JSON.stringify(t);
      const first = record("s-1", 1, ["a", "b"]);
      const second = record("s-1", 2, ["b", "c"], first);
      const outcomes = await Promise.all([
        queue.enqueue(key, putOperation(key, first, "replace", { version: undefined, owner: "" }, [], [...first.tunnels.values()], json)),
        queue.enqueue(key, putOperation(key, second, "diff", { version: 1, owner: "s-1" }, [first.tunnels.get("a")!], [second.tunnels.get("c")!], json)),
        // Stale: expects version 1, the node has 2 by now.
        queue.enqueue(key, deleteOperation(key, "version", "1")),
        queue.enqueue("core/other", deleteOperation("core/other", "version", "1")),
      ]);
      assert.deepEqual(batches, [4], "one script for the turn's four operations");
      assert.equal(afterSend, 1);
      assert.deepEqual(
        outcomes.map((o) => (o.kind === "done" ? [o.first, o.second] : o.kind)),
        [[1, 1], [2, 1], [0, 0], [0, 0]],
      );
      const fields = await client.sendCommand<string[]>(["HKEYS", `${p}n:${key}`]);
      assert.deepEqual(fields.filter((f) => f.startsWith("t:")).sort(), ["t:b", "t:c"]);
      assert.equal(await client.sendCommand<number>(["ZCARD", `${p}idx`]), 2, "the routing index follows the diff");
      assert.equal(queue.backlog, 0);
      // The next batch deletes it (the right version), and a read waits for it.
      const deleted = queue.enqueue(key, deleteOperation(key, "version", "2"));
      await queue.settled(key);
      assert.deepEqual(await deleted, { kind: "done", first: 1, second: 0 });
      assert.equal(await client.sendCommand<number>(["EXISTS", `${p}n:${key}`]), 0);
      assert.equal(await client.sendCommand<number>(["ZCARD", `${p}idx`]), 0);
    } finally {
      await client.close();
    }
  });

  test("a report on an owned node is answered before Redis confirms it, and lands: the other replica reads it", async () => {
    const p = prefix();
    const [a, b] = [await connect(p), await connect(p)];
    try {
      const first = record("s-1", 1, ["a", "b"]);
      assert.equal(await a.putNode(key, first, undefined), true);
      const second = record("s-1", 2, ["b", "c"], first);
      const answer = a.putNode(key, second, 1);
      // The write goes out 5 ms later at the earliest, so an answer within the turn came before Redis saw it.
      assert.equal(await Promise.race([answer, new Promise((resolve) => setImmediate(() => resolve("not within the turn")))]), true);
      assert.deepEqual(names(await a.getNode(key)), ["b", "c"], "A answers from its own copy at once");
      await a.close(); // sends what waits
      const stored = await b.getNode(key);
      assert.deepEqual(names(stored), ["b", "c"]);
      assert.equal(stored?.version, 2);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test("an owned write that finds its node taken over changes nothing, and the old replica then reads the new owner", async () => {
    const p = prefix();
    const [a, b] = [await connect(p), await connect(p)];
    try {
      const first = record("s-1", 1, ["a"]);
      assert.equal(await a.putNode(key, first, undefined), true);
      // B's stream takes the node over (its full push replaces the tunnels).
      const current = await b.getNode(key);
      assert.equal(await b.putNode(key, { ...record("s-2", 2, ["z"]), epoch: 2 }, current?.version), true);
      // A does not know yet: its stream's diff is answered from memory...
      assert.equal(await a.putNode(key, record("s-1", 2, ["a", "late"], first), 1), true);
      // ...and refused by Redis, which keeps B's push; A forgets its copy and reads B's.
      const seen = await waitForValue(async () => {
        const r = await a.getNode(key);
        return r?.owner === "s-2" ? r : undefined;
      });
      assert.deepEqual(names(seen), ["z"]);
      assert.deepEqual(names(await b.getNode(key)), ["z"]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test("an owned write after another replica released the node (a lapsed lease) applies its diff to the stored tunnels and revives the node", async () => {
    const p = prefix();
    // C reads: B keeps its own copy of what it wrote (until an event names the node).
    const [a, b, c] = [await connect(p), await connect(p), await connect(p)];
    try {
      const first = record("s-1", 1, ["a", "b"]);
      assert.equal(await a.putNode(key, first, undefined), true);
      const stored = await b.getNode(key);
      assert.ok(stored !== undefined);
      assert.equal(await b.putNode(key, { ...stored, state: "grace", graceUntil: 10_000, version: 2 }, 1), true, "B releases the node");
      // A's stream goes on: a diff built on its version 1.
      assert.equal(await a.putNode(key, record("s-1", 2, ["b", "c"], first), 1), true);
      const after = await waitForValue(async () => {
        const r = await c.getNode(key);
        return r?.state === "connected" ? r : undefined;
      });
      assert.deepEqual(names(after), ["b", "c"]);
      assert.equal(after.version, 3, "above both the release's version and the record's");
      // A's copy had version 2: it is dropped, and A reads what Redis holds.
      assert.equal((await waitForValue(async () => ((await a.getNode(key))?.version === 3 ? true : undefined))), true);
      assert.deepEqual(await a.graceDeadlines(), new Map());
    } finally {
      for (const store of [a, b, c]) await store.close();
    }
  });

  test("with maxUnconfirmedWrites 0 an owned write waits for Redis, and a refused one answers false", async () => {
    const p = prefix();
    const [a, b] = [await connect(p, 0), await connect(p)];
    try {
      const first = record("s-1", 1, ["a"]);
      assert.equal(await a.putNode(key, first, undefined), true);
      const current = await b.getNode(key);
      assert.equal(await b.putNode(key, { ...record("s-2", 2, ["z"]), epoch: 2 }, current?.version), true);
      assert.equal(await a.putNode(key, record("s-1", 2, ["a", "late"], first), 1), false);
      assert.equal((await a.getNode(key))?.owner, "s-2");
    } finally {
      await a.close();
      await b.close();
    }
  });
});

async function waitForValue<T>(probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
