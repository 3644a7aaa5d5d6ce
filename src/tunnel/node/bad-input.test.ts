import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { connect as connectTcp } from "node:net";
import { after, before, suite, test } from "node:test";
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { Code } from "@connectrpc/connect";
import { diff, fullPush, tunnel } from "../registry.testdata.js";
import { connectRaw, grpcFrame, openRawStream, requestFrame } from "./raw-grpc.testdata.js";
import { startReportingServer } from "./start-reporting-server.js";
import type { ReportingServer } from "./reporting-server-options.js";
import { getJson, httpGet, sleep, tunnelNames, waitFor } from "./server.testdata.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** A stream that keeps reporting throughout: after each abuse it must still get its ACK. */
function startWitness(port: number) {
  const session = connectRaw(port);
  const { stream, responses } = openRawStream(session);
  const node = { id: "witness", cluster: "core" };
  let nonce = 1n;
  stream.write(requestFrame(fullPush(1n, [tunnel("w")], node)));
  return {
    async heartbeat(): Promise<void> {
      nonce++;
      const sent = nonce;
      stream.write(requestFrame(diff(sent, [], [], node)));
      await waitFor(`the witness's ACK of nonce ${sent}`, () => responses.some((r) => r.requestNonce === sent && r.errorDetail === undefined), 5_000);
    },
    close() {
      stream.close();
      session.close();
    },
  };
}

suite("startReportingServer() under bad input", { timeout: 60_000 }, () => {
  let server: ReportingServer;
  let witness: ReturnType<typeof startWitness>;
  before(async () => {
    server = await startReportingServer({ maxMessageBytes: 64 * 1024, graceMs: 200 });
    witness = startWitness(server.grpcPort);
    await witness.heartbeat();
  });
  after(async () => {
    witness.close();
    await server.close();
  });

  test("an oversized message ends its stream with RESOURCE_EXHAUSTED", async () => {
    const session = connectRaw(server.grpcPort);
    const { stream, done } = openRawStream(session);
    const big = Array.from({ length: 2000 }, (_, i) => tunnel(`tunnel-${i}-${"x".repeat(40)}`));
    stream.end(requestFrame(fullPush(1n, big, { id: "big", cluster: "core" })));
    const result = await done;
    session.close();
    assert.equal(result.grpcStatus, Code.ResourceExhausted);
    assert.deepEqual(result.responses, []);
    assert.deepEqual(await tunnelNames(server, "?node=big"), []);
    await witness.heartbeat();
  });

  test("garbage bytes instead of HTTP/2 close that connection only", async () => {
    const socket = connectTcp(server.grpcPort, "127.0.0.1");
    socket.on("error", () => undefined);
    socket.resume();
    socket.write(randomBytes(4096));
    await new Promise((resolve) => socket.on("close", resolve));
    await witness.heartbeat();
  });

  test("garbage bytes inside a gRPC stream end that stream with an error status", async () => {
    const session = connectRaw(server.grpcPort);
    const { stream, done } = openRawStream(session);
    // A flags byte that is neither 0 nor 1, then noise.
    stream.end(Buffer.concat([Buffer.from([0x7f, 0, 0, 0, 4]), randomBytes(4)]));
    const result = await done;
    const second = openRawStream(session);
    // A valid frame header around bytes that are no protobuf message.
    second.stream.end(grpcFrame(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff])));
    const secondResult = await second.done;
    session.close();
    // gRPC's own mapping: an envelope or message the server cannot read is INTERNAL.
    assert.deepEqual([result.grpcStatus, result.grpcMessage], [Code.Internal, "received compressed envelope, but do not know how to decompress"]);
    assert.deepEqual([secondResult.grpcStatus, secondResult.grpcMessage], [Code.Internal, "parse binary: premature EOF"]);
    assert.deepEqual([...result.responses, ...secondResult.responses], []);
    await witness.heartbeat();
  });

  test("a gRPC frame whose length is longer than what follows ends the stream with an error", async () => {
    const session = connectRaw(server.grpcPort);
    const { stream, done } = openRawStream(session);
    const payload = requestFrame(fullPush(1n, [tunnel("short")], { id: "short", cluster: "core" })).subarray(5);
    stream.end(grpcFrame(payload, payload.length + 100));
    const result = await done;
    session.close();
    assert.deepEqual([result.grpcStatus, result.grpcMessage], [Code.InvalidArgument, "protocol error: incomplete envelope"]);
    assert.deepEqual(result.responses, []);
    assert.deepEqual(await tunnelNames(server, "?node=short"), []);
    // A declared length past the message limit is refused before the bytes arrive.
    const session2 = connectRaw(server.grpcPort);
    const huge = openRawStream(session2);
    huge.stream.write(grpcFrame(Buffer.alloc(0), 0xffffffff));
    const hugeResult = await huge.done;
    session2.close();
    assert.equal(hugeResult.grpcStatus, Code.ResourceExhausted);
    await witness.heartbeat();
  });

  test("a client that never reads its responses holds only its own stream", async () => {
    // A receive window of zero: the server can send this client nothing at all.
    const session = connectRaw(server.grpcPort, { settings: { initialWindowSize: 0 } });
    const { stream } = openRawStream(session);
    stream.pause();
    const node = { id: "deaf", cluster: "core" };
    stream.write(requestFrame(fullPush(1n, [tunnel("d0")], node)));
    for (let nonce = 2n; nonce <= 2000n; nonce++) {
      if (!stream.write(requestFrame(diff(nonce, [tunnel(`d${nonce}`)], [], node)))) break;
    }
    await sleep(200);
    await witness.heartbeat();
    const { body } = await getJson<{ status: string }>(server.httpPort, "/healthz");
    assert.equal(body.status, "ok");
    stream.close();
    session.destroy();
    await witness.heartbeat();
  });

  test("a thousand streams opened and dropped: the server stays up, memory stays bounded, the witness keeps its ACKs", async () => {
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let round = 0; round < 10; round++) {
      const session = connectRaw(server.grpcPort);
      const calls = Array.from({ length: 100 }, (_, i) => {
        const call = openRawStream(session);
        call.stream.write(requestFrame(fullPush(1n, [tunnel(`r${round}-${i}`)], { id: `dropped-${round}-${i}`, cluster: "core" })));
        return call;
      });
      await waitFor("the full pushes' ACKs", () => calls.every((c) => c.responses.length === 1), 10_000);
      // Half are reset, half lose their connection.
      for (const [i, call] of calls.entries()) if (i % 2 === 0) call.stream.close();
      session.destroy();
      await witness.heartbeat();
    }
    // Every dropped node leaves after its grace period.
    await waitFor("the dropped nodes to expire", async () => (await getJson<{ count: number }>(server.httpPort, "/nodes")).body.count === 1, 5_000);
    const metrics = (await httpGet(server.httpPort, "/metrics")).text;
    assert.match(metrics, /^envoy_tap_tunnel_streams_open 1$/m, "only the witness's stream is open");
    assert.match(metrics, /^envoy_tap_tunnel_tunnels 1$/m);
    gc();
    const grownMiB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    assert.ok(grownMiB < 20, `heap grew by ${grownMiB.toFixed(1)} MiB`);
    await witness.heartbeat();
    assert.deepEqual(await tunnelNames(server), ["witness/w"]);
  });
});
