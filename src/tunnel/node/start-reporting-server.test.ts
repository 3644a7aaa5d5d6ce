import assert from "node:assert/strict";
import { once } from "node:events";
import { suite, test } from "node:test";
import { Code } from "@connectrpc/connect";
import { fullPush, tunnel } from "../registry.testdata.js";
import { connectRaw, methodPath, openRawStream, requestFrame } from "./raw-grpc.testdata.js";
import { startReportingServer } from "./start-reporting-server.js";
import type { ReportingServerLogEntry } from "./reporting-server-options.js";
import { getJson, httpGet, waitFor } from "./server.testdata.js";

const node = (id: string) => ({ id, cluster: "core" });

suite("startReportingServer()", () => {
  test("sends its default HTTP/2 SETTINGS, each replaceable by the http2 option", async () => {
    for (const [options, expected] of [
      [{}, { maxConcurrentStreams: 100, initialWindowSize: 65_535, maxHeaderListSize: 16_384, headerTableSize: 4_096 }],
      [{ http2: { settings: { maxConcurrentStreams: 7 } } }, { maxConcurrentStreams: 7, initialWindowSize: 65_535, maxHeaderListSize: 16_384, headerTableSize: 4_096 }],
    ] as const) {
      const server = await startReportingServer(options);
      const session = connectRaw(server.grpcPort);
      try {
        await once(session, "remoteSettings");
        const { maxConcurrentStreams, initialWindowSize, maxHeaderListSize, headerTableSize } = session.remoteSettings;
        assert.deepEqual({ maxConcurrentStreams, initialWindowSize, maxHeaderListSize, headerTableSize }, expected);
      } finally {
        session.destroy();
        await server.close();
      }
    }
  });

  test("refuses a stream past maxStreams with RESOURCE_EXHAUSTED, and accepts again when one ends", async () => {
    const log: ReportingServerLogEntry[] = [];
    const server = await startReportingServer({ maxStreams: 2, log: (entry) => log.push(entry) });
    const session = connectRaw(server.grpcPort);
    try {
      const first = openRawStream(session);
      const second = openRawStream(session);
      first.stream.write(requestFrame(fullPush(1n, [tunnel("a")], node("n1"))));
      second.stream.write(requestFrame(fullPush(1n, [tunnel("b")], node("n2"))));
      await waitFor("two ACKs", () => first.responses.length === 1 && second.responses.length === 1);
      const third = openRawStream(session);
      third.stream.write(requestFrame(fullPush(1n, [tunnel("c")], node("n3"))));
      const refused = await third.done;
      assert.deepEqual(refused, { grpcStatus: Code.ResourceExhausted, grpcMessage: "the server holds its limit of 2 reporting streams", responses: [] });
      assert.match((await httpGet(server.httpPort, "/metrics")).text, /^envoy_tap_tunnel_streams_refused_total\{reason="max-streams"\} 1$/m);
      assert.deepEqual(log.filter((e) => e.event === "refused").map((e) => e.message), ["stream refused: 2 streams open, the limit is 2"]);
      first.stream.close();
      await first.done;
      const fourth = openRawStream(session);
      fourth.stream.write(requestFrame(fullPush(1n, [tunnel("d")], node("n4"))));
      await waitFor("the fourth stream's ACK", () => fourth.responses.length === 1);
      assert.equal(fourth.responses[0]!.errorDetail, undefined);
    } finally {
      session.destroy();
      await server.close();
    }
  });

  test("answers another method with UNIMPLEMENTED", async () => {
    const server = await startReportingServer();
    const session = connectRaw(server.grpcPort);
    try {
      const stream = session.request({ ":method": "POST", ":path": methodPath.replace("StreamReverseTunnels", "Nope"), "content-type": "application/grpc", te: "trailers" });
      const headers = await new Promise<Record<string, unknown>>((resolve) => stream.on("response", (h) => resolve(h)));
      assert.equal(headers["grpc-status"], String(Code.Unimplemented));
      stream.close();
    } finally {
      session.destroy();
      await server.close();
    }
  });

  test("close(): healthz turns 503, open streams end, new connections are refused, nodes enter their grace period", async () => {
    const log: ReportingServerLogEntry[] = [];
    const server = await startReportingServer({ shutdownTimeoutMs: 2000, log: (entry) => log.push(entry) });
    const session = connectRaw(server.grpcPort);
    const call = openRawStream(session);
    call.stream.write(requestFrame(fullPush(1n, [tunnel("a")], node("n1"))));
    await waitFor("the ACK", () => call.responses.length === 1);
    const started = Date.now();
    const closing = server.close();
    assert.equal((await getJson(server.httpPort, "/healthz")).status, 503);
    const ended = await call.done;
    assert.ok(Date.now() - started < 1500, `the stream ended ${Date.now() - started}ms after close()`);
    assert.equal(ended.responses.length, 1);
    assert.deepEqual([ended.grpcStatus, ended.grpcMessage], [Code.Unavailable, "the server is shutting down"]);
    await closing;
    const nodes = await server.registry.nodes();
    assert.deepEqual(nodes.map((n) => [n.node.id, n.state]), [["n1", "grace"]]);
    const again = connectRaw(server.grpcPort);
    const refused = await new Promise<string>((resolve) => again.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "")));
    assert.equal(refused, "ECONNREFUSED");
    assert.deepEqual(log.filter((e) => e.event === "stream-closed").length, 1);
    session.destroy();
    await server.close();
  });
});
