import { spawn, type ChildProcessByStdio } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ReporterClient } from "../src/tunnel/index.js";

/** `BENCH_SCALE=0.05` makes a quick run: fewer streams, a shorter run. */
const scale = Number(process.env["BENCH_SCALE"] ?? "1");
const streams = Math.max(10, Math.round(1000 * scale));
const tunnelsPerStream = 100;
const intervalMs = 1000;
const durationMs = Math.max(8000, Math.round(60_000 * scale));
/** ACKs before this point are not measured: the streams connect and send their full pushes. */
const warmupMs = 5000;

interface RunResult {
  readonly mode: "full" | "bare";
  readonly acks: number;
  readonly nacks: number;
  readonly reportsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly cpuSeconds: number;
  readonly peakRssMiB: number;
  readonly disconnects: number;
}

async function startChild(mode: "full" | "bare"): Promise<{ child: ChildProcessByStdio<null, Readable, Readable>; port: number; output: () => string }> {
  const child = spawn(
    process.execPath,
    ["--require", join(import.meta.dirname, "peak-rss.cjs"), join(import.meta.dirname, "reporting-server.child.mjs"), mode],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  for (;;) {
    const ready = /ready grpcPort=(\d+)/.exec(output);
    if (ready) return { child, port: Number(ready[1]), output: () => output };
    if (child.exitCode !== null) throw new Error(`the ${mode} server exited: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One run: `streams` reporters × 100 tunnels, one tunnel replaced per stream per interval (1% churn). */
async function runLoad(mode: "full" | "bare"): Promise<RunResult> {
  const { child, port, output } = await startChild(mode);
  const latencies: number[] = [];
  let acks = 0;
  let nacks = 0;
  let measuring = false;
  const reporters: ReporterClient[] = [];
  const churn: NodeJS.Timeout[] = [];
  for (let s = 0; s < streams; s++) {
    const reporter = new ReporterClient({
      transport: createGrpcTransport({ baseUrl: `http://127.0.0.1:${port}` }),
      node: { id: `bench-${s}`, cluster: "bench" },
      sendIntervalMs: intervalMs,
      connectRetryIntervalMs: 1000,
    });
    reporter.subscribe((event) => {
      if (!measuring) return;
      if (event.type === "ack") {
        acks++;
        latencies.push(event.latencyMs);
      } else if (event.type === "nack") {
        nacks++;
      }
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
    // Streams start spread over one interval, as a fleet of Envoys would not all start in the same millisecond.
    const offset = (s * intervalMs) / streams;
    setTimeout(() => {
      reporter.start();
      churn.push(
        setInterval(() => {
          reporter.removeTunnel(active.shift()!);
          add();
        }, intervalMs),
      );
    }, offset);
  }
  await new Promise((resolve) => setTimeout(resolve, warmupMs));
  measuring = true;
  const measuredFrom = performance.now();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  measuring = false;
  const measuredSeconds = (performance.now() - measuredFrom) / 1000;
  for (const timer of churn) clearInterval(timer);
  let disconnects = 0;
  for (const reporter of reporters) disconnects += Object.values(reporter.stats().counters.disconnects).reduce((a, b) => a + b, 0);
  const exited = once(child, "close");
  child.kill("SIGTERM");
  await exited;
  await Promise.all(reporters.map((reporter) => reporter.stop()));
  const text = output();
  const cpu = /cpu-seconds=([\d.]+)/.exec(text);
  const rss = /peak-rss-kib=(\d+)/.exec(text);
  process.stderr.write(`bench: tunnel ${mode}: ${text.split("\n").filter((line) => line.startsWith("memory-mib")).join("")}\n`);
  if (!cpu || !rss) throw new Error(`the ${mode} server did not report its usage: ${text}`);
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  return {
    mode,
    acks,
    nacks,
    reportsPerSecond: acks / measuredSeconds,
    p50: at(0.5),
    p99: at(0.99),
    max: sorted[sorted.length - 1] ?? NaN,
    cpuSeconds: Number(cpu[1]),
    peakRssMiB: Number(rss[1]) / 1024,
    disconnects,
  };
}

/**
 * The reporting server under a fleet's load, against a bare Connect server on
 * the same stack in the same run. The reporters run in this process, the
 * server in a child (its CPU seconds cover the whole run, full pushes included).
 */
export async function runTunnelBench(): Promise<string> {
  const full = await runLoad("full");
  const bare = await runLoad("bare");
  const fmt = (value: number, digits = 1) => value.toFixed(digits);
  const row = (r: RunResult) =>
    `| ${r.mode === "full" ? "`startReportingServer` (validation, registry, metrics)" : "bare Connect server (ACKs only)"} | ${fmt(r.reportsPerSecond, 0)} | ${fmt(r.p50, 2)} ms | ${fmt(r.p99, 2)} ms | ${fmt(r.max, 1)} ms | ${fmt(r.cpuSeconds, 2)} s | ${fmt(r.peakRssMiB, 0)} MiB | ${r.nacks} | ${r.disconnects} |`;
  const ratio = full.reportsPerSecond / bare.reportsPerSecond;
  const met = (ok: boolean) => (ok ? "met" : "**not met**");
  return [
    "## Reverse tunnel reporting server",
    "",
    `${streams} concurrent reporter streams (\`ReporterClient\`, one HTTP/2 connection each) × ${tunnelsPerStream} tunnels, one tunnel replaced per stream every ${intervalMs / 1000} s interval (1% churn), measured for ${durationMs / 1000} s after a ${warmupMs / 1000} s warm-up, on loopback. The server runs in a child process; the reporters in the benchmark's process. ACK latency is what the reporter measures from send to ACK.`,
    "",
    "| server | reports/s (ACKed) | ACK p50 | ACK p99 | ACK max | server CPU | server peak RSS | NACKs | disconnects |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    row(full),
    row(bare),
    "",
    `Targets: reports/s ≥ 0.8 of bare: **${fmt(ratio, 2)}** (${met(ratio >= 0.8)}); p99 < 50 ms: ${fmt(full.p99, 2)} ms (${met(full.p99 < 50)}); RSS < 300 MB: ${fmt((full.peakRssMiB * 2 ** 20) / 1e6, 0)} MB (${met(full.peakRssMiB * 2 ** 20 < 300e6)}).`,
  ].join("\n");
}
