import assert from "node:assert/strict";
import { get } from "node:http";
import { after, before, suite, test } from "node:test";
import { diff, fullPush, tunnel } from "../registry.testdata.js";
import { startReportingServer } from "./start-reporting-server.js";
import type { ReportingServer } from "./reporting-server-options.js";
import { getJson, httpGet, tunnelNames } from "./server.testdata.js";

const edge = { id: "edge-1", cluster: "eu" };
const core = { id: "core-1", cluster: "us" };

suite("HTTP views of startReportingServer()", () => {
  let server: ReportingServer;
  before(async () => {
    server = await startReportingServer({ graceMs: 60_000 });
    // Reported straight to the registry: these tests are about the views, not the stream.
    await server.registry.apply("s-edge", fullPush(1n, [tunnel("t1:a", "a", 1n, { tenantId: "t1", clusterId: "c1" }), tunnel("t2:b", "b", 2n, { tenantId: "t2", clusterId: "c2" })], edge));
    await server.registry.apply("s-core", fullPush(1n, [tunnel("t1:a", "a", 3n, { tenantId: "t1", clusterId: "c1" })], core));
  });
  after(() => server.close());

  test("GET /healthz answers ok", async () => {
    assert.deepEqual(await getJson(server.httpPort, "/healthz"), { status: 200, body: { status: "ok" } });
  });

  test("GET /tunnels lists every tunnel with name, identity, createdAt and reportingNode", async () => {
    const { status, body } = await getJson<{ count: number; tunnels: Record<string, unknown>[] }>(server.httpPort, "/tunnels");
    assert.equal(status, 200);
    assert.equal(body.count, 3);
    const edgeA = body.tunnels.find((t) => t["name"] === "t1:a" && (t["reportingNode"] as { id: string }).id === "edge-1");
    assert.deepEqual(
      { ...edgeA, firstReportedAt: typeof edgeA?.["firstReportedAt"], lastReportedAt: typeof edgeA?.["lastReportedAt"] },
      {
        name: "t1:a",
        identity: { tenantId: "t1", clusterId: "c1", nodeId: "a" },
        createdAt: "1970-01-01T00:00:01Z",
        reportingNode: { id: "edge-1", cluster: "eu" },
        firstReportedAt: "string",
        lastReportedAt: "string",
      },
    );
  });

  test("GET /tunnels filters by initiator, tenant, cluster and reporting node", async () => {
    assert.deepEqual(await tunnelNames(server, "?initiator=a"), ["core-1/t1:a", "edge-1/t1:a"]);
    assert.deepEqual(await tunnelNames(server, "?tenant=t2"), ["edge-1/t2:b"]);
    assert.deepEqual(await tunnelNames(server, "?cluster=c1"), ["core-1/t1:a", "edge-1/t1:a"]);
    assert.deepEqual(await tunnelNames(server, "?node=edge-1"), ["edge-1/t1:a", "edge-1/t2:b"]);
    assert.deepEqual(await tunnelNames(server, "?node=edge-1&initiator=a"), ["edge-1/t1:a"]);
    assert.deepEqual(await tunnelNames(server, "?initiator=nobody"), []);
  });

  test("GET /tunnels refuses an unknown or repeated filter with 400", async () => {
    assert.deepEqual(await getJson(server.httpPort, "/tunnels?tenent=t1"), {
      status: 400,
      body: { error: 'unknown filter "tenent"; the filters are initiator, tenant, cluster, node (and limit, after to page)' },
    });
    assert.deepEqual(await getJson(server.httpPort, "/tunnels?node=a&node=b"), { status: 400, body: { error: 'filter "node" is given twice' } });
  });

  test("GET /nodes lists reporting nodes with state, tunnel count and last report", async () => {
    const { status, body } = await getJson<{ count: number; nodes: Record<string, unknown>[] }>(server.httpPort, "/nodes");
    assert.equal(status, 200);
    assert.deepEqual(
      body.nodes.map((n) => [n["id"], n["cluster"], n["state"], n["tunnelCount"], typeof n["lastReportAt"]]),
      [
        ["edge-1", "eu", "connected", 2, "string"],
        ["core-1", "us", "connected", 1, "string"],
      ].sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    );
  });

  test("GET /metrics is Prometheus text with the tunnel and node gauges", async () => {
    const { status, type, text } = await httpGet(server.httpPort, "/metrics");
    assert.equal(status, 200);
    assert.match(type, /^text\/plain/);
    assert.match(text, /^envoy_tap_tunnel_tunnels 3$/m);
    assert.match(text, /^envoy_tap_tunnel_nodes\{state="connected"\} 2$/m);
    assert.match(text, /^# TYPE envoy_tap_tunnel_apply_duration_seconds histogram$/m);
    assert.match(text, /^# TYPE envoy_tap_tunnel_nacks_total counter$/m);
  });

  test("GET / is one self-contained HTML page", async () => {
    const { status, type, text } = await httpGet(server.httpPort, "/");
    assert.equal(status, 200);
    assert.equal(type, "text/html; charset=utf-8");
    assert.match(text, /<input id="search"/);
    assert.match(text, /new EventSource\("\/events"\)/);
    assert.doesNotMatch(text, /<script[^>]+src=|<link[^>]+href=|https?:\/\//);
  });

  test("unknown paths are 404 and other methods 405, as JSON", async () => {
    assert.deepEqual(await getJson(server.httpPort, "/nope"), {
      status: 404,
      body: { error: "no view at /nope; the views are /, /healthz, /tunnels, /nodes, /metrics, /events" },
    });
    const posted = await httpGet(server.httpPort, "/tunnels", "POST");
    assert.equal(posted.status, 405);
    assert.deepEqual(JSON.parse(posted.text), { error: "method POST is not allowed; the views answer GET" });
  });

  test("GET /events sends a snapshot, then registry changes as they happen", async () => {
    const events: { type: string; data: Record<string, unknown> }[] = [];
    const response = await new Promise<import("node:http").IncomingMessage>((resolve, reject) => {
      get({ host: "127.0.0.1", port: server.httpPort, path: "/events" }, resolve).on("error", reject);
    });
    assert.equal(response.headers["content-type"], "text/event-stream; charset=utf-8");
    let buffer = "";
    const arrived = new Promise<void>((resolve) => {
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (type !== undefined && data !== undefined) events.push({ type, data: JSON.parse(data) as Record<string, unknown> });
          if (events.some((e) => e.type === "tunnel-removed")) resolve();
        }
      });
    });
    // Wait for the whole snapshot before changing anything, so the order below is fixed.
    while (!events.some((e) => e.type === "snapshot" && e.data["last"] === true)) await new Promise((resolve) => setTimeout(resolve, 5));
    await server.registry.apply("s-edge", diff(2n, [tunnel("t3:c", "c", 4n, { tenantId: "t3" })], ["t2:b"], edge));
    await arrived;
    response.destroy();
    // The snapshot in parts: the nodes' page, then the tunnels' page, the last marked.
    assert.deepEqual(
      events.slice(0, 2).map((e) => [e.type, e.data["part"], (e.data["nodes"] as unknown[]).length, (e.data["tunnels"] as unknown[]).length, e.data["last"]]),
      [
        ["snapshot", 0, 2, 0, false],
        ["snapshot", 1, 0, 3, true],
      ],
    );
    const changes = events.slice(2).map((e) => [e.type, (e.data["tunnel"] as { name: string }).name, e.data["node"]]);
    assert.deepEqual(changes, [
      ["tunnel-removed", "t2:b", edge],
      ["tunnel-added", "t3:c", edge],
    ]);
  });
});
