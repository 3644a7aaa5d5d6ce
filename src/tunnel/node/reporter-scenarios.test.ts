import assert from "node:assert/strict";
import { createServer as createTcpServer, connect as connectTcp, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { suite, test } from "node:test";
import { MemoryTunnelStore, type NodeRecord, type RegistryEvent, type TunnelStore } from "../index.js";
import { initiatorTunnel, testReporter } from "./reporter.testdata.js";
import { startReportingServer } from "./start-reporting-server.js";
import { getJson, sleep, tunnelNames, waitFor } from "./server.testdata.js";

/** The reporter's own view of what the registry should hold: `node/name` of its active tunnels. */
function expected(nodeId: string, names: readonly string[]): string[] {
  return names.map((name) => `${nodeId}/${name}`).sort();
}

/** A memory store whose every call waits while paused: a server that stops answering without closing anything. */
class PausableStore implements TunnelStore {
  readonly #inner = new MemoryTunnelStore();
  #gate: Promise<void> | undefined;
  #open: (() => void) | undefined;
  pause(): void {
    this.#gate ??= new Promise((resolve) => (this.#open = resolve));
  }
  resume(): void {
    this.#open?.();
    this.#gate = undefined;
  }
  async #wait(): Promise<void> {
    while (this.#gate !== undefined) await this.#gate;
  }
  async getNode(key: string) {
    await this.#wait();
    return this.#inner.getNode(key);
  }
  async putNode(key: string, record: NodeRecord, expectedVersion: number | undefined) {
    await this.#wait();
    return this.#inner.putNode(key, record, expectedVersion);
  }
  async deleteNode(key: string, expectedVersion: number) {
    await this.#wait();
    return this.#inner.deleteNode(key, expectedVersion);
  }
  listNodes() {
    return this.#inner.listNodes();
  }
  nodeKeysByInitiator(initiatorNodeId: string) {
    return this.#inner.nodeKeysByInitiator(initiatorNodeId);
  }
}

suite("ReporterClient against startReportingServer()", () => {
  test("server restart and changes while it is down: the reporter reconnects with a full push and the registry converges", async () => {
    let server = await startReportingServer();
    const port = server.grpcPort;
    const { reporter, events } = testReporter(port, "upstream-1");
    try {
      reporter.addTunnel(initiatorTunnel("a"));
      reporter.addTunnel(initiatorTunnel("b"));
      reporter.start();
      await waitFor("the first registry", async () => (await tunnelNames(server)).length === 2);
      await server.close();
      await waitFor("the reporter to notice", () => !reporter.connected);
      // Changes while no server listens.
      reporter.removeTunnel("t1:a");
      reporter.addTunnel(initiatorTunnel("c"));
      await sleep(250);
      server = await startReportingServer({ grpcPort: port });
      await waitFor("the new server's registry", async () => (await tunnelNames(server)).join() === expected("upstream-1", ["t1:b", "t1:c"]).join());
      const sent = events.filter((e) => e.type === "sent").map((e) => (e.type === "sent" ? e.request : undefined)!);
      const pushes = sent.filter((request) => request.fullPush);
      assert.ok(pushes.length >= 2, "a full push on each connection");
      const last = pushes[pushes.length - 1]!;
      assert.equal(last.nonce, 1n);
      assert.deepEqual(last.addedTunnels.map((t) => t.name).sort(), ["t1:b", "t1:c"]);
      assert.deepEqual(last.removedTunnelNames, []);
    } finally {
      await reporter.stop();
      await server.close();
    }
  });

  test("NACK: the reporter resets, reconnects with a full push, and nothing is lost", async () => {
    const server = await startReportingServer({ maxTunnelsPerNode: 3 });
    const { reporter, events } = testReporter(server.grpcPort, "upstream-1");
    try {
      reporter.addTunnel(initiatorTunnel("a"));
      reporter.addTunnel(initiatorTunnel("b"));
      reporter.start();
      await waitFor("the full push", async () => (await tunnelNames(server)).length === 2);
      // Four tunnels are over the server's limit: the diff is NACKed RESOURCE_EXHAUSTED, and so is each full push after it.
      reporter.addTunnel(initiatorTunnel("c"));
      reporter.addTunnel(initiatorTunnel("d"));
      await waitFor("a NACK and a reconnect", () => events.some((e) => e.type === "nack") && reporter.stats().counters.connection_attempts >= 2);
      assert.deepEqual(await tunnelNames(server), expected("upstream-1", ["t1:a", "t1:b"]), "a NACKed report changes nothing");
      reporter.removeTunnel("t1:a");
      await waitFor("the registry to hold what the reporter holds", async () => (await tunnelNames(server)).join() === expected("upstream-1", ["t1:b", "t1:c", "t1:d"]).join());
      const nack = events.find((e) => e.type === "nack");
      assert.equal(nack?.type === "nack" ? nack.response.errorDetail?.code : undefined, 8 /* RESOURCE_EXHAUSTED */);
      assert.ok(reporter.stats().counters.disconnects.nack_received >= 1);
    } finally {
      await reporter.stop();
      await server.close();
    }
  });

  test("the server changes report_interval: the send cadence follows", async () => {
    const server = await startReportingServer({ reportIntervalMs: 300 });
    const { reporter, events } = testReporter(server.grpcPort, "upstream-1", { sendIntervalMs: 50 });
    const sendTimes: number[] = [];
    reporter.subscribe((event) => {
      if (event.type === "sent") sendTimes.push(Date.now());
    });
    try {
      reporter.start();
      await waitFor("the interval from the first ACK", () => events.some((e) => e.type === "report-interval"));
      const slowFrom = sendTimes.length;
      await sleep(1300);
      const slow = gaps(sendTimes.slice(slowFrom));
      server.registry.setReportInterval(40);
      await waitFor("the new interval", () => events.filter((e) => e.type === "report-interval").length >= 2, 3000);
      const fastFrom = sendTimes.length;
      await sleep(600);
      const fast = gaps(sendTimes.slice(fastFrom));
      assert.ok(slow.length >= 2 && median(slow) >= 250 && median(slow) < 450, `gaps at 300ms: ${slow.join(", ")}`);
      assert.ok(fast.length >= 5 && median(fast) < 120, `gaps at 40ms: ${fast.join(", ")}`);
      assert.equal(reporter.stats().gauges.send_interval, 40);
    } finally {
      await reporter.stop();
      await server.close();
    }
  });

  test("the unacknowledged limit: a server that stops ACKing is left and rejoined", async () => {
    const store = new PausableStore();
    const server = await startReportingServer({ store });
    const { reporter, events } = testReporter(server.grpcPort, "upstream-1", { maxRetries: 2, connectRetryIntervalMs: 100 });
    try {
      reporter.addTunnel(initiatorTunnel("a"));
      reporter.start();
      await waitFor("the first ACK", () => events.some((e) => e.type === "ack"));
      store.pause();
      await waitFor("the reporter to give up on the stream", () => reporter.stats().counters.disconnects.max_retries_exceeded >= 1, 3000);
      reporter.addTunnel(initiatorTunnel("b"));
      store.resume();
      await waitFor("the rejoin", async () => (await tunnelNames(server)).join() === expected("upstream-1", ["t1:a", "t1:b"]).join(), 3000);
      const acksAfter = reporter.stats().counters.acks_received;
      await waitFor("ACKs on the new stream", () => reporter.stats().counters.acks_received > acksAfter + 2);
    } finally {
      store.resume();
      await reporter.stop();
      await server.close();
    }
  });

  test("a stream killed mid-report: the node's tunnels are kept for the grace period, then dropped", async () => {
    const server = await startReportingServer({ graceMs: 400 });
    const registryEvents: RegistryEvent[] = [];
    server.registry.subscribe((event) => registryEvents.push(event));
    // A TCP relay between reporter and server, so the connection can be cut like a network failure.
    const sockets = new Set<Socket>();
    const relay = createTcpServer((inbound) => {
      const outbound = connectTcp(server.grpcPort, "127.0.0.1");
      for (const socket of [inbound, outbound]) {
        sockets.add(socket);
        socket.on("error", () => undefined);
        socket.on("close", () => sockets.delete(socket));
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
    const { reporter, events } = testReporter((relay.address() as AddressInfo).port, "upstream-1", { connectRetryIntervalMs: 60_000 });
    try {
      reporter.addTunnel(initiatorTunnel("a"));
      reporter.start();
      await waitFor("the full push", async () => (await tunnelNames(server)).length === 1);
      // Cut the connection right after a request leaves the reporter.
      await new Promise<void>((resolve) => {
        const off = reporter.subscribe((event) => {
          if (event.type !== "sent") return;
          off();
          relay.close();
          for (const socket of sockets) socket.destroy();
          resolve();
        });
      });
      await waitFor("the node's grace period", () => registryEvents.some((e) => e.type === "node-disconnected"));
      const inGrace = await getJson<{ nodes: { id: string; state: string; tunnelCount: number }[] }>(server.httpPort, "/nodes");
      assert.deepEqual(inGrace.body.nodes.map((n) => [n.id, n.state, n.tunnelCount]), [["upstream-1", "grace", 1]]);
      assert.deepEqual(await tunnelNames(server), ["upstream-1/t1:a"]);
      await waitFor("the node to expire", () => registryEvents.some((e) => e.type === "node-expired"), 3000);
      assert.deepEqual(await tunnelNames(server), []);
      assert.deepEqual((await getJson<{ count: number }>(server.httpPort, "/nodes")).body.count, 0);
      assert.ok(events.some((e) => e.type === "disconnected"));
    } finally {
      await reporter.stop();
      relay.close();
      await server.close();
    }
  });
});

function gaps(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]!);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}
