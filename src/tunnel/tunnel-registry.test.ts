import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { StreamReverseTunnelsRequestSchema } from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { FakeTime } from "./fake-time.testdata.js";
import { MemoryTunnelStore } from "./memory-tunnel-store.js";
import type { RegistryEvent } from "./registry-event.js";
import { badRequestOf, diff, fullPush, tunnel, upstream } from "./registry.testdata.js";
import { TunnelRegistry, type TunnelRegistryOptions } from "./tunnel-registry.js";

function setup(options: Omit<TunnelRegistryOptions, "clock"> = {}) {
  const time = new FakeTime();
  const registry = new TunnelRegistry({ ...options, clock: time });
  const events: RegistryEvent[] = [];
  registry.subscribe((e) => events.push(e));
  return { time, registry, events };
}

async function names(registry: TunnelRegistry): Promise<string[]> {
  return (await registry.tunnels()).map((t) => t.name);
}

function eventSummary(events: RegistryEvent[]): string[] {
  return events.map((e) => {
    switch (e.type) {
      case "tunnel-added":
        return `added ${e.tunnel.name}`;
      case "tunnel-removed":
        return `removed ${e.tunnel.name} (${e.reason})`;
      case "report-anomaly":
        return `anomaly ${e.kind} ${e.name}`;
      case "node-connected":
        return `connected ${e.node.id} epoch ${e.epoch}`;
      case "node-disconnected":
        return `disconnected ${e.node.id}`;
      case "node-expired":
        return `expired ${e.node.id} (${e.tunnelCount})`;
    }
  });
}

