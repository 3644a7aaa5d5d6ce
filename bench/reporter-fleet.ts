import { spawn, type ChildProcessByStdio } from "node:child_process";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Readable } from "node:stream";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ReporterClient } from "../src/tunnel/index.js";

/** `BENCH_SCALE=0.05` makes a quick run: fewer streams, a shorter run. */
const scale = Number(process.env["BENCH_SCALE"] ?? "1");

/** The fleet both server benchmarks put on their servers, so their figures compare. */
export const fleet = {
  streams: Math.max(10, Math.round(1000 * scale)),
  tunnelsPerStream: 100,
  intervalMs: 1000,
  durationMs: Math.max(8000, Math.round(60_000 * scale)),
  /** ACKs before this point are not measured: the streams connect and send their full pushes. */
  warmupMs: 5000,
} as const;

/** A benchmark server in a child process, once it printed `ready grpcPort=N`. */
export interface ReadyChild {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly port: number;
  /** Everything the child printed so far, stdout and stderr. */
  readonly output: () => string;
}

/** Starts `node ARGS` and waits for its `ready grpcPort=N` line; `what` names it in the error if it exits first. */
export async function startReadyChild(args: readonly string[], what: string): Promise<ReadyChild> {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  for (;;) {
    const ready = /ready grpcPort=(\d+)/.exec(output);
    if (ready) return { child, port: Number(ready[1]), output: () => output };
    if (child.exitCode !== null) throw new Error(`${what} exited: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What the fleet measured between warm-up and the end of the run. */
export interface FleetResult {
  readonly acks: number;
  readonly nacks: number;
  readonly reportsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly disconnects: number;
  /** `disconnects` by the reporter's reason (Envoy's stat names). */
  readonly disconnectsByReason: Readonly<Record<string, number>>;
  /**
   * Event-loop delay of this process (the load generator) during the measured
   * window, in ms: how late it ran its callbacks, which an ACK's measured
   * latency includes however fast the server answered.
   */
  readonly loadGeneratorDelay: { readonly p50: number; readonly p99: number; readonly max: number };
}

/**
 * `fleet.streams` reporters × `fleet.tunnelsPerStream` tunnels spread
 * round-robin over `ports`, one tunnel replaced per stream per interval (1%
 * churn). `beforeStop` runs after the measured window and the disconnect
 * count, while the reporters are still connected; `onMeasuring` when the
 * measured window starts (after the warm-up).
 */
export async function runReporterFleet(ports: readonly number[], beforeStop?: () => Promise<void>, onMeasuring?: () => void): Promise<FleetResult> {
  const { streams, tunnelsPerStream, intervalMs, durationMs, warmupMs } = fleet;
  const latencies: number[] = [];
  let acks = 0;
  let nacks = 0;
  let measuring = false;
  const reporters: ReporterClient[] = [];
  const churn: NodeJS.Timeout[] = [];
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
    setTimeout(() => {
      reporter.start();
      churn.push(
        setInterval(() => {
          reporter.removeTunnel(active.shift()!);
          add();
        }, intervalMs),
      );
    }, (s * intervalMs) / streams);
  }
  await new Promise((resolve) => setTimeout(resolve, warmupMs));
  measuring = true;
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  onMeasuring?.();
  const measuredFrom = performance.now();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  measuring = false;
  delay.disable();
  const delayMs = (nanoseconds: number) => nanoseconds / 1e6;
  const loadGeneratorDelay = { p50: delayMs(delay.percentile(50)), p99: delayMs(delay.percentile(99)), max: delayMs(delay.max) };
  const measuredSeconds = (performance.now() - measuredFrom) / 1000;
  for (const timer of churn) clearInterval(timer);
  let disconnects = 0;
  const disconnectsByReason: Record<string, number> = {};
  for (const reporter of reporters) {
    for (const [reason, count] of Object.entries(reporter.stats().counters.disconnects)) {
      disconnects += count;
      if (count > 0) disconnectsByReason[reason] = (disconnectsByReason[reason] ?? 0) + count;
    }
  }
  await beforeStop?.();
  await Promise.all(reporters.map((reporter) => reporter.stop()));
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  return { acks, nacks, reportsPerSecond: acks / measuredSeconds, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN, disconnects, disconnectsByReason, loadGeneratorDelay };
}
