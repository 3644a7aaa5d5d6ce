import assert from "node:assert/strict";
import { after, before, suite, test } from "node:test";
import { Code } from "@connectrpc/connect";
import { diff, fullPush, tunnel } from "../registry.testdata.js";
import { connectRaw, grpcFrame, openRawStream, requestFrame, type RawCallResult } from "./raw-grpc.testdata.js";
import { startReportingServer } from "./start-reporting-server.js";
import type { ReportingServer } from "./reporting-server-options.js";
import { waitFor } from "./server.testdata.js";

/**
 * The same conversation on one stream: a full push, a diff, a repeated nonce
 * (NACK), a compressed message (the stream's error), under `headers`. Returns
 * the responses' nonces and NACK codes and the final status.
 */
async function converse(port: number, nodeId: string, headers: Record<string, string>) {
  const session = connectRaw(port);
  try {
    const { stream, responses, done } = openRawStream(session, headers);
    const node = { id: nodeId, cluster: "core" };
    stream.write(requestFrame(fullPush(1n, [tunnel(`${nodeId}/a`)], node)));
    stream.write(requestFrame(diff(2n, [tunnel(`${nodeId}/b`)], [`${nodeId}/a`], node)));
    stream.write(requestFrame(diff(2n, [], [], node)));
    await waitFor("three responses", () => responses.length === 3, 5_000);
    stream.write(grpcFrame(new Uint8Array([1, 2, 3]), 3, 1));
    const result: RawCallResult = await done;
    session.close();
    return {
      responses: result.responses.map((r) => ({ nonce: r.requestNonce, nack: r.errorDetail?.code })),
      status: [result.grpcStatus, result.grpcMessage],
    };
  } finally {
    session.destroy();
  }
}

suite("serveReportingStream (Envoy's calls on the HTTP/2 stream) and Connect's handler (other calls)", { timeout: 30_000 }, () => {
  let server: ReportingServer;
  before(async () => {
    server = await startReportingServer({ graceMs: 60_000 });
  });
  after(async () => {
    await server.close();
  });

  test("answer the same conversation identically", async () => {
    // No grpc-timeout: the direct path. A deadline: Connect's handler.
    const direct = await converse(server.grpcPort, "direct", {});
    const viaConnect = await converse(server.grpcPort, "connect", { "grpc-timeout": "30S" });
    const expected = {
      responses: [
        { nonce: 1n, nack: undefined },
        { nonce: 2n, nack: undefined },
        { nonce: 2n, nack: Code.FailedPrecondition },
      ],
      status: [Code.Internal, "received compressed envelope, but do not know how to decompress"],
    };
    assert.deepEqual(direct, expected);
    assert.deepEqual(viaConnect, expected);
    const held = await server.registry.tunnels();
    assert.deepEqual(held.map((t) => t.name).sort(), ["connect/b", "direct/b"]);
  });

  test("a stream whose client does not read its ACKs stops being read, then resumes", async () => {
    const session = connectRaw(server.grpcPort, { settings: { initialWindowSize: 64 } });
    try {
      const { stream, responses } = openRawStream(session);
      stream.pause();
      const node = { id: "slow-reader", cluster: "core" };
      stream.write(requestFrame(fullPush(1n, [tunnel("slow/a")], node)));
      for (let nonce = 2n; nonce <= 2000n; nonce++) stream.write(requestFrame(diff(nonce, [], [], node)));
      // A 64-byte window holds a few ACKs (~25 bytes each), the server's stream buffer 16 KiB more; then the server must wait.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const appliedWhilePaused = server.registry.stats().acks;
      stream.resume();
      await waitFor("all 2000 ACKs", () => responses.length === 2000, 10_000);
      assert.ok(responses.every((r, i) => r.requestNonce === BigInt(i + 1) && r.errorDetail === undefined));
      assert.ok(appliedWhilePaused < server.registry.stats().acks, "requests waited while the client did not read");
    } finally {
      session.destroy();
    }
  });
});
