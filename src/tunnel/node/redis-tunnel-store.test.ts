import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, suite, test } from "node:test";
import { formatNodeKey } from "../index.js";
import { RedisTunnelStore, RedisUnavailableError } from "./redis-tunnel-store.js";
import { freePort, redisMissingReason, startRedisServer, type RedisServerProcess } from "./redis-server.testdata.js";
import { initiatorTunnel, testReporter } from "./reporter.testdata.js";
import type { ReportingServer } from "./reporting-server-options.js";
import { startReportingServer } from "./start-reporting-server.js";
import { getJson, httpGet, tunnelNames, waitFor } from "./server.testdata.js";

const skip = redisMissingReason();

interface Replica {
  readonly server: ReportingServer;
  readonly store: RedisTunnelStore;
  close(): Promise<void>;
}

async function startReplica(url: string, prefix: string, graceMs: number, leaseMs = 600): Promise<Replica> {
  const store = await RedisTunnelStore.connect({ url, keyPrefix: prefix, leaseMs });
  const server = await startReportingServer({ store, graceMs, shutdownTimeoutMs: 200 });
  return {
    server,
    store,
    async close() {
      await server.close();
      await store.close();
    },
  };
}

/** `/tunnels` of every replica, which must all equal `want` (node/name, sorted). */
async function allShow(replicas: readonly Replica[], want: readonly string[], query = ""): Promise<boolean> {
  for (const replica of replicas) {
    if (JSON.stringify(await tunnelNames(replica.server, query)) !== JSON.stringify([...want].sort())) return false;
  }
  return true;
}

