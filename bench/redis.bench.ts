import { spawn, type ChildProcessByStdio } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { createClient } from "@redis/client";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ReporterClient } from "../src/tunnel/index.js";
import { startRedisServer } from "../src/tunnel/node/redis-server.testdata.js";

/** `BENCH_SCALE=0.1` makes a quick run: fewer streams, a shorter run. */
const scale = Number(process.env["BENCH_SCALE"] ?? "1");
const streams = Math.max(10, Math.round(1000 * scale));
const tunnelsPerStream = 100;
const intervalMs = 1000;
const durationMs = Math.max(8000, Math.round(60_000 * scale));
const warmupMs = 5000;

type Child = ChildProcessByStdio<null, Readable, Readable>;

interface RunResult {
  readonly label: string;
  readonly acks: number;
  readonly nacks: number;
  readonly reportsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpuSeconds: number;
  readonly disconnects: number;
  /** Redis `used_memory` growth per tunnel held, in bytes (Redis runs only). */
  readonly redisBytesPerTunnel?: number;
}

async function startReplica(args: string[]): Promise<{ child: Child; port: number; output: () => string }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, "redis-replica.child.mjs"), ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  for (;;) {
    const ready = /ready grpcPort=(\d+)/.exec(output);
    if (ready) return { child, port: Number(ready[1]), output: () => output };
    if (child.exitCode !== null) throw new Error(`the replica exited: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** `streams` reporters × 100 tunnels spread round-robin over `ports`, one tunnel replaced per stream per interval (1% churn). */
async function runLoad(label: string, ports: readonly number[], beforeStop?: () => Promise<void>): Promise<Omit<RunResult, "cpuSeconds">> {
  const latencies: number[] = [];
  let acks = 0;
  let nacks = 0;
  let measuring = false;
  const reporters: ReporterClient[] = [];
  const timers: NodeJS.Timeout[] = [];
  for (let s = 0; s < streams; s++) {
    const reporter = new ReporterClient({
      transport: createGrpcTransport({ baseUrl: `http://127.0.0.1:${ports[s % ports.length]}` }),
      node: { id: `bench-${s}`, cluster: "bench" },
      sendIntervalMs: intervalMs,
      connectRetryIntervalMs: 1000,
    });
    reporter.subscribe((event) => {
      if (!measuring) return;
      if (event.type === "ack") {
        acks++;
        latencies.push(event.latencyMs);
      } else if (event.type === "nack") nacks++;
    });
    let serial = 0;
    const active: string[] = [];
    const add = () => {
      serial++;
      const name = `tenant-${serial % 4}:bench-${s}-downstream-${serial}`;
      active.push(name);
      reporter.addTunnel({ name, identity: { tenantId: `tenant-${serial % 4}`, clusterId: "downstream", nodeId: `bench-${s}-downstream-${serial}` }, createdAt: timestampFromMs(Date.now()) });
    };
    for (let t = 0; t < tunnelsPerStream; t++) add();
    reporters.push(reporter);
    timers.push(
      setTimeout(() => {
        reporter.start();
        timers.push(
          setInterval(() => {
            reporter.removeTunnel(active.shift()!);
            add();
          }, intervalMs),
        );
      }, (s * intervalMs) / streams),
    );
  }
  await new Promise((resolve) => setTimeout(resolve, warmupMs));
  measuring = true;
  const from = performance.now();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  measuring = false;
  const seconds = (performance.now() - from) / 1000;
  for (const timer of timers) clearInterval(timer);
  await beforeStop?.();
  let disconnects = 0;
  for (const reporter of reporters) disconnects += Object.values(reporter.stats().counters.disconnects).reduce((a, b) => a + b, 0);
  await Promise.all(reporters.map((reporter) => reporter.stop()));
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  return { label, acks, nacks, reportsPerSecond: acks / seconds, p50: at(0.5), p99: at(0.99), disconnects };
}

async function stopReplica(replica: { child: Child; output: () => string }): Promise<number> {
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
  const memoryLoad = await runLoad("one replica, memory store", [memoryReplica.port]);
  const memory: RunResult = { ...memoryLoad, cpuSeconds: await stopReplica(memoryReplica) };

  const redis = await startRedisServer();
  try {
    const baseline = await usedMemory(redis.url);
    const replicas = [await startReplica(["redis", redis.url]), await startReplica(["redis", redis.url])];
    let bytesPerTunnel = NaN;
    const redisLoad = await runLoad("two replicas, one Redis", replicas.map((r) => r.port), async () => {
      bytesPerTunnel = ((await usedMemory(redis.url)) - baseline) / (streams * tunnelsPerStream);
    });
    let cpuSeconds = 0;
    for (const replica of replicas) cpuSeconds += await stopReplica(replica);
    const shared: RunResult = { ...redisLoad, cpuSeconds, redisBytesPerTunnel: bytesPerTunnel };
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