suite("TunnelRegistry.apply()", () => {
  test("ACKs a full push with its nonce, error_detail unset, and stores the tunnels", async () => {
    const { registry, time } = setup();
    const response = await registry.apply("s1", fullPush(1n, [tunnel("a", "edge-a", 1_769_680_800n, { nanos: 500_000_000 }), tunnel("b")]));
    assert.equal(response.requestNonce, 1n);
    assert.equal(response.errorDetail, undefined);
    assert.equal(response.nodeId, "upstream-1");
    assert.equal(response.reportInterval, undefined);
    const tunnels = await registry.tunnels();
    assert.deepEqual(tunnels[0], {
      name: "a",
      identity: { tenantId: "t1", clusterId: "edge", nodeId: "edge-a" },
      createdAt: "2026-01-29T10:00:00.500Z",
      firstReportedAt: time.now(),
      lastReportedAt: time.now(),
      streamId: "s1",
      reportingNode: upstream,
    });
    assert.deepEqual(await names(registry), ["a", "b"]);
  });

  test("NACKs an invalid request INVALID_ARGUMENT with one BadRequest field violation per problem, and changes nothing", async () => {
    const { registry, events } = setup();
    await registry.apply("s1", fullPush(1n, [tunnel("a")]));
    events.length = 0;
    const bad = diff(2n, [{ name: "", identity: { tenantId: "t", clusterId: "c", nodeId: "x".repeat(129) }, createdAt: { seconds: 1n } }], ["a", ""]);
    const response = await registry.apply("s1", bad);
    assert.equal(response.requestNonce, 2n);
    assert.equal(response.errorDetail?.code, Code.InvalidArgument);
    assert.deepEqual(
      badRequestOf(response)?.fieldViolations.map((v) => [v.field, v.reason, v.description]),
      [
        ["added_tunnels[0].name", "string.min_len", "value length must be at least 1 characters"],
        ["added_tunnels[0].identity.node_id", "string.max_len", "value length must be at most 128 characters"],
        ["removed_tunnel_names[1]", "string.min_len", "value length must be at least 1 characters"],
      ],
    );
    assert.deepEqual(await names(registry), ["a"], "the removal of a in the NACKed request was not applied");
    assert.deepEqual(events, []);
    // The NACKed nonce 2 did not advance the stream: a valid nonce 2 is accepted.
    assert.equal((await registry.apply("s1", diff(2n, [], ["a"]))).errorDetail, undefined);
    assert.deepEqual(await names(registry), []);
  });

  test("NACKs a request without a node (message.required) or with an empty node id (report.node_id)", async () => {
    const { registry } = setup();
    const noNode = create(StreamReverseTunnelsRequestSchema, { fullPush: true, nonce: 1n });
    assert.deepEqual(badRequestOf(await registry.apply("s1", noNode))?.fieldViolations.map((v) => [v.field, v.reason]), [["node", "message.required"]]);
    const emptyId = fullPush(1n, [], { id: "", cluster: "core" });
    assert.deepEqual(badRequestOf(await registry.apply("s2", emptyId))?.fieldViolations.map((v) => [v.field, v.reason]), [["node.id", "report.node_id"]]);
    assert.deepEqual(await registry.nodes(), []);
  });

  test("NACKs a created_at outside Timestamp's range (timestamp.valid)", async () => {
    const { registry } = setup();
    const response = await registry.apply("s1", fullPush(1n, [tunnel("a"), tunnel("b", "b", 253_402_300_800n)]));
    assert.equal(response.errorDetail?.code, Code.InvalidArgument);
    assert.deepEqual(badRequestOf(response)?.fieldViolations.map((v) => [v.field, v.reason]), [["added_tunnels[1].created_at", "timestamp.valid"]]);
    assert.deepEqual(await names(registry), []);
  });

  test("NACKs a negative nonce with request_nonce 0, never the nonce itself", async () => {
    const { registry } = setup();
    const response = await registry.apply("s1", fullPush(-4n, []));
    assert.equal(response.requestNonce, 0n);
    assert.deepEqual(badRequestOf(response)?.fieldViolations.map((v) => v.reason), ["int64.gte"]);
  });

  test("NACKs FAILED_PRECONDITION when a stream's first request is not a full push", async () => {
    const { registry } = setup();
    const response = await registry.apply("s1", diff(1n, [tunnel("a")], []));
    assert.equal(response.errorDetail?.code, Code.FailedPrecondition);
    assert.equal(response.errorDetail?.message, "the first request of a stream must be a full push");
    assert.equal(response.requestNonce, 1n);
    assert.deepEqual(await registry.nodes(), []);
    // Still the first request: a full push is accepted now.
    assert.equal((await registry.apply("s1", fullPush(2n, []))).errorDetail, undefined);
  });

  test("NACKs FAILED_PRECONDITION a nonce equal to or below the stream's last, and changes nothing", async () => {
    const { registry } = setup();
    await registry.apply("s1", fullPush(1n, []));
    await registry.apply("s1", diff(5n, [tunnel("a")], []));
    for (const nonce of [5n, 4n, 0n]) {
      const response = await registry.apply("s1", diff(nonce, [tunnel(`n${nonce}`)], ["a"]));
      assert.equal(response.errorDetail?.code, Code.FailedPrecondition, `nonce ${nonce}`);
      assert.equal(response.errorDetail?.message, `nonce ${nonce} is not greater than the stream's last nonce 5`);
      assert.equal(response.requestNonce, nonce);
    }
    assert.deepEqual(await names(registry), ["a"]);
    assert.equal((await registry.apply("s1", diff(6n, [], []))).errorDetail, undefined);
  });

  test("a full push replaces what the node had: gone names removed, unchanged names keep their first report time", async () => {
    const { registry, time, events } = setup();
    await registry.apply("s1", fullPush(1n, [tunnel("a"), tunnel("b"), tunnel("c")]));
    const firstTime = time.now();
    await time.advance(1000);
    events.length = 0;
    await registry.apply("s2", fullPush(1n, [tunnel("b"), tunnel("c", "c", 1_769_680_900n), tunnel("d")]));
    assert.deepEqual(eventSummary(events), ["connected upstream-1 epoch 2", "removed a (full-push)", "removed c (replaced)", "added c", "added d"]);
    const byName = new Map((await registry.tunnels()).map((t) => [t.name, t]));
    assert.deepEqual([...byName.keys()], ["b", "c", "d"]);
    assert.equal(byName.get("b")!.firstReportedAt, firstTime);
    assert.equal(byName.get("b")!.lastReportedAt, time.now());
    assert.equal(byName.get("b")!.streamId, "s2");
    assert.equal(byName.get("c")!.firstReportedAt, time.now());
    assert.equal(byName.get("c")!.createdAt, "2026-01-29T10:01:40Z");
  });

  test("a diff removes and adds; an empty diff is a heartbeat that changes no tunnel", async () => {
    const { registry, events, time } = setup();
    await registry.apply("s1", fullPush(1n, [tunnel("a"), tunnel("b")]));
    events.length = 0;
    await registry.apply("s1", diff(2n, [tunnel("c")], ["a"]));
    assert.deepEqual(eventSummary(events), ["removed a (removed)", "added c"]);
    assert.deepEqual(await names(registry), ["b", "c"]);
    await time.advance(5000);
    events.length = 0;
    const ack = await registry.apply("s1", diff(3n, [], []));
    assert.equal(ack.errorDetail, undefined);
    assert.deepEqual(events, []);
    assert.equal((await registry.nodes())[0]!.lastReportAt, time.now());
  });

  test("a name in both lists that the node held is removed and re-added with the new identity and created_at", async () => {
    const { registry, events, time } = setup();
    await registry.apply("s1", fullPush(1n, [tunnel("a", "old-initiator")]));
    await time.advance(1000);
    events.length = 0;
    const response = await registry.apply("s1", diff(2n, [tunnel("a", "new-initiator", 1_769_681_000n)], ["a"]));
    assert.equal(response.errorDetail, undefined);
    assert.deepEqual(eventSummary(events), ["removed a (replaced)", "added a"]);
    const [a] = await registry.tunnels();
    assert.equal(a!.identity.nodeId, "new-initiator");
    assert.equal(a!.createdAt, "2026-01-29T10:03:20Z");
    assert.equal(a!.firstReportedAt, time.now());
    assert.deepEqual(await registry.nodesByInitiator("old-initiator"), []);
    assert.deepEqual(await registry.nodesByInitiator("new-initiator"), [upstream]);
  });

  test("a name in both lists that the node did not hold was added and removed: dropped, recorded", async () => {
    const { registry, events } = setup();
    await registry.apply("s1", fullPush(1n, []));
    events.length = 0;
    const response = await registry.apply("s1", diff(2n, [tunnel("x")], ["x"]));
    assert.equal(response.errorDetail, undefined);
    assert.deepEqual(await names(registry), []);
    assert.deepEqual(eventSummary(events), ["anomaly added-and-removed x"]);
    assert.equal(registry.stats().anomalies["added-and-removed"], 1);
  });

  test("removing an unknown name and re-adding a held one are recorded, not refused", async () => {
    const { registry, events } = setup();
    await registry.apply("s1", fullPush(1n, [tunnel("a")]));
    events.length = 0;
    const response = await registry.apply("s1", diff(2n, [tunnel("a")], ["ghost"]));
    assert.equal(response.errorDetail, undefined);
    assert.deepEqual(eventSummary(events), ["anomaly removed-unknown ghost", "anomaly added-held a"]);
    assert.deepEqual(registry.stats().anomalies, { "removed-unknown": 1, "added-held": 1 });
    assert.deepEqual(await names(registry), ["a"]);
  });

  test("one name twice in added_tunnels: the last wins, recorded", async () => {
    const { registry, events } = setup();
    await registry.apply("s1", fullPush(1n, [tunnel("a", "first"), tunnel("a", "second")]));
    assert.deepEqual((await registry.tunnels()).map((t) => t.identity.nodeId), ["second"]);
    assert.ok(eventSummary(events).includes("anomaly duplicate-added a"));
  });

  test("a stream reports for one node: another node later is NACKed INVALID_ARGUMENT", async () => {
    const { registry } = setup();
    await registry.apply("s1", fullPush(1n, []));
    const response = await registry.apply("s1", diff(2n, [tunnel("a")], [], { id: "upstream-2", cluster: "core" }));
    assert.equal(response.errorDetail?.code, Code.InvalidArgument);
    assert.deepEqual(badRequestOf(response)?.fieldViolations.map((v) => [v.field, v.reason]), [["node", "report.node_changed"]]);
    assert.deepEqual(await registry.tunnels(), []);
  });

  test("nodes with the same id in different clusters are different nodes", async () => {
    const { registry } = setup();
    await registry.apply("s1", fullPush(1n, [tunnel("a")], { id: "n", cluster: "c1" }));
    await registry.apply("s2", fullPush(1n, [tunnel("b")], { id: "n", cluster: "c2" }));
    assert.deepEqual(
      (await registry.nodes()).map((n) => [n.node.cluster, n.tunnelCount]),
      [
        ["c1", 1],
        ["c2", 1],
      ],
    );
  });

  test("more tunnels than maxTunnelsPerNode is NACKed RESOURCE_EXHAUSTED and changes nothing", async () => {
    const { registry } = setup({ maxTunnelsPerNode: 2 });
    await registry.apply("s1", fullPush(1n, [tunnel("a"), tunnel("b")]));
    const response = await registry.apply("s1", diff(2n, [tunnel("c")], []));
    assert.equal(response.errorDetail?.code, Code.ResourceExhausted);
    assert.equal(response.errorDetail?.message, "the report would leave the node with 3 tunnels; the limit is 2");
    assert.deepEqual(await names(registry), ["a", "b"]);
    assert.equal((await registry.apply("s1", diff(3n, [tunnel("c")], ["a"]))).errorDetail, undefined, "a swap stays within the limit");
    assert.equal((await registry.apply("s2", fullPush(1n, [tunnel("a"), tunnel("b"), tunnel("c")]))).errorDetail?.code, Code.ResourceExhausted);
    assert.deepEqual(registry.stats().nacks, { RESOURCE_EXHAUSTED: 2 });
  });
});

