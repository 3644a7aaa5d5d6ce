import { once } from "node:events";
import { join } from "node:path";
import { fleet, runReporterFleet, startReadyChild, type FleetResult } from "./reporter-fleet.js";

const { streams, tunnelsPerStream, intervalMs, durationMs, warmupMs } = fleet;

interface RunResult extends FleetResult {
  readonly mode: "full" | "bare";
  readonly cpuSeconds: number;
  readonly peakRssMiB: number;
}

/** One run: the fleet against the full or the bare server, in a child process measuring its own CPU and peak RSS. */
async function runLoad(mode: "full" | "bare"): Promise<RunResult> {
  const { child, port, output } = await startReadyChild(
    ["--require", join(import.meta.dirname, "peak-rss.cjs"), join(import.meta.dirname, "reporting-server.child.mjs"), mode],
    `the ${mode} server`,
  );
  // The server stops before the reporters do, so its CPU time is the load's alone.
  const load = await runReporterFleet([port], async () => {
    const exited = once(child, "close");
    child.kill("SIGTERM");
    await exited;
  });
  const text = output();
  const cpu = /cpu-seconds=([\d.]+)/.exec(text);
  const rss = /peak-rss-kib=(\d+)/.exec(text);
  process.stderr.write(`bench: tunnel ${mode}: ${text.split("\n").filter((line) => line.startsWith("memory-mib")).join("")}\n`);
  if (!cpu || !rss) throw new Error(`the ${mode} server did not report its usage: ${text}`);
  return { ...load, mode, cpuSeconds: Number(cpu[1]), peakRssMiB: Number(rss[1]) / 1024 };
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
