import assert from "node:assert/strict";
import { after, suite, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { createGrpcTransport } from "@connectrpc/connect-node";
import {
  ReverseTunnelReportingService,
  StreamReverseTunnelsResponseSchema,
  type StreamReverseTunnelsRequest,
} from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { FakeTime } from "./fake-time.testdata.js";
import { startLoopbackServer, until, type LoopbackServer } from "./loopback.testdata.js";
import { tunnel, upstream } from "./registry.testdata.js";
import { ReporterClient, type ReporterClientOptions, type ReporterEvent } from "./reporter-client.js";
import { createReportingService } from "./reporting-service.js";
import { TunnelRegistry, type TunnelRegistryOptions } from "./tunnel-registry.js";

const servers: LoopbackServer[] = [];
const reporters: ReporterClient[] = [];
after(async () => {
  await Promise.all(reporters.map((r) => r.stop()));
  await Promise.all(servers.map((s) => s.close()));
});

const INTERVAL = 1000;
const RETRY = 3000;

/** Our registry behind our service, and a reporter on fake time (the network is real). */
async function setup(registryOptions: TunnelRegistryOptions = {}, reporterOptions: Partial<ReporterClientOptions> = {}) {
  const registry = new TunnelRegistry(registryOptions);
  const server = await startLoopbackServer((router) => router.service(ReverseTunnelReportingService, createReportingService(registry)));
  servers.push(server);
  return { registry, server, ...reporterOn(server, reporterOptions) };
}

function reporterOn(server: LoopbackServer, options: Partial<ReporterClientOptions> = {}) {
  const time = new FakeTime();
  const reporter = new ReporterClient({
    transport: server.transport(),
    node: upstream,
    sendIntervalMs: INTERVAL,
    connectRetryIntervalMs: RETRY,
    clock: time,
    timers: time,
    ...options,
  });
  reporters.push(reporter);
  const events: ReporterEvent[] = [];
  const sent: StreamReverseTunnelsRequest[] = [];
  reporter.subscribe((e) => {
    events.push(e);
    if (e.type === "sent") sent.push(e.request);
  });
  const acked = () => reporter.stats().gauges.nonce_acked;
  return { time, reporter, events, sent, acked };
}

function shape(request: StreamReverseTunnelsRequest): string {
  const added = request.addedTunnels.map((t) => t.name).join(",");
  return `${request.fullPush ? "full" : "diff"} #${request.nonce} +[${added}] -[${request.removedTunnelNames.join(",")}]`;
}

suite("ReporterClient against the reporting service", () => {
  test("sends a full push with nonce 1 on connect, then a diff or an empty heartbeat every interval", async () => {
    const { registry, time, reporter, sent, acked, events } = await setup();
    reporter.addTunnel(tunnel("a"));
    reporter.addTunnel(tunnel("b"));
    reporter.start();
    await until(() => acked() === 1, "the full push's ACK");
    assert.deepEqual(sent.map(shape), ["full #1 +[a,b] -[]"]);
    assert.deepEqual((await registry.tunnels()).map((t) => t.name), ["a", "b"]);
    const ack = events.find((e) => e.type === "ack");
    assert.ok(ack?.type === "ack" && ack.nonce === 1 && ack.latencyMs === 0, "latency by the fake clock");

    reporter.addTunnel(tunnel("c"));
    reporter.removeTunnel("a");
    await time.advance(INTERVAL - 1);
    assert.equal(sent.length, 1, "nothing before the interval");
    await time.advance(1);
    await until(() => acked() === 2, "the diff's ACK");
    await time.advance(INTERVAL);
    await until(() => acked() === 3, "the heartbeat's ACK");
    assert.deepEqual(sent.map(shape), ["full #1 +[a,b] -[]", "diff #2 +[c] -[a]", "diff #3 +[] -[]"]);
    assert.deepEqual((await registry.tunnels()).map((t) => t.name), ["b", "c"]);
    const { counters, gauges } = reporter.stats();
    assert.deepEqual(
      [counters.connection_attempts, counters.send_attempts, counters.acks_received, counters.queued_events],
      [1, 3, 3, 2],
    );
    assert.deepEqual(gauges, { nonce_current: 3, nonce_acked: 3, send_interval: INTERVAL });
  });

  test("keeps adds and removes in separate lists, so a name can be in both, and the server resolves it", async () => {
    const { registry, time, reporter, sent, acked } = await setup();
    reporter.addTunnel(tunnel("held", "old"));
    reporter.start();
    await until(() => acked() === 1, "the full push's ACK");
    // Added and removed within one interval: the server never held it.
    reporter.addTunnel(tunnel("brief"));
    reporter.removeTunnel("brief");
    // Removed and re-added within one interval: the server held it.
    reporter.removeTunnel("held");
    reporter.addTunnel(tunnel("held", "new"));
    await time.advance(INTERVAL);
    await until(() => acked() === 2, "the diff's ACK");
    assert.equal(shape(sent[1]!), "diff #2 +[brief,held] -[brief,held]");
    const tunnels = await registry.tunnels();
    assert.deepEqual(
      tunnels.map((t) => `${t.name}<-${t.identity.nodeId}`),
      ["held<-new"],
    );
  });

  test("a NACK resets the stream; after the fixed retry interval it reconnects with a full push at nonce 1, nothing lost", async () => {
    const { registry, time, reporter, sent, acked, events } = await setup();
    reporter.addTunnel(tunnel("a"));
    reporter.start();
    await until(() => acked() === 1, "the full push's ACK");
    reporter.addTunnel(tunnel("b"));
    reporter.addTunnel({ name: "bad", identity: { tenantId: "", clusterId: "c", nodeId: "n" }, createdAt: { seconds: 1n } });
    await time.advance(INTERVAL);
    await until(() => reporter.stats().counters.disconnects.nack_received === 1, "the NACK");
    assert.equal(reporter.connected, false);
    const nack = events.find((e) => e.type === "nack");
    assert.ok(nack?.type === "nack" && nack.nonce === 2);
    assert.deepEqual(time.pendingDelays(), [RETRY], "only the retry timer is armed");
    reporter.removeTunnel("bad");
    reporter.addTunnel(tunnel("c"));
    await time.advance(RETRY - 1);
    assert.equal(reporter.stats().counters.connection_attempts, 1);
    await time.advance(1);
    await until(() => acked() === 1 && reporter.stats().counters.connection_attempts === 2, "the reconnect's ACK");
    assert.equal(shape(sent.at(-1)!), "full #1 +[a,b,c] -[]");
    assert.deepEqual((await registry.tunnels()).map((t) => t.name), ["a", "b", "c"]);
  });

  test("obeys report_interval from the next send on, and keeps it across reconnects", async () => {
    const { registry, time, reporter, sent, acked } = await setup({ reportIntervalMs: 250 });
    reporter.start();
    await until(() => acked() === 1, "the full push's ACK");
    assert.equal(reporter.stats().gauges.send_interval, 250);
    // The timer armed with the full push still runs at the old interval.
    await time.advance(INTERVAL);
    await until(() => acked() === 2, "the first diff's ACK");
    await time.advance(250);
    await until(() => acked() === 3, "the second diff's ACK");
    assert.equal(sent.length, 3);
    // The server stops sending an interval; a reconnect keeps 250 ms.
    registry.setReportInterval(undefined);
    reporter.addTunnel({ name: "bad", identity: { tenantId: "", clusterId: "c", nodeId: "n" }, createdAt: { seconds: 1n } });
    await time.advance(250);
    await until(() => reporter.stats().counters.disconnects.nack_received === 1, "the NACK");
    reporter.removeTunnel("bad");
    await time.advance(RETRY);
    await until(() => acked() === 1 && reporter.stats().counters.connection_attempts === 2, "the reconnect's ACK");
    assert.deepEqual(time.pendingDelays(), [250]);
    assert.equal(reporter.stats().gauges.send_interval, 250);
  });

  test("a closed stream counts remote_close and reconnects; stop() ends reporting and the node enters its grace period", async () => {
    const { registry, server, time, reporter, acked } = await setup();
    reporter.addTunnel(tunnel("a"));
    reporter.start();
    await until(() => acked() === 1, "the full push's ACK");
    server.dropSessions();
    await until(() => reporter.stats().counters.disconnects.remote_close === 1, "the remote close");
    await time.advance(RETRY);
    await until(() => acked() === 1 && reporter.stats().counters.connection_attempts === 2, "the reconnect's ACK");
    await reporter.stop();
    assert.equal(time.pending, 0, "no timer left");
    assert.equal(reporter.connected, false);
    await until(async () => (await registry.nodes())[0]?.state === "grace", "the grace period");
  });
});

suite("ReporterClient on the host's clock and timers", () => {
  test("reports on a short real interval, follows the server's report_interval, and stops cleanly", async () => {
    const registry = new TunnelRegistry({ reportIntervalMs: 40 });
    const server = await startLoopbackServer((router) => router.service(ReverseTunnelReportingService, createReportingService(registry)));
    servers.push(server);
    const reporter = new ReporterClient({ transport: server.transport(), node: upstream, sendIntervalMs: 25 });
    reporters.push(reporter);
    reporter.addTunnel(tunnel("a"));
    reporter.start();
    await until(() => reporter.stats().counters.acks_received >= 5, "five ACKs");
    reporter.addTunnel(tunnel("b"));
    await until(async () => (await registry.tunnels()).length === 2, "the diff with b");
    assert.equal(reporter.stats().gauges.send_interval, 40);
    await reporter.stop();
    const sent = reporter.stats().counters.send_attempts;
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.equal(reporter.stats().counters.send_attempts, sent, "nothing sent after stop()");
    await until(async () => (await registry.nodes())[0]?.state === "grace", "the grace period");
  });
});

suite("ReporterClient against scripted servers", () => {
  test("leaves a server that stops ACKing when more than maxRetries requests are unacknowledged, and rejoins", async () => {
    const received: bigint[] = [];
    const server = await startLoopbackServer((router) =>
      router.service(ReverseTunnelReportingService, {
        async *streamReverseTunnels(requests) {
          for await (const request of requests) {
            received.push(request.nonce);
            if (request.nonce === 1n) yield create(StreamReverseTunnelsResponseSchema, { requestNonce: 1n });
          }
        },
      }),
    );
    servers.push(server);
    const { time, reporter, events } = reporterOn(server, { maxRetries: 2 });
    reporter.start();
    await until(() => reporter.stats().gauges.nonce_acked === 1, "the full push's ACK");
    for (let i = 0; i < 3; i++) {
      await time.advance(INTERVAL);
      await until(() => received.length === i + 2, `request ${i + 2}`);
    }
    // Nonces 2..4 unacknowledged: 3 > 2, so the next send is not made.
    await time.advance(INTERVAL);
    assert.equal(reporter.stats().counters.disconnects.max_retries_exceeded, 1);
    assert.deepEqual(received, [1n, 2n, 3n, 4n]);
    assert.ok(events.some((e) => e.type === "disconnected" && e.reason === "max_retries_exceeded"));
    await time.advance(RETRY);
    await until(() => received.length === 5, "the rejoin's full push");
    assert.equal(received[4], 1n);
  });

  test("maxRetries 0 means 5", async () => {
    const received: bigint[] = [];
    const server = await startLoopbackServer((router) =>
      router.service(ReverseTunnelReportingService, {
        async *streamReverseTunnels(requests) {
          for await (const request of requests) received.push(request.nonce);
          yield* [];
        },
      }),
    );
    servers.push(server);
    const { time, reporter } = reporterOn(server, { maxRetries: 0 });
    reporter.start();
    for (let i = 0; i < 8 && reporter.stats().counters.disconnects.max_retries_exceeded === 0; i++) {
      await until(() => received.length === i + 1, `request ${i + 1}`);
      await time.advance(INTERVAL);
    }
    assert.deepEqual(received, [1n, 2n, 3n, 4n, 5n, 6n], "six unacknowledged (> 5) before it left");
  });

  test("counts out-of-order ACKs and ignores an ACK for a nonce it never sent", async () => {
    const server = await startLoopbackServer((router) =>
      router.service(ReverseTunnelReportingService, {
        async *streamReverseTunnels(requests) {
          for await (const request of requests) {
            yield create(StreamReverseTunnelsResponseSchema, { requestNonce: request.nonce });
            yield create(StreamReverseTunnelsResponseSchema, { requestNonce: request.nonce });
            yield create(StreamReverseTunnelsResponseSchema, { requestNonce: 99n });
          }
        },
      }),
    );
    servers.push(server);
    const { reporter, events } = reporterOn(server);
    reporter.start();
    await until(() => events.some((e) => e.type === "unsent-nonce-ack"), "the unsent-nonce ACK");
    const { counters, gauges } = reporter.stats();
    assert.deepEqual([counters.acks_received, counters.out_of_order_acks, gauges.nonce_acked], [1, 1, 1]);
    assert.equal(reporter.connected, true);
  });

  test("a queue past maxBufferCount drops the batch and reconnects with a full push", async () => {
    const { time, reporter, sent, acked, registry } = await setup({}, { maxBufferCount: 3 });
    reporter.start();
    await until(() => acked() === 1, "the full push's ACK");
    for (const name of ["a", "b", "c"]) reporter.addTunnel(tunnel(name));
    assert.equal(reporter.connected, true);
    reporter.removeTunnel("a");
    const { counters } = reporter.stats();
    assert.deepEqual([counters.events_dropped, counters.disconnects.buffer_overflow, counters.queued_events], [4, 1, 4]);
    assert.equal(reporter.connected, false);
    await time.advance(RETRY);
    await until(() => acked() === 1 && reporter.stats().counters.connection_attempts === 2, "the reconnect's ACK");
    assert.equal(shape(sent.at(-1)!), "full #1 +[b,c] -[]");
    assert.deepEqual((await registry.tunnels()).map((t) => t.name), ["b", "c"]);
  });

  test("a server that cannot be reached counts stream_creation_failed and is retried at the fixed interval", async () => {
    const server = await startLoopbackServer(() => undefined);
    const baseUrl = server.baseUrl;
    await server.close();
    const time = new FakeTime();
    const reporter = new ReporterClient({ transport: createGrpcTransport({ baseUrl }), node: upstream, clock: time, timers: time, connectRetryIntervalMs: RETRY });
    reporters.push(reporter);
    reporter.start();
    await until(() => reporter.stats().counters.disconnects.stream_creation_failed === 1, "the failed stream");
    assert.deepEqual(time.pendingDelays(), [RETRY]);
    await time.advance(RETRY);
    await until(() => reporter.stats().counters.disconnects.stream_creation_failed === 2, "the second failed stream");
    assert.equal(reporter.stats().counters.connection_attempts, 2);
    await reporter.stop();
  });
});