suite("TunnelRegistry report_interval", () => {
  test("is sent in the first ACK of each stream when configured, then only when it changes", async () => {
    const { registry } = setup({ reportIntervalMs: 1500 });
    const first = await registry.apply("s1", fullPush(1n, []));
    assert.deepEqual([first.reportInterval?.seconds, first.reportInterval?.nanos], [1n, 500_000_000]);
    assert.equal((await registry.apply("s1", diff(2n, [], []))).reportInterval, undefined);
    const other = await registry.apply("s2", fullPush(1n, [], { id: "other", cluster: "core" }));
    assert.equal(other.reportInterval?.seconds, 1n);
    registry.setReportInterval(25);
    const changed = await registry.apply("s1", diff(3n, [], []));
    assert.deepEqual([changed.reportInterval?.seconds, changed.reportInterval?.nanos], [0n, 25_000_000]);
    assert.equal((await registry.apply("s1", diff(4n, [], []))).reportInterval, undefined);
    registry.setReportInterval(3_600_000);
    assert.equal((await registry.apply("s1", diff(5n, [], []))).reportInterval?.seconds, 3600n);
  });

  test("is never sent when not configured, nor in a NACK", async () => {
    const { registry } = setup();
    assert.equal((await registry.apply("s1", fullPush(1n, []))).reportInterval, undefined);
    registry.setReportInterval(2000);
    assert.equal((await registry.apply("s1", diff(1n, [], []))).reportInterval, undefined, "NACKed nonce");
    assert.equal((await registry.apply("s1", diff(2n, [], []))).reportInterval?.seconds, 2n);
  });

  test("is refused outside 25 ms..1 h", () => {
    assert.throws(() => new TunnelRegistry({ reportIntervalMs: 24 }), /report interval must be between 25ms and 3600s, got 24ms/);
    const registry = new TunnelRegistry();
    assert.throws(() => registry.setReportInterval(3_600_001), RangeError);
    assert.throws(() => registry.setReportInterval(Number.NaN), RangeError);
    registry.setReportInterval(25);
    assert.equal(registry.reportIntervalMs, 25);
  });
});

