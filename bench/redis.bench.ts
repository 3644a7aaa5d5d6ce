import { once } from "node:events";
import { join } from "node:path";
import { createClient } from "@redis/client";
import { startRedisServer } from "../src/tunnel/node/redis-server.testdata.js";
import { fleet, runReporterFleet, startReadyChild, type FleetResult, type ReadyChild } from "./reporter-fleet.js";

const { streams, tunnelsPerStream, intervalMs, durationMs, warmupMs } = fleet;

interface RunResult extends FleetResult {
  readonly label: string;
  readonly cpuSeconds: number;
}

async function startReplica(args: string[]): Promise<ReadyChild> {
  return await startReadyChild([join(import.meta.dirname, "redis-replica.child.mjs"), ...args], "the replica");
}

async function stopReplica(replica: ReadyChild): Promise<number> {
  const exited = once(replica.child, "close");
  replica.child.kill("SIGTERM");
  await exited;
  const cpu = /cpu-seconds=([\d.]+)/.exec(replica.output());
  if (!cpu) throw new Error(`the replica did not report its CPU time: ${replica.output()}`);
  return Number(cpu[1]);
}

async function usedMemory(url: string): Promise<number> {
  const client = createClient({ url });
  await client.connect();
  const info = await client.sendCommand<string>(["INFO", "memory"]);
  await client.close();
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}

/**
 * The same fleet against two replicas sharing one real redis-server and
 * against one replica with the memory store, in the same run.
 */
export async function runRedisBench(): Promise<string> {
  const memoryReplica = await startReplica(["memory"]);
  const memoryLoad = await runReporterFleet([memoryReplica.port]);
  const memory: RunResult = { ...memoryLoad, label: "one replica, memory store", cpuSeconds: await stopReplica(memoryReplica) };

  const redis = await startRedisServer();
  try {
    const baseline = await usedMemory(redis.url);
    const replicas = [await startReplica(["redis", redis.url]), await startReplica(["redis", redis.url])];
    let bytesPerTunnel = NaN;
    const redisLoad = await runReporterFleet(replicas.map((r) => r.port), async () => {
      bytesPerTunnel = ((await usedMemory(redis.url)) - baseline) / (streams * tunnelsPerStream);
    });
    let cpuSeconds = 0;
    for (const replica of replicas) cpuSeconds += await stopReplica(replica);
    const shared: RunResult = { ...redisLoad, label: "two replicas, one Redis", cpuSeconds };
    const fmt = (value: number, digits = 1) => value.toFixed(digits);
    const row = (r: RunResult) =>
      `| ${r.label} | ${fmt(r.reportsPerSecond, 0)} | ${fmt(r.p50, 2)} ms | ${fmt(r.p99, 2)} ms | ${fmt(r.cpuSeconds, 2)} s | ${r.nacks} | ${r.disconnects} |`;
    const ratio = shared.reportsPerSecond / memory.reportsPerSecond;
    const met = (ok: boolean) => (ok ? "met" : "**not met**");
    return [
      "## Reporting server replicas on Redis",
      "",
      `${streams} reporter streams × ${tunnelsPerStream} tunnels, 1% churn per ${intervalMs / 1000} s interval, measured for ${durationMs / 1000} s after a ${warmupMs / 1000} s warm-up: spread over two \`serve\` replicas (child processes) sharing one \`redis-server\` (\`--save '' --appendonly no\`, loopback), and the same load on one replica with the memory store, in the same run. Replica CPU is the sum over replicas.`,
      "",
      "| setup | reports/s (ACKed) | ACK p50 | ACK p99 | replica CPU | NACKs | disconnects |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      row(memory),
      row(shared),
      "",
      `Redis memory per tunnel held (\`INFO memory\` used_memory growth / tunnels): ${fmt(bytesPerTunnel, 0)} bytes.`,
      "",
      `Targets: reports/s ≥ 0.5 of memory: **${fmt(ratio, 2)}** (${met(ratio >= 0.5)}); p99 < 100 ms: ${fmt(shared.p99, 2)} ms (${met(shared.p99 < 100)}).`,
    ].join("\n");
  } finally {
    await redis.kill();
  }
}
