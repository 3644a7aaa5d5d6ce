import assert from "node:assert/strict";
import { after, before, suite, test } from "node:test";
import { createClient } from "@redis/client";
import { redisMissingReason, startRedisServer, type RedisServerProcess } from "./redis-server.testdata.js";
import { initiatorTunnel, testReporter } from "./reporter.testdata.js";
import { startServeProcess, type ServeProcess } from "./serve-process.testdata.js";
import { getJson, sleep, waitFor } from "./server.testdata.js";

const skip = redisMissingReason();

/** `/tunnels` of a replica as sorted `node/name` strings. */
async function names(replica: ServeProcess): Promise<string[]> {
  const { body } = await getJson<{ tunnels: { name: string; reportingNode: { id: string } }[] }>(replica.httpPort, "/tunnels");
  return body.tunnels.map((t) => `${t.reportingNode.id}/${t.name}`).sort();
}

// Long enough that a busy machine (the whole suite on two cores) never stalls a live replica past its lease.
const leaseMs = 2_000;
const graceMs = 1_000;

/**
 * Every replica's lease key and the time of its last renewal (the key's value,
 * in ms since the epoch). Read after a kill, the killed replica's value is its
 * last renewal, which a busy machine may have delayed: its nodes may go no
 * earlier than that renewal + lease + grace.
 */
async function leaseRenewals(url: string): Promise<Map<string, number>> {
  const client = createClient({ url });
  await client.connect();
  try {
    const keys = await client.sendCommand<string[]>(["KEYS", "envoy-tap-tunnel:lease:*"]);
    const values = keys.length === 0 ? [] : await client.sendCommand<(string | null)[]>(["MGET", ...keys]);
    return new Map(keys.flatMap((key, i) => (values[i] == null ? [] : [[key, Number(values[i])] as const])));
  } finally {
    client.destroy();
  }
}

