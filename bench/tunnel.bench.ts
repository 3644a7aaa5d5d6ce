import { once } from "node:events";
import { join } from "node:path";
import { fleet, fleetMethod, runReporterFleet, startReadyChild, type FleetResult } from "./reporter-fleet.js";

const { streams, tunnelsPerStream, intervalMs, durationMs } = fleet;

/**
 * The V8 heap limit (MB) both server children run with, as README.md advises
 * for a deployment (`BENCH_SERVER_HEAP_MB`, by default 256; 0 runs them
 * without one). Without a limit, V8 sizes the old generation for the machine
 * (GBs) and lets the garbage of per-message objects that live from one
 * report to the next (so they outlive young-generation GC: the bare server's
 * Connect pipeline holds several per stream, the full server's direct path
 * one) pile up for hundreds of MB before a full collection.
 * A limit costs CPU in collections: too close to the live data (about 100 MB
 * here) and a CPU-starved server thrashes (192 MB did on the shared machine).
 */
const serverHeapMiB = Number(process.env["BENCH_SERVER_HEAP_MB"] ?? "256");
/**
 * The young generation's semi-space size (MB) both server children run with
 * (`BENCH_SERVER_SEMI_SPACE_MB`, 0 = V8's default).
 */
const serverSemiSpaceMiB = Number(process.env["BENCH_SERVER_SEMI_SPACE_MB"] ?? "0");
const serverNodeFlags = [
  ...(serverHeapMiB > 0 ? [`--max-old-space-size=${serverHeapMiB}`] : []),
  ...(serverSemiSpaceMiB > 0 ? [`--max-semi-space-size=${serverSemiSpaceMiB}`] : []),
];

interface RunResult extends FleetResult {
  readonly mode: "full" | "bare";
  readonly cpuSeconds: number;
  readonly peakRssMiB: number;
  /** The server's event-loop delay in the measured window (ms). */
  readonly serverDelay: string;
  /** The registry's apply time per request (ms), `full` only. */
  readonly applyTime: string | undefined;
}

/** One run: the fleet against the full or the bare server, in a child process measuring its own CPU and peak RSS. */
async function runLoad(mode: "full" | "bare"): Promise<RunResult> {
  const { child, port, output } = await startReadyChild(
    [...serverNodeFlags, "--require", join(import.meta.dirname, "peak-rss.cjs"), join(import.meta.dirname, "reporting-server.child.mjs"), mode],
    `the ${mode} server`,
  );
  // The server stops before the reporters do, so its CPU time is the load's alone.
  const load = await runReporterFleet(
    [port],
    async () => {
      const exited = once(child, "close");
      child.kill("SIGTERM");
      await exited;
    },
    () => child.kill("SIGUSR2"),
  );
  const text = output();
  const cpu = /cpu-seconds=([\d.]+)/.exec(text);
  const rss = /peak-rss-kib=(\d+)/.exec(text);
  process.stderr.write(`bench: tunnel ${mode}: ${text.split("\n").filter((line) => line.startsWith("memory-mib")).join("")}; disconnects ${JSON.stringify(load.disconnectsByReason)}\n`);
  const delay = /server-delay-ms (.*)/.exec(text);
  const apply = /apply-ms (.*)/.exec(text);
  if (!cpu || !rss || !delay) throw new Error(`the ${mode} server did not report its usage: ${text}`);
  return { ...load, mode, cpuSeconds: Number(cpu[1]), peakRssMiB: Number(rss[1]) / 1024, serverDelay: delay[1]!, applyTime: apply?.[1] };
}

/**
 * The reporting server under a fleet's load, against a bare Connect server on
 * the same HTTP/2 stack in the same run. The reporters run in their own
 * processes (reporter-fleet.ts), the server in a child (its CPU seconds cover
 * the whole run, full pushes included).
 */
export async function runTunnelBench(): Promise<string> {
  const full = await runLoad("full");
  const bare = await runLoad("bare");
  const fmt = (value: number, digits = 1) => value.toFixed(digits);
  const row = (r: RunResult) =>
    `| ${r.mode === "full" ? "`startReportingServer` (validation, registry, metrics)" : "bare Connect server (ACKs only)"} | ${fmt(r.reportsPerSecond, 0)} | ${fmt(r.p50, 2)} ms | ${fmt(r.p99, 2)} ms | ${fmt(r.max, 1)} ms | ${fmt(r.cpuSeconds, 2)} s | ${fmt(r.peakRssMiB, 0)} MiB | ${r.nacks} | ${r.disconnects}${r.disconnects > 0 ? ` (${Object.entries(r.disconnectsByReason).map(([reason, count]) => `${reason} ${count}`).join(", ")})` : ""} | ${r.serverDelay} | ${lag(r.loadGeneratorDelay)} |`;
  const lag = (d: FleetResult["loadGeneratorDelay"]) => `p50=${fmt(d.p50, 2)} p99=${fmt(d.p99, 2)} max=${fmt(d.max, 2)}`;
  const ratio = full.reportsPerSecond / bare.reportsPerSecond;
  const met = (ok: boolean) => (ok ? "met" : "**not met**");
  return [
    "## Reverse tunnel reporting server",
    "",
    `${streams} concurrent reporter streams (one HTTP/2 connection each) × ${tunnelsPerStream} tunnels, one tunnel replaced per stream every ${intervalMs / 1000} s interval (1% churn), measured for ${durationMs / 1000} s, on loopback. The server runs in a child process started with \`node ${serverNodeFlags.join(" ") || "(no flags)"}\` (both servers; see README.md, "HTTP/2 and memory"), with the package's default HTTP/2 settings (both servers). The full server serves Envoy's binary gRPC calls directly on the HTTP/2 stream (\`src/tunnel/node/serve-reporting-stream.ts\`); the bare server is Connect's \`connectNodeAdapter\` ACKing each request. ${fleetMethod} Warm-up: ${fmt(full.warmedUpAfterMs / 1000, 1)} s (full), ${fmt(bare.warmedUpAfterMs / 1000, 1)} s (bare); streams not yet ACKed when the window started: ${full.unwarmedStreams} (full), ${bare.unwarmedStreams} (bare). ACK latency is what the reporter measures from send to ACK, so it includes both sides' event-loop delays (last two columns, ms, measured in the window): on a 2-core machine the load generator competes with the server for the CPU.`,
    "",
    "| server | reports/s (ACKed) | ACK p50 | ACK p99 | ACK max | server CPU | server peak RSS | NACKs | disconnects | server event-loop delay | load generator event-loop delay |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    row(full),
    row(bare),
    "",
    `Registry apply time per request (full server, ms): ${full.applyTime ?? "not reported"}.`,
    "",
    `Targets: reports/s ≥ 0.8 of bare: **${fmt(ratio, 2)}** (${met(ratio >= 0.8)}); p99 < 50 ms: ${fmt(full.p99, 2)} ms (${met(full.p99 < 50)}); RSS < 300 MB: ${fmt((full.peakRssMiB * 2 ** 20) / 1e6, 0)} MB (${met(full.peakRssMiB * 2 ** 20 < 300e6)}).`,
  ].join("\n");
}
