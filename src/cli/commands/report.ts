import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ReporterClient, type ReporterTunnel } from "../../tunnel/index.js";
import type { ReportOptions } from "../args/report-args.js";
import { formatDuration } from "../args/parse-duration.js";
import { CliError, ExitCode, describeIoError } from "../cli-error.js";
import type { CliIO } from "../io.js";
import { processStopSignal } from "../process-stop-signal.js";

/** NACK lines printed before the rest are only counted. */
const maxNackLines = 20;
/** ACK latencies kept for the percentiles (a long run keeps the first ones). */
const maxLatencySamples = 2_000_000;

/**
 * `envoy-tap-tunnel report`: runs `streams` reporters that behave like Envoy
 * (each its own node and connection) against `--target` for `--duration`,
 * with `--tunnels` active tunnels each and `--churn` replacements per
 * second, then prints what was sent, ACKed and NACKed and the ACK latency
 * percentiles. Exit code 1 when a report was NACKed or nothing was ACKed.
 */
export async function reportCommand(options: ReportOptions, io: CliIO, stop: AbortSignal = processStopSignal()): Promise<number> {
  const tls = await readTls(options, io);
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  const latencies: number[] = [];
  let nacks = 0;
  const nackLines: string[] = [];
  const reporters: ReporterClient[] = [];
  const churnTimers: NodeJS.Timeout[] = [];
  const startedAt = Date.now();
  for (let s = 0; s < options.streams; s++) {
    const nodeId = options.streams === 1 ? options.node : `${options.node}-${s + 1}`;
    const transport = createGrpcTransport({
      baseUrl: `${tls === undefined ? "http" : "https"}://${host}:${options.port}`,
      ...(tls === undefined ? {} : { nodeOptions: tls }),
    });
    const reporter = new ReporterClient({
      transport,
      node: { id: nodeId, cluster: options.cluster },
      sendIntervalMs: options.intervalMs,
      connectRetryIntervalMs: options.retryIntervalMs,
    });
    reporter.subscribe((event) => {
      if (event.type === "ack" && latencies.length < maxLatencySamples) latencies.push(event.latencyMs);
      if (event.type === "nack") {
        nacks++;
        if (nackLines.length < maxNackLines) nackLines.push(`NACK ${nodeId} nonce ${event.nonce}: ${event.response.errorDetail?.message ?? ""}`);
      }
    });
    let serial = 0;
    const active: string[] = [];
    const addOne = () => {
      serial++;
      const tunnel = initiatorTunnel(nodeId, serial);
      active.push(String(tunnel.name));
      reporter.addTunnel(tunnel);
    };
    for (let t = 0; t < options.tunnels; t++) addOne();
    if (options.churnPerSecond > 0 && options.tunnels > 0) {
      let owed = 0;
      const tickMs = 100;
      const timer = setInterval(() => {
        owed += (options.churnPerSecond * tickMs) / 1000;
        for (; owed >= 1; owed--) {
          reporter.removeTunnel(active.shift()!);
          addOne();
        }
      }, tickMs);
      churnTimers.push(timer);
    }
    reporters.push(reporter);
  }
  await io.stdout.write(
    `reporting to ${host}:${options.port}: ${options.streams} ${options.streams === 1 ? "stream" : "streams"}, ` +
      `${options.tunnels} tunnels each, churn ${options.churnPerSecond}/s, interval ${formatDuration(options.intervalMs)}, for ${formatDuration(options.durationMs)}\n`,
  );
  for (const reporter of reporters) reporter.start();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, options.durationMs);
    stop.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
  for (const timer of churnTimers) clearInterval(timer);
  await Promise.all(reporters.map((reporter) => reporter.stop()));
  const elapsedMs = Date.now() - startedAt;

  const totals = { sent: 0, acks: 0, outOfOrder: 0, connections: 0, disconnects: {} as Record<string, number> };
  for (const reporter of reporters) {
    const { counters } = reporter.stats();
    totals.sent += counters.send_attempts;
    totals.acks += counters.acks_received;
    totals.outOfOrder += counters.out_of_order_acks;
    totals.connections += counters.connection_attempts;
    for (const [reason, count] of Object.entries(counters.disconnects)) totals.disconnects[reason] = (totals.disconnects[reason] ?? 0) + count;
  }
  const lines = [...nackLines];
  if (nacks > nackLines.length) lines.push(`... and ${nacks - nackLines.length} more NACKs`);
  lines.push(`reported for ${formatDuration(elapsedMs)}: sent ${totals.sent} requests; ACKed ${totals.acks}, NACKed ${nacks}, out-of-order ACKs ${totals.outOfOrder}`);
  lines.push(latencySummary(latencies));
  const disconnects = Object.entries(totals.disconnects).filter(([, count]) => count > 0);
  lines.push(`connection attempts ${totals.connections}; disconnects ${disconnects.length === 0 ? "none" : disconnects.map(([reason, count]) => `${reason} ${count}`).join(", ")}`);
  await io.stdout.write(lines.join("\n") + "\n");
  return nacks === 0 && totals.acks > 0 ? ExitCode.ok : ExitCode.invalid;
}

/** `ACK latency: p50 0.8ms, p90 1.2ms, p99 2.5ms, max 3.1ms (120 ACKs)`. */
export function latencySummary(latencies: readonly number[]): string {
  if (latencies.length === 0) return "ACK latency: no ACKs";
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)}ms`;
  return `ACK latency: p50 ${ms(at(0.5))}, p90 ${ms(at(0.9))}, p99 ${ms(at(0.99))}, max ${ms(sorted[sorted.length - 1]!)} (${sorted.length} ACKs)`;
}

/** The `serial`th tunnel of a reporting node: initiated by its own downstream node, named `tenant:node id` as with tenant isolation. */
function initiatorTunnel(reportingNode: string, serial: number): ReporterTunnel {
  const tenantId = `tenant-${serial % 4}`;
  const nodeId = `${reportingNode}-downstream-${serial}`;
  return {
    name: `${tenantId}:${nodeId}`,
    identity: { tenantId, clusterId: "downstream", nodeId },
    createdAt: timestampFromMs(Date.now()),
  };
}

async function readTls(options: ReportOptions, io: CliIO): Promise<{ ca: Buffer; cert?: Buffer; key?: Buffer } | undefined> {
  if (options.tlsCa === undefined) return undefined;
  const read = async (path: string) => {
    try {
      return Buffer.from(await io.fs.readFile(path));
    } catch (error) {
      throw describeIoError("read", path, error);
    }
  };
  const ca = await read(options.tlsCa);
  if (!ca.toString("latin1").includes("-----BEGIN ")) throw new CliError("usage", `${options.tlsCa} is not a PEM file (no "-----BEGIN" line)`);
  if (options.tlsCert === undefined || options.tlsKey === undefined) return { ca };
  return { ca, cert: await read(options.tlsCert), key: await read(options.tlsKey) };
}
