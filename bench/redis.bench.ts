import { once } from "node:events";
import { join } from "node:path";
import { createClient } from "@redis/client";
import { startRedisServer } from "../src/tunnel/node/redis-server.testdata.js";
import { fleet, fleetMethod, runReporterFleet, startReadyChild, type FleetResult, type ReadyChild } from "./reporter-fleet.js";

const { streams, tunnelsPerStream, intervalMs, durationMs } = fleet;

interface RunResult extends FleetResult {
  readonly label: string;
  readonly cpuSeconds: number;
  /** The worst replica's event-loop delay, p99 and max (ms), over the whole run. */
  readonly loopDelayP99: number;
  readonly loopDelayMax: number;
  /** Server-side apply time (report received to response ready, Redis included), p99 over replicas, from /metrics, measured window only. */
  readonly applyP99: string;
}

interface StoppedReplica {
  readonly cpuSeconds: number;
  readonly loopDelayP99: number;
  readonly loopDelayMax: number;
}

/** `le` bound -> cumulative count of the apply-duration histogram of one replica's /metrics. */
type ApplyBuckets = Map<string, number>;

async function applyBuckets(replica: ReadyChild): Promise<ApplyBuckets> {
  const httpPort = Number(/httpPort=(\d+)/.exec(replica.output())?.[1]);
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const buckets: ApplyBuckets = new Map();
  for (const match of text.matchAll(/^envoy_tap_tunnel_apply_duration_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)) buckets.set(match[1]!, Number(match[2]));
  return buckets;
}

/** The smallest bucket bound holding 99% of the requests applied between two snapshots, summed over replicas. */
function applyP99(before: readonly ApplyBuckets[], after: readonly ApplyBuckets[]): string {
  const counts = new Map<string, number>();
  after.forEach((buckets, i) => {
    for (const [le, count] of buckets) counts.set(le, (counts.get(le) ?? 0) + count - (before[i]?.get(le) ?? 0));
  });
  const total = counts.get("+Inf") ?? 0;
  for (const [le, count] of counts) if (count >= 0.99 * total) return le === "+Inf" ? "> 1 s" : `≤ ${Number(le) * 1000} ms`;
  return "n/a";
}

/** Snapshots of every replica's apply histogram when the fleet's measured window starts and ends. */
async function measureApply(
  replicas: readonly ReadyChild[],
  run: (beforeStop: () => Promise<void>, onMeasuring: () => void) => Promise<FleetResult>,
): Promise<FleetResult & { applyP99: string }> {
  let before: Promise<ApplyBuckets[]> = Promise.resolve([]);
  let p99 = "n/a";
  const result = await run(
    async () => {
      p99 = applyP99(await before, await Promise.all(replicas.map(applyBuckets)));
    },
    () => {
      before = Promise.all(replicas.map(applyBuckets));
    },
  );
  return { ...result, applyP99: p99 };
}

async function startReplica(args: string[]): Promise<ReadyChild> {
  return await startReadyChild([join(import.meta.dirname, "redis-replica.child.mjs"), ...args], "the replica");
}

async function stopReplica(replica: ReadyChild): Promise<StoppedReplica> {
  const exited = once(replica.child, "close");
  replica.child.kill("SIGTERM");
  await exited;
  // REPLICA_TRACE=1: the replica's per-second trace (and anything else it printed) goes to stderr.
  if (process.env["REPLICA_TRACE"] === "1") process.stderr.write(`replica ${replica.port}:\n${replica.output()}`);
  const cpu = /cpu-seconds=([\d.]+)/.exec(replica.output());
  const loop = /loop-delay-p99-ms=([\d.]+) loop-delay-max-ms=([\d.]+)/.exec(replica.output());
  if (!cpu || !loop) throw new Error(`the replica did not report its CPU time and event-loop delay: ${replica.output()}`);
  return { cpuSeconds: Number(cpu[1]), loopDelayP99: Number(loop[1]), loopDelayMax: Number(loop[2]) };
}

async function stopReplicas(replicas: readonly ReadyChild[]): Promise<StoppedReplica> {
  const stopped = await Promise.all(replicas.map(stopReplica));
  return {
    cpuSeconds: stopped.reduce((sum, r) => sum + r.cpuSeconds, 0),
    loopDelayP99: Math.max(...stopped.map((r) => r.loopDelayP99)),
    loopDelayMax: Math.max(...stopped.map((r) => r.loopDelayMax)),
  };
}