suite("RedisTunnelStore: replicas sharing one real redis-server", { skip }, () => {
  let redis: RedisServerProcess;
  before(async () => {
    redis = await startRedisServer();
  });
  after(async () => {
    await redis?.kill();
  });
  const prefix = () => `t${randomBytes(4).toString("hex")}:`;

  test("a full push on one replica, and a diff, answer the same on all three (/tunnels, ?initiator=, /nodes, /events)", async () => {
    const p = prefix();
    const replicas = [await startReplica(redis.url, p, 5_000), await startReplica(redis.url, p, 5_000), await startReplica(redis.url, p, 5_000)];
    const [a, b, c] = replicas as [Replica, Replica, Replica];
    const events: string[] = [];
    const unsubscribe = c.server.registry.subscribe((event) => {
      if (event.type === "tunnel-added" || event.type === "tunnel-removed") events.push(`${event.type} ${event.tunnel.name}`);
    });
    const { reporter } = testReporter(a.server.grpcPort, "upstream-1");
    try {
      reporter.addTunnel(initiatorTunnel("x"));
      reporter.addTunnel(initiatorTunnel("y"));
      reporter.start();
      await waitFor("the full push on every replica", () => allShow(replicas, ["upstream-1/t1:x", "upstream-1/t1:y"]));
      assert.deepEqual(await tunnelNames(b.server, "?initiator=y"), ["upstream-1/t1:y"]);
      reporter.removeTunnel("t1:x");
      reporter.addTunnel(initiatorTunnel("z"));
      await waitFor("the diff on every replica", () => allShow(replicas, ["upstream-1/t1:y", "upstream-1/t1:z"]));
      assert.deepEqual(await tunnelNames(c.server, "?initiator=x"), []);
      assert.deepEqual(await tunnelNames(c.server, "?initiator=z"), ["upstream-1/t1:z"]);
      for (const replica of replicas) {
        const { body } = await getJson<{ nodes: { id: string; tunnelCount: number; state: string }[] }>(replica.server.httpPort, "/nodes");
        assert.deepEqual(body.nodes.map((n) => [n.id, n.tunnelCount, n.state]), [["upstream-1", 2, "connected"]]);
      }
      // Replica C never saw the stream; it heard the events through Redis.
      await waitFor("C's events", () => events.includes("tunnel-removed t1:x") && events.includes("tunnel-added t1:z"));
      assert.deepEqual(events.slice(0, 2).sort(), ["tunnel-added t1:x", "tunnel-added t1:y"]);
    } finally {
      unsubscribe();
      await reporter.stop();
      for (const replica of replicas) await replica.close();
    }
  });

  test("a node that moves to another replica within the grace period never loses a tunnel; the old replica's late expiry removes nothing", async () => {
    const p = prefix();
    const graceMs = 400;
    const replicas = [await startReplica(redis.url, p, graceMs), await startReplica(redis.url, p, graceMs), await startReplica(redis.url, p, graceMs)];
    const [a, b, c] = replicas as [Replica, Replica, Replica];
    const want = ["upstream-1/t1:x", "upstream-1/t1:y"];
    const first = testReporter(a.server.grpcPort, "upstream-1").reporter;
    const second = testReporter(b.server.grpcPort, "upstream-1").reporter;
    const expired: string[] = [];
    for (const replica of replicas) replica.server.registry.subscribe((event) => void (event.type === "node-expired" && expired.push("expired")));
    let watching = false;
    const missing: string[][] = [];
    try {
      for (const r of [first, second]) for (const name of ["x", "y"]) r.addTunnel(initiatorTunnel(name));
      first.start();
      await waitFor("the first stream's push", () => allShow(replicas, want));
      // From here on C watches: at no point may a tunnel be missing.
      watching = true;
      const watch = (async () => {
        while (watching) {
          const seen = await tunnelNames(c.server);
          if (JSON.stringify(seen) !== JSON.stringify(want)) missing.push(seen);
        }
      })();
      await first.stop(); // A puts the node in grace (deadline in 400 ms on A)
      await waitFor("the node in grace", async () => (await getJson<{ nodes: { state: string }[] }>(c.server.httpPort, "/nodes")).body.nodes[0]?.state === "grace");
      second.start(); // the node reconnects on B within the grace period
      await waitFor("the node connected on B", async () => {
        const node = await b.server.registry.node({ id: "upstream-1", cluster: "core" });
        return node?.state === "connected" && node.epoch === 2;
      });
      await new Promise((resolve) => setTimeout(resolve, graceMs * 3)); // well past A's old deadline
      watching = false;
      await watch;
      assert.deepEqual(missing, []);
      assert.deepEqual(expired, []);
      assert.ok(await allShow(replicas, want));
      // B owns it now: a diff through B is seen everywhere.
      second.removeTunnel("t1:x");
      await waitFor("B's diff everywhere", () => allShow(replicas, ["upstream-1/t1:y"]));
    } finally {
      watching = false;
      await Promise.all([first.stop(), second.stop()]);
      for (const replica of replicas) await replica.close();
    }
  });

  test("counts() (what /metrics asks at every scrape) equals a count over every node, through pushes, diffs and a grace period, on every replica", async () => {
    const p = prefix();
    const replicas = [await startReplica(redis.url, p, 60_000), await startReplica(redis.url, p, 60_000)];
    const [a, b] = replicas as [Replica, Replica];
    const onA = testReporter(a.server.grpcPort, "upstream-c1").reporter;
    const onB = testReporter(b.server.grpcPort, "upstream-c2").reporter;
    const counted = async (store: RedisTunnelStore) => {
      const nodes = await store.listNodes();
      return { nodes: nodes.length, graceNodes: nodes.filter((n) => n.state !== "connected").length, tunnels: nodes.reduce((sum, n) => sum + n.tunnels.size, 0) };
    };
    const agree = async (want: { nodes: number; graceNodes: number; tunnels: number }) => {
      for (const replica of replicas) {
        if (JSON.stringify(await replica.store.counts()) !== JSON.stringify(want)) return false;
        assert.deepEqual(await counted(replica.store), want);
      }
      return true;
    };
    try {
      for (const name of ["x", "y"]) onA.addTunnel(initiatorTunnel(name));
      for (const name of ["x", "y", "z"]) onB.addTunnel(initiatorTunnel(name));
      onA.start();
      onB.start();
      await waitFor("both pushes counted", () => agree({ nodes: 2, graceNodes: 0, tunnels: 5 }));
      onB.removeTunnel("t1:z");
      await waitFor("the diff counted", () => agree({ nodes: 2, graceNodes: 0, tunnels: 4 }));
      await onA.stop();
      await waitFor("the node in grace counted", () => agree({ nodes: 2, graceNodes: 1, tunnels: 4 }));
      const metrics = await httpGet(b.server.httpPort, "/metrics");
      assert.match(metrics.text, /^envoy_tap_tunnel_tunnels 4$/m);
      assert.match(metrics.text, /^envoy_tap_tunnel_nodes\{state="grace"\} 1$/m);
    } finally {
      await Promise.all([onA.stop(), onB.stop()]);
      for (const replica of replicas) await replica.close();
    }
  });

  test("a stream that ends is dropped one grace period later on every replica, by whichever replica gets there first", async () => {
    const p = prefix();
    const replicas = [await startReplica(redis.url, p, 300), await startReplica(redis.url, p, 300)];
    const [a, b] = replicas as [Replica, Replica];
    const { reporter } = testReporter(a.server.grpcPort, "upstream-9");
    try {
      reporter.addTunnel(initiatorTunnel("q"));
      reporter.start();
      await waitFor("the push", () => allShow(replicas, ["upstream-9/t1:q"]));
      await reporter.stop();
      const stoppedAt = Date.now();
      await waitFor("expiry on both", () => allShow(replicas, []), 5_000);
      assert.ok(Date.now() - stoppedAt >= 250, "the tunnels outlived the stream by the grace period");
      assert.deepEqual((await getJson<{ count: number }>(b.server.httpPort, "/nodes")).body.count, 0);
    } finally {
      await reporter.stop();
      for (const replica of replicas) await replica.close();
    }
  });
});