suite("TunnelRegistry streams and grace", () => {
  test("a closed stream's node stays for the grace period, then goes with its tunnels", async () => {
    const { registry, time, events } = setup({ graceMs: 30_000 });
    await registry.apply("s1", fullPush(1n, [tunnel("a"), tunnel("b")]));
    events.length = 0;
    await registry.close("s1");
    const closedAt = time.now();
    assert.deepEqual(eventSummary(events), ["disconnected upstream-1"]);
    assert.equal(registry.nextDeadline(), closedAt + 30_000);
    const [summary] = await registry.nodes();
    assert.equal(summary!.state, "grace");
    assert.equal(summary!.graceUntil, closedAt + 30_000);
    await time.advance(29_999);
    assert.deepEqual(await registry.expireDue(), []);
    assert.deepEqual(await names(registry), ["a", "b"]);
    await time.advance(1);
    events.length = 0;
    assert.deepEqual(await registry.expireDue(), [upstream]);
    assert.deepEqual(eventSummary(events), ["removed a (expired)", "removed b (expired)", "expired upstream-1 (2)"]);
    assert.deepEqual(await registry.nodes(), []);
    assert.deepEqual(await registry.nodesByInitiator("a"), []);
    assert.equal(registry.nextDeadline(), undefined);
    assert.equal(registry.stats().nodesExpired, 1);
  });

  test("a reconnect's full push within the grace period keeps the node", async () => {
    const { registry, time, events } = setup({ graceMs: 1000 });
    await registry.apply("s1", fullPush(1n, [tunnel("a"), tunnel("b")]));
    await registry.close("s1");
    await time.advance(500);
    events.length = 0;
    await registry.apply("s2", fullPush(1n, [tunnel("a")]));
    assert.deepEqual(eventSummary(events), ["connected upstream-1 epoch 2", "removed b (full-push)"]);
    assert.equal(registry.nextDeadline(), undefined);
    await time.advance(1000);
    assert.deepEqual(await registry.expireDue(), []);
    const [summary] = await registry.nodes();
    assert.deepEqual([summary!.state, summary!.owner, summary!.epoch, summary!.tunnelCount], ["connected", "s2", 2, 1]);
  });

  test("a newer stream takes the node over at once; the old stream's requests are NACKed and its close does nothing", async () => {
    const { registry, events } = setup();
    await registry.apply("old", fullPush(1n, [tunnel("a")]));
    await registry.apply("new", fullPush(1n, [tunnel("b")]));
    const connected = events.filter((e) => e.type === "node-connected");
    assert.deepEqual(
      connected.map((e) => e.type === "node-connected" && [e.streamId, e.previousOwner, e.epoch]),
      [
        ["old", undefined, 1],
        ["new", "old", 2],
      ],
    );
    const stale = await registry.apply("old", diff(2n, [tunnel("c")], ["b"]));
    assert.equal(stale.errorDetail?.code, Code.FailedPrecondition);
    assert.match(stale.errorDetail!.message, /superseded/);
    assert.deepEqual(await names(registry), ["b"]);
    events.length = 0;
    await registry.close("old");
    assert.deepEqual(events, []);
    assert.equal((await registry.nodes())[0]!.state, "connected");
    assert.equal(registry.nextDeadline(), undefined);
    assert.equal((await registry.apply("new", diff(2n, [], []))).errorDetail, undefined);
  });

  test("grace 0 drops the node when its stream closes", async () => {
    const { registry, events } = setup({ graceMs: 0 });
    await registry.apply("s1", fullPush(1n, [tunnel("a")]));
    events.length = 0;
    await registry.close("s1");
    assert.deepEqual(eventSummary(events), ["disconnected upstream-1", "removed a (expired)", "expired upstream-1 (1)"]);
    assert.deepEqual(await registry.nodes(), []);
  });

  test("a close issued while the stream's request is still being applied takes effect after it", async () => {
    const { registry, events } = setup({ graceMs: 1000 });
    const applying = registry.apply("s1", fullPush(1n, [tunnel("a")]));
    const closing = registry.close("s1");
    await Promise.all([applying, closing]);
    assert.deepEqual(eventSummary(events), ["connected upstream-1 epoch 1", "added a", "disconnected upstream-1"]);
    assert.equal((await registry.nodes())[0]!.state, "grace");
  });

  test("closing a stream that never reported, or twice, changes nothing", async () => {
    const { registry, events } = setup();
    await registry.apply("s1", diff(1n, [], []));
    await registry.close("s1");
    await registry.close("s1");
    await registry.close("never-seen");
    assert.deepEqual(events, []);
    assert.equal(registry.stats().streamsClosed, 1);
  });

  test("requests of one node on two streams applied concurrently leave the latest stream owning a consistent node", async () => {
    const { registry } = setup();
    const pushes = await Promise.all([
      registry.apply("s1", fullPush(1n, [tunnel("a")])),
      registry.apply("s2", fullPush(1n, [tunnel("b")])),
      registry.apply("s1", diff(2n, [tunnel("c")], [])),
    ]);
    assert.deepEqual(
      pushes.map((r) => r.errorDetail?.code),
      [undefined, undefined, Code.FailedPrecondition],
    );
    assert.match(pushes[2]!.errorDetail!.message, /superseded/, "s1's diff waited for s1's full push, then found s2 owning the node");
    assert.deepEqual(await names(registry), ["b"]);
  });

  test("a write that loses the store's compare-and-set is retried on the fresh node", async () => {
    const store = new MemoryTunnelStore();
    const time = new FakeTime();
    const registry = new TunnelRegistry({ store, clock: time });
    await registry.apply("s1", fullPush(1n, [tunnel("a")]));
    // Another writer (another replica) bumps the version between our read and write, once.
    const put = store.putNode.bind(store);
    let interfered = false;
    store.putNode = async (key, record, expected) => {
      if (!interfered) {
        interfered = true;
        const current = (await store.getNode(key))!;
        await put(key, { ...current, version: current.version + 1, lastReportAt: 1 }, current.version);
      }
      return put(key, record, expected);
    };
    const response = await registry.apply("s1", diff(2n, [tunnel("b")], []));
    assert.equal(response.errorDetail, undefined);
    assert.ok(interfered);
    const node = (await registry.node(upstream))!;
    assert.equal(node.version, 3, "the full push (1), the interfering write (2), the retried write (3)");
    assert.equal(node.lastReportAt, time.now(), "the retry wrote over the interfering record");
    assert.deepEqual([...node.tunnels.keys()], ["a", "b"]);
  });
});