/** redis-server's memory in use (bytes) and CPU time so far (user + system, seconds), from `INFO`. */
async function redisUsage(url: string): Promise<{ readonly memory: number; readonly cpuSeconds: number }> {
  const client = createClient({ url });
  await client.connect();
  const info = await client.sendCommand<string>(["INFO"]);
  await client.close();
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, "m").exec(info)?.[1]);
  return { memory: field("used_memory"), cpuSeconds: field("used_cpu_user") + field("used_cpu_sys") };
}

/**
 * The same fleet against two replicas sharing one real redis-server and
 * against one replica with the memory store, in the same run.
 */
export async function runRedisBench(): Promise<string> {
  const memoryReplica = await startReplica(["memory"]);
  const memoryLoad = await measureApply([memoryReplica], (beforeStop, onMeasuring) => runReporterFleet([memoryReplica.port], beforeStop, onMeasuring));
  const memory: RunResult = { ...memoryLoad, label: "one replica, memory store", ...(await stopReplicas([memoryReplica])) };

  const redis = await startRedisServer();
  try {
    const baseline = await redisUsage(redis.url);
    const replicas = [await startReplica(["redis", redis.url]), await startReplica(["redis", redis.url])];
    let bytesPerTunnel = NaN;
    let redisCpuSeconds = NaN;
    const redisLoad = await measureApply(replicas, (beforeStop, onMeasuring) =>
      runReporterFleet(
        replicas.map((r) => r.port),
        async () => {
          await beforeStop();
          const usage = await redisUsage(redis.url);
          bytesPerTunnel = (usage.memory - baseline.memory) / (streams * tunnelsPerStream);
          redisCpuSeconds = usage.cpuSeconds - baseline.cpuSeconds;
        },
        onMeasuring,
      ),
    );
    const shared: RunResult = { ...redisLoad, label: "two replicas, one Redis", ...(await stopReplicas(replicas)) };
    const fmt = (value: number, digits = 1) => value.toFixed(digits);
    const row = (r: RunResult) =>
      `| ${r.label} | ${fmt(r.reportsPerSecond, 0)} | ${fmt(r.p50, 2)} ms | ${fmt(r.p99, 2)} ms | ${fmt(r.max, 0)} ms | ${r.applyP99} | ${fmt(r.loopDelayP99, 0)} ms / ${fmt(r.loopDelayMax, 0)} ms | ${fmt(r.cpuSeconds, 2)} s | ${r.nacks} | ${r.disconnects} |`;
    const ratio = shared.reportsPerSecond / memory.reportsPerSecond;
    const met = (ok: boolean) => (ok ? "met" : "**not met**");
    return [
      "## Reporting server replicas on Redis",
      "",
      `${streams} reporter streams × ${tunnelsPerStream} tunnels, 1% churn per ${intervalMs / 1000} s interval, measured for ${durationMs / 1000} s: spread over two \`serve\` replicas (child processes) sharing one \`redis-server\` (\`--save '' --appendonly no\`, loopback), and the same load on one replica with the memory store, in the same run. Replica CPU is the sum over replicas. Server apply p99 is the bucket bound of the replicas' \`envoy_tap_tunnel_apply_duration_seconds\` histogram (report decoded to response ready, Redis round trip included) that holds 99% of the measured window's requests; the event-loop delay (\`monitorEventLoopDelay\`, whole run, worst replica) shows stalls inside a replica. ACK latency is measured by the reporters from send to ACK, so it also holds the load generator's own delays. ${fleetMethod}`,
      "",
      "| setup | reports/s (ACKed) | ACK p50 | ACK p99 | ACK max | server apply p99 | replica event-loop delay p99 / max | replica CPU | NACKs | disconnects |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
      row(memory),
      row(shared),
      "",
      `Redis memory per tunnel held (\`INFO memory\` used_memory growth / tunnels): ${fmt(bytesPerTunnel, 0)} bytes. redis-server CPU (\`INFO\` used_cpu_user + used_cpu_sys, from the replicas' start to the end of the measured window): ${fmt(redisCpuSeconds, 2)} s.`,
      "",
      `Targets: reports/s ≥ 0.5 of memory: **${fmt(ratio, 2)}** (${met(ratio >= 0.5)}); p99 < 100 ms: ${fmt(shared.p99, 2)} ms (${met(shared.p99 < 100)}).`,
    ].join("\n");
  } finally {
    await redis.kill();
  }
}