suite("serve --store redis: replicas as processes, one killed with SIGKILL", { skip, timeout: 60_000 }, () => {
  let redis: RedisServerProcess;
  const replicas: ServeProcess[] = [];
  before(async () => {
    redis = await startRedisServer();
  });
  after(async () => {
    for (const replica of replicas) await replica.kill();
    await redis?.kill();
  });
  const serve = async () => {
    const replica = await startServeProcess(["--store", redis.url, "--lease", `${leaseMs}ms`, "--grace", `${graceMs}ms`]);
    replicas.push(replica);
    return replica;
  };

  test("the killed replica's nodes keep their tunnels for lease + grace, not less, then go; the survivor's stay", async (t) => {
    const [doomed, survivor] = [await serve(), await serve()];
    const onDoomed = testReporter(doomed.grpcPort, "upstream-k");
    const onSurvivor = testReporter(survivor.grpcPort, "upstream-s");
    try {
      onDoomed.reporter.addTunnel(initiatorTunnel("a"));
      onDoomed.reporter.addTunnel(initiatorTunnel("b"));
      onSurvivor.reporter.addTunnel(initiatorTunnel("c"));
      onDoomed.reporter.start();
      onSurvivor.reporter.start();
      const all = ["upstream-k/t1:a", "upstream-k/t1:b", "upstream-s/t1:c"];
      await waitFor("both nodes on the survivor", async () => JSON.stringify(await names(survivor)) === JSON.stringify(all), 10_000);
      // The reporter keeps trying the dead address (as an Envoy would until its cluster says otherwise).
      await doomed.kill("SIGKILL");
      const killedAt = Date.now();
      const renewalsAtKill = await leaseRenewals(redis.url);
      let lostAt: number | undefined;
      let sawGrace = false;
      while (lostAt === undefined && Date.now() - killedAt < 2 * (leaseMs + graceMs) + 10_000) {
        const seen = await names(survivor);
        const { body } = await getJson<{ nodes: { id: string; state: string }[] }>(survivor.httpPort, "/nodes");
        if (body.nodes.some((n) => n.id === "upstream-k" && n.state === "grace")) sawGrace = true;
        if (JSON.stringify(seen) === JSON.stringify(["upstream-s/t1:c"])) lostAt = Date.now();
        else assert.deepEqual(seen, all, "until then, everything stays");
        await sleep(25);
      }
      assert.notEqual(lostAt, undefined, "the killed replica's tunnels went");
      // The killed replica's lease is the one that lapsed; the survivor keeps renewing its own.
      const stillHeld = await leaseRenewals(redis.url);
      const lapsed = [...renewalsAtKill].filter(([key]) => !stillHeld.has(key));
      assert.equal(lapsed.length, 1, `exactly the killed replica's lease lapsed (at the kill: ${[...renewalsAtKill.keys()].join(", ")})`);
      const earliestLossAt = lapsed[0]![1] + leaseMs + graceMs;
      const after = lostAt! - killedAt;
      // 50 ms of slack: the lease's expiry and Date.now() in the replica and here are read at millisecond granularity.
      assert.ok(lostAt! >= earliestLossAt - 50, `lost ${earliestLossAt - lostAt!}ms before the last lease renewal + lease + grace`);
      t.diagnostic(`the killed replica's tunnels went ${after}ms after the kill (lease ${leaseMs}ms, grace ${graceMs}ms)`);
      assert.ok(sawGrace, "the node was in its grace period before it went");
      assert.deepEqual(await names(survivor), ["upstream-s/t1:c"]);
    } finally {
      await Promise.all([onDoomed.reporter.stop(), onSurvivor.reporter.stop()]);
    }
  });

  test("a replica killed with SIGKILL: its nodes reconnect to another replica and nothing is lost, even after lease + grace", async () => {
    const [doomed, survivor] = [await serve(), await serve()];
    const first = testReporter(doomed.grpcPort, "upstream-m");
    const moved = testReporter(survivor.grpcPort, "upstream-m");
    try {
      for (const name of ["a", "b", "c"]) {
        first.reporter.addTunnel(initiatorTunnel(name));
        moved.reporter.addTunnel(initiatorTunnel(name));
      }
      first.reporter.start();
      const all = ["upstream-m/t1:a", "upstream-m/t1:b", "upstream-m/t1:c"];
      await waitFor("the node on the survivor", async () => JSON.stringify(await names(survivor)) === JSON.stringify(all), 10_000);
      await doomed.kill("SIGKILL");
      await first.reporter.stop();
      moved.reporter.start(); // the Envoy reconnects through the load balancer to the survivor
      const until = Date.now() + leaseMs + graceMs + 1_500;
      while (Date.now() < until) {
        assert.deepEqual(await names(survivor), all);
        await sleep(25);
      }
      // A replica started now (a restart of the killed one) sees the same.
      const restarted = await serve();
      assert.deepEqual(await names(restarted), all);
      moved.reporter.removeTunnel("t1:b");
      await waitFor("a diff seen by the restarted replica", async () => JSON.stringify(await names(restarted)) === JSON.stringify(["upstream-m/t1:a", "upstream-m/t1:c"]));
    } finally {
      await Promise.all([first.reporter.stop(), moved.reporter.stop()]);
    }
  });

  test("serve --max-unconfirmed-writes reaches the store: its start-up line states what an ACK means", async () => {
    const strict = await startServeProcess(["--store", redis.url, "--max-unconfirmed-writes", "0"]);
    replicas.push(strict);
    assert.match(strict.output(), /; store Redis \(replica [0-9a-f]+, lease 10s, every ACK after its Redis write\)\n/);
    const loose = await startServeProcess(["--store", redis.url, "--max-unconfirmed-writes", "250"]);
    replicas.push(loose);
    assert.match(loose.output(), /, lease 10s, ACKs from memory while at most 250 writes wait\)\n/);
  });

  test("serve --store with no Redis there exits 2 with one clear line", async () => {
    await assert.rejects(startServeProcess(["--store", "redis://127.0.0.1:1"]), /serve exited with 2: envoy-tap-tunnel: cannot connect to Redis at redis:\/\/127\.0\.0\.1:1: connect ECONNREFUSED 127\.0\.0\.1:1\n$/);
  });
});