suite("TunnelRegistry queries", () => {
  async function populated() {
    const ctx = setup();
    const edge = { id: "upstream-edge", cluster: "edge-core" };
    await ctx.registry.apply("s1", fullPush(1n, [tunnel("t1:x", "x"), tunnel("t2:y", "y", 1n, { tenantId: "t2", clusterId: "west" })]));
    await ctx.registry.apply("s2", fullPush(1n, [tunnel("t1:x", "x"), tunnel("t1:z", "z", 1n, { clusterId: "west" })], edge));
    await ctx.registry.close("s2");
    return { ...ctx, edge };
  }

  test("by initiator node id: which reporting nodes hold a tunnel from it", async () => {
    const { registry, edge } = await populated();
    assert.deepEqual(await registry.nodesByInitiator("x"), [upstream, edge].sort((a, b) => (a.cluster < b.cluster ? -1 : 1)));
    assert.deepEqual(await registry.nodesByInitiator("y"), [upstream]);
    assert.deepEqual(await registry.nodesByInitiator("nobody"), []);
    assert.deepEqual(
      (await registry.tunnels({ initiator: "x" })).map((t) => `${t.reportingNode.id}/${t.name}`),
      ["upstream-1/t1:x", "upstream-edge/t1:x"],
    );
  });

  test("by tenant, initiator cluster, reporting node and reporting cluster", async () => {
    const { registry } = await populated();
    const list = async (q: Parameters<TunnelRegistry["tunnels"]>[0]) => (await registry.tunnels(q)).map((t) => `${t.reportingNode.id}/${t.name}`);
    assert.deepEqual(await list({ tenant: "t2" }), ["upstream-1/t2:y"]);
    assert.deepEqual(await list({ cluster: "west" }), ["upstream-1/t2:y", "upstream-edge/t1:z"]);
    assert.deepEqual(await list({ tenant: "t1", cluster: "west" }), ["upstream-edge/t1:z"]);
    assert.deepEqual(await list({ node: "upstream-edge" }), ["upstream-edge/t1:x", "upstream-edge/t1:z"]);
    assert.deepEqual(await list({ reportingCluster: "core" }), ["upstream-1/t1:x", "upstream-1/t2:y"]);
    assert.deepEqual(await list({ initiator: "x", node: "upstream-1" }), ["upstream-1/t1:x"]);
  });

  test("nodes and counts include nodes in grace", async () => {
    const { registry } = await populated();
    assert.deepEqual(await registry.counts(), { nodes: 2, connectedNodes: 1, graceNodes: 1, tunnels: 4 });
    assert.deepEqual(
      (await registry.nodes()).map((n) => [n.node.id, n.state, n.tunnelCount]),
      [
        ["upstream-1", "connected", 2],
        ["upstream-edge", "grace", 2],
      ],
    );
    assert.deepEqual(registry.stats().acks, 2);
  });
});

suite("TunnelRegistry.subscribe()", () => {
  test("delivers events until unsubscribed, and a throwing listener does not stop others or the registry", async () => {
    const time = new FakeTime();
    const registry = new TunnelRegistry({ clock: time });
    const seen: string[] = [];
    registry.subscribe(() => {
      throw new Error("listener bug");
    });
    const stop = registry.subscribe((e) => seen.push(e.type));
    assert.equal((await registry.apply("s1", fullPush(1n, [tunnel("a")]))).errorDetail, undefined);
    stop();
    await registry.apply("s1", diff(2n, [tunnel("b")], []));
    assert.deepEqual(seen, ["node-connected", "tunnel-added"]);
  });
});

suite("TunnelRegistry options", () => {
  test("refuses a negative grace period and a tunnel limit below 1", () => {
    assert.throws(() => new TunnelRegistry({ graceMs: -1 }), RangeError);
    assert.throws(() => new TunnelRegistry({ maxTunnelsPerNode: 0 }), RangeError);
  });
});
