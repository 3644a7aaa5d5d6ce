import assert from "node:assert/strict";
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { suite, test } from "node:test";
import { waitFor } from "../src/tunnel/node/server.testdata.js";
import { startReportingServer } from "../src/tunnel/node/start-reporting-server.js";

/** Starts one fleet process (reporter-fleet.child.mjs, on dist/) with `streams` reporters against `port`. */
function startFleet(port: number, streams: number, tunnelsPerStream: number): ChildProcess {
  const config = { ports: [port], firstStream: 0, streams, tunnelsPerStream, intervalMs: 100, startSpreadMs: 50, connectRetryIntervalMs: 100, maxRetries: 5 };
  return fork(join(import.meta.dirname, "reporter-fleet.child.mjs"), [JSON.stringify(config)], { execArgv: [], stdio: ["ignore", "inherit", "inherit", "ipc"] });
}

/** Waits for the fleet's next IPC message of `type`. */
async function message(child: ChildProcess, type: string): Promise<Record<string, unknown>> {
  for (;;) {
    const [received] = (await once(child, "message")) as [Record<string, unknown>];
    if (received["type"] === type) return received;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = once(child, "exit");
  child.send("close");
  await exited;
}

suite("the benchmark's reporter fleet behaves like Envoy's client against the real server", { timeout: 30_000 }, () => {
  test("full pushes, then diffs with churn, every one ACKed; the registry holds each reporter's current tunnels", async () => {
    const server = await startReportingServer({ graceMs: 60_000 });
    const fleet = startFleet(server.grpcPort, 3, 20);
    try {
      await message(fleet, "warm");
      fleet.send("measure");
      await new Promise((resolve) => setTimeout(resolve, 600));
      fleet.send("report");
      const result = await message(fleet, "result");
      assert.ok((result["acks"] as number) >= 9, `ACKs in the window: ${String(result["acks"])}`);
      assert.equal(result["nacks"], 0);
      assert.deepEqual(result["disconnects"], { max_retries_exceeded: 0, nack_received: 0, remote_close: 0, stream_creation_failed: 0 });
      const tunnels = await server.registry.tunnels({ node: "bench-1" });
      assert.equal(tunnels.length, 20, "churn replaces a tunnel, it never adds one");
      // Each interval drops the oldest tunnel: after a dozen intervals the first ones are gone.
      assert.ok(!tunnels.some((t) => t.name === "tenant-1:bench-1-downstream-1"));
      assert.equal(server.registry.stats().nacks["FAILED_PRECONDITION"], undefined, "nonces rise and every stream starts with a full push");
    } finally {
      await stop(fleet);
      await server.close();
    }
  });

  test("a NACK makes a reporter reset its stream and reconnect with a full push", async () => {
    // 20 tunnels per node at most: every full push of 30 is NACKed RESOURCE_EXHAUSTED.
    const server = await startReportingServer({ maxTunnelsPerNode: 20 });
    const fleet = startFleet(server.grpcPort, 1, 30);
    try {
      fleet.send("measure");
      // The process loads in a few hundred ms; then a NACK, 100 ms, a reconnect, a NACK...
      await waitFor("two NACKed full pushes", () => (server.registry.stats().nacks["RESOURCE_EXHAUSTED"] ?? 0) >= 3, 10_000);
      fleet.send("report");
      const result = await message(fleet, "result");
      const disconnects = result["disconnects"] as Record<string, number>;
      assert.ok(disconnects["nack_received"]! >= 2, `disconnects: ${JSON.stringify(disconnects)}`);
      assert.ok((result["nacks"] as number) >= 2);
      assert.equal(result["acks"], 0);
      // Each reconnect is a new stream whose first request is a full push (else FAILED_PRECONDITION).
      const nacks = server.registry.stats().nacks;
      assert.ok(nacks["RESOURCE_EXHAUSTED"]! >= 2);
      assert.equal(nacks["FAILED_PRECONDITION"], undefined);
    } finally {
      await stop(fleet);
      await server.close();
    }
  });
});
