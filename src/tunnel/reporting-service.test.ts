import assert from "node:assert/strict";
import { after, suite, test } from "node:test";
import { Code, ConnectError, createClient, createContextValues } from "@connectrpc/connect";
import {
  ReverseTunnelReportingService,
  type StreamReverseTunnelsRequest,
  type StreamReverseTunnelsResponse,
} from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { startLoopbackServer, until, type LoopbackServer } from "./loopback.testdata.js";
import { MemoryTunnelStore } from "./memory-tunnel-store.js";
import { peerIdentityKey, type PeerIdentity } from "./peer-identity.js";
import { PushQueue } from "./push-queue.js";
import type { RegistryEvent } from "./registry-event.js";
import { badRequestOf, diff, fullPush, tunnel, upstream } from "./registry.testdata.js";
import { createReportingService, type ReportingServiceOptions, type StreamEndReason } from "./reporting-service.js";
import { TunnelRegistry } from "./tunnel-registry.js";

const servers: LoopbackServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function serve(options: ReportingServiceOptions = {}, registry = new TunnelRegistry(), peer?: PeerIdentity) {
  const ended: { streamId: string; reason: StreamEndReason; error?: unknown }[] = [];
  const applied: number[] = [];
  const server = await startLoopbackServer(
    (router) =>
      router.service(
        ReverseTunnelReportingService,
        createReportingService(registry, {
          ...options,
          hooks: {
            requestApplied: (info) => applied.push(info.durationMs),
            streamClosed: (info) => ended.push(info),
          },
        }),
      ),
    () => createContextValues().set(peerIdentityKey, peer),
  );
  servers.push(server);
  const events: RegistryEvent[] = [];
  registry.subscribe((e) => events.push(e));
  return { server, registry, ended, applied, events };
}

/** One bidi stream driven by hand: send requests, read responses one at a time. */
function openStream(server: LoopbackServer) {
  const client = createClient(ReverseTunnelReportingService, server.transport());
  const requests = new PushQueue<StreamReverseTunnelsRequest>();
  const abort = new AbortController();
  const responses = client.streamReverseTunnels(requests, { signal: abort.signal })[Symbol.asyncIterator]();
  return {
    async exchange(request: StreamReverseTunnelsRequest): Promise<StreamReverseTunnelsResponse> {
      requests.push(request);
      const next = await responses.next();
      assert.equal(next.done, false, "the stream ended instead of answering");
      return next.value as StreamReverseTunnelsResponse;
    },
    send: (request: StreamReverseTunnelsRequest) => requests.push(request),
    next: () => responses.next(),
    halfClose: () => requests.close(),
    abort: () => abort.abort(),
  };
}