suite("RedisTunnelStore: faults", { skip }, () => {
  test("Redis unreachable at start: connect fails with a clear error", async () => {
    const port = await freePort();
    await assert.rejects(RedisTunnelStore.connect({ url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 1_000 }), (error: unknown) => {
      assert.ok(error instanceof RedisUnavailableError);
      assert.equal(error.message, `cannot connect to Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
      return true;
    });
  });

  test("a password: refused without it (a clear error), accepted from the option or the URL", async () => {
    const redis = await startRedisServer(["--requirepass", "s3cret"]);
    try {
      await assert.rejects(RedisTunnelStore.connect({ url: redis.url, connectTimeoutMs: 1_000 }), (error: unknown) => {
        assert.ok(error instanceof RedisUnavailableError);
        assert.match(error.message, new RegExp(`^cannot connect to Redis at redis://127\\.0\\.0\\.1:${redis.port}: NOAUTH`));
        return true;
      });
      await assert.rejects(RedisTunnelStore.connect({ url: `redis://:wrong@127.0.0.1:${redis.port}` }), (error: unknown) => {
        assert.ok(error instanceof RedisUnavailableError);
        assert.ok(error.message.startsWith(`cannot connect to Redis at redis://:***@127.0.0.1:${redis.port}: `), error.message);
        assert.ok(!error.message.includes("wrong"), "the password is not printed");
        return true;
      });
      for (const store of [
        await RedisTunnelStore.connect({ url: redis.url, password: "s3cret" }),
        await RedisTunnelStore.connect({ url: `redis://:s3cret@127.0.0.1:${redis.port}/3` }),
      ]) {
        assert.deepEqual(store.health(), { degraded: false });
        assert.deepEqual(await store.listNodes(), []);
        await store.close();
      }
    } finally {
      await redis.kill();
    }
  });

  test("Redis killed and restarted empty while reporters run: ACKs go on from memory, /healthz and /metrics say degraded, the state converges, and the outage's events reach the other replica", async () => {
    const redis = await startRedisServer();
    const p = "fault:";
    const replicas = [await startReplica(redis.url, p, 10_000), await startReplica(redis.url, p, 10_000)];
    const [a, b] = replicas as [Replica, Replica];
    const ra = testReporter(a.server.grpcPort, "upstream-a");
    const rb = testReporter(b.server.grpcPort, "upstream-b");
    const seenOnB: string[] = [];
    const unsubscribe = b.server.registry.subscribe((event) => {
      if (event.type === "tunnel-added" || event.type === "tunnel-removed") seenOnB.push(`${event.type} ${formatNodeKey(event.node)}/${event.tunnel.name}`);
    });
    try {
      ra.reporter.addTunnel(initiatorTunnel("1"));
      rb.reporter.addTunnel(initiatorTunnel("2"));
      ra.reporter.start();
      rb.reporter.start();
      await waitFor("both pushes", () => allShow(replicas, ["upstream-a/t1:1", "upstream-b/t1:2"]));
      await redis.kill();
      await waitFor("A degraded", async () => JSON.parse((await httpGet(a.server.httpPort, "/healthz")).text).status === "degraded");
      assert.equal((await httpGet(a.server.httpPort, "/healthz")).status, 200);
      assert.match((await httpGet(a.server.httpPort, "/metrics")).text, /^envoy_tap_tunnel_store_degraded 1$/m);
      // Reports during the outage are ACKed from memory.
      const acksBefore = ra.reporter.stats().counters.acks_received;
      ra.reporter.addTunnel(initiatorTunnel("3"));
      await waitFor("ACKs during the outage", () => ra.reporter.stats().counters.acks_received >= acksBefore + 3);
      assert.equal(ra.reporter.stats().counters.disconnects.nack_received, 0);
      assert.deepEqual(await tunnelNames(a.server), ["upstream-a/t1:1", "upstream-a/t1:3"]);
      ra.reporter.removeTunnel("t1:1");
      await waitFor("the removal ACKed during the outage", async () => JSON.stringify(await tunnelNames(a.server)) === JSON.stringify(["upstream-a/t1:3"]));
      assert.ok(!seenOnB.some((e) => e.includes("t1:3")), "B cannot hear of it while Redis is down");
      await redis.restart(); // empty: nothing was persisted
      await waitFor(
        "both replicas re-published into the new Redis",
        () => allShow(replicas, ["upstream-a/t1:3", "upstream-b/t1:2"]),
        10_000,
      );
      // The events of the outage reach B afterwards, in their order.
      await waitFor("the outage's events on B", () => seenOnB.includes("tunnel-removed core/upstream-a/t1:1"));
      const outage = seenOnB.filter((e) => e.includes("t1:3") || e === "tunnel-removed core/upstream-a/t1:1");
      assert.deepEqual(outage, ["tunnel-added core/upstream-a/t1:3", "tunnel-removed core/upstream-a/t1:1"]);
      assert.equal(a.store.counters.eventsDropped, 0);
      assert.ok(a.store.counters.eventsReplayed >= 2);
      for (const replica of replicas) {
        assert.deepEqual(JSON.parse((await httpGet(replica.server.httpPort, "/healthz")).text), { status: "ok" });
        assert.match((await httpGet(replica.server.httpPort, "/metrics")).text, /^envoy_tap_tunnel_store_degraded 0$/m);
      }
      // And it keeps working: a diff after the outage reaches the other replica.
      rb.reporter.addTunnel(initiatorTunnel("4"));
      await waitFor("a diff after recovery", () => allShow(replicas, ["upstream-a/t1:3", "upstream-b/t1:2", "upstream-b/t1:4"]));
      assert.deepEqual(await tunnelNames(b.server, "?initiator=3"), ["upstream-a/t1:3"]);
    } finally {
      unsubscribe();
      await Promise.all([ra.reporter.stop(), rb.reporter.stop()]);
      for (const replica of replicas) await replica.close();
      await redis.kill();
    }
  });
});