suite("createReportingService() over HTTP/2 gRPC", () => {
  test("ACKs a full push, a diff and a heartbeat on one stream, and keeps it open", async () => {
    const { server, registry, applied } = await serve();
    const stream = openStream(server);
    const first = await stream.exchange(fullPush(1n, [tunnel("a"), tunnel("b")]));
    assert.deepEqual([first.requestNonce, first.errorDetail, first.nodeId], [1n, undefined, "upstream-1"]);
    assert.equal((await stream.exchange(diff(2n, [tunnel("c")], ["a"]))).requestNonce, 2n);
    assert.equal((await stream.exchange(diff(3n, [], []))).requestNonce, 3n);
    assert.deepEqual((await registry.tunnels()).map((t) => t.name), ["b", "c"]);
    assert.equal(applied.length, 3);
    assert.ok(applied.every((ms) => ms >= 0) && applied.some((ms) => !Number.isInteger(ms)), `sub-millisecond durations: ${applied}`);
    // Nothing more arrives, and the stream does not end by itself.
    const pending = stream.next();
    const outcome = await Promise.race([pending.then(() => "ended"), new Promise((r) => setTimeout(() => r("open"), 200))]);
    assert.equal(outcome, "open");
    stream.abort();
    await pending.catch(() => undefined);
  });

  test("after a NACK the stream stays open for the client to reset it", async () => {
    const { server, registry } = await serve();
    const stream = openStream(server);
    const nack = await stream.exchange(diff(1n, [tunnel("a")], []));
    assert.equal(nack.errorDetail?.code, Code.FailedPrecondition);
    const bad = await stream.exchange(fullPush(2n, [{ name: "" }]));
    assert.equal(bad.errorDetail?.code, Code.InvalidArgument);
    assert.deepEqual(badRequestOf(bad)?.fieldViolations.map((v) => v.field), ["added_tunnels[0].name", "added_tunnels[0].identity", "added_tunnels[0].created_at"]);
    assert.equal((await stream.exchange(fullPush(3n, [tunnel("a")]))).errorDetail, undefined, "still open: a later full push is applied");
    assert.equal((await registry.tunnels()).length, 1);
    stream.abort();
  });

  test("ends a stream not reset within nackCloseTimeoutMs of a NACK with FAILED_PRECONDITION, and starts the grace period", async () => {
    const { server, ended, events } = await serve({ nackCloseTimeoutMs: 100 });
    const stream = openStream(server);
    await stream.exchange(fullPush(1n, [tunnel("a")]));
    assert.equal((await stream.exchange(diff(1n, [], []))).errorDetail?.code, Code.FailedPrecondition);
    const started = Date.now();
    await assert.rejects(stream.next(), (error: unknown) => {
      assert.ok(error instanceof ConnectError);
      assert.equal(error.code, Code.FailedPrecondition);
      assert.match(error.rawMessage, /not reset within 100ms of a NACK/);
      return true;
    });
    assert.ok(Date.now() - started >= 80, "not before the timeout");
    await until(() => ended.length === 1, "streamClosed");
    assert.equal(ended[0]!.reason, "nack-timeout");
    assert.ok(events.some((e) => e.type === "node-disconnected"));
  });

  test("an ACK after a NACK cancels the close timeout", async () => {
    const { server } = await serve({ nackCloseTimeoutMs: 150 });
    const stream = openStream(server);
    assert.notEqual((await stream.exchange(diff(1n, [], []))).errorDetail, undefined);
    assert.equal((await stream.exchange(fullPush(2n, []))).errorDetail, undefined);
    const pending = stream.next();
    const outcome = await Promise.race([pending.then(() => "ended", () => "ended"), new Promise((r) => setTimeout(() => r("open"), 300))]);
    assert.equal(outcome, "open");
    stream.abort();
    await pending.catch(() => undefined);
  });

  test("a client reset or half-close ends the stream and starts the node's grace period", async () => {
    const { server, registry, ended } = await serve();
    const resetting = openStream(server);
    await resetting.exchange(fullPush(1n, [tunnel("a")]));
    resetting.abort();
    await until(() => ended.length === 1, "the reset stream's close");
    assert.equal(ended[0]!.reason, "client-closed");
    assert.equal((await registry.nodes())[0]!.state, "grace");

    const closing = openStream(server);
    await closing.exchange(fullPush(1n, [tunnel("b")]));
    assert.equal((await registry.nodes())[0]!.state, "connected");
    closing.halfClose();
    assert.equal((await closing.next()).done, true);
    await until(() => ended.length === 2, "the half-closed stream's close");
    assert.equal(ended[1]!.reason, "client-closed");
    const [node] = await registry.nodes();
    assert.deepEqual([node!.state, node!.tunnelCount], ["grace", 1]);
  });

  test("the authorization hook sees the peer identity and the node, and can refuse the stream before anything is applied", async () => {
    const seen: [string | undefined, string][] = [];
    const peer: PeerIdentity = { commonName: "upstream-1", subjectAltNames: ["DNS:upstream-1"] };
    const { server, registry, ended } = await serve(
      {
        authorize: ({ peer, node }) => {
          seen.push([peer?.commonName, node.id]);
          if (peer?.commonName !== node.id) throw new ConnectError(`certificate ${peer?.commonName} may not report for ${node.id}`, Code.PermissionDenied);
        },
      },
      new TunnelRegistry(),
      peer,
    );
    const allowed = openStream(server);
    assert.equal((await allowed.exchange(fullPush(1n, [tunnel("a")]))).errorDetail, undefined);
    assert.equal((await allowed.exchange(diff(2n, [], []))).errorDetail, undefined);
    // Another node on the same stream is presented to the hook again, and refused.
    allowed.send(diff(3n, [tunnel("z")], [], { id: "upstream-2", cluster: "core" }));
    await assert.rejects(allowed.next(), (error: unknown) => error instanceof ConnectError && error.code === Code.PermissionDenied);

    const refused = openStream(server);
    refused.send(fullPush(1n, [tunnel("x")], { id: "intruder", cluster: "core" }));
    await assert.rejects(refused.next(), (error: unknown) => {
      assert.ok(error instanceof ConnectError);
      assert.equal(error.code, Code.PermissionDenied);
      assert.equal(error.rawMessage, "certificate upstream-1 may not report for intruder");
      return true;
    });
    assert.deepEqual(seen, [
      ["upstream-1", "upstream-1"],
      ["upstream-1", "upstream-2"],
      ["upstream-1", "intruder"],
    ]);
    assert.deepEqual((await registry.tunnels()).map((t) => `${t.reportingNode.id}/${t.name}`), ["upstream-1/a"]);
    await until(() => ended.length === 2, "both streams closed");
    assert.deepEqual(ended.map((e) => e.reason).sort(), ["unauthorized", "unauthorized"]);
  });

  test("a failing store ends the stream with INTERNAL", async () => {
    const store = new MemoryTunnelStore();
    store.getNode = () => Promise.reject(new Error("store down"));
    const { server, ended } = await serve({}, new TunnelRegistry({ store }));
    const stream = openStream(server);
    stream.send(fullPush(1n, [tunnel("a")]));
    await assert.rejects(stream.next(), (error: unknown) => error instanceof ConnectError && error.code === Code.Internal);
    await until(() => ended.length === 1, "streamClosed");
    assert.equal(ended[0]!.reason, "internal-error");
  });

  test("stream ids are unique per service and carry the prefix", async () => {
    const { server, events } = await serve({ streamIdPrefix: "replica-a" });
    const one = openStream(server);
    const two = openStream(server);
    await one.exchange(fullPush(1n, [], upstream));
    await two.exchange(fullPush(1n, [], { id: "upstream-2", cluster: "core" }));
    const ids = events.flatMap((e) => (e.type === "node-connected" ? [e.streamId] : []));
    assert.deepEqual(ids, ["replica-a-1", "replica-a-2"]);
    one.abort();
    two.abort();
  });
});
