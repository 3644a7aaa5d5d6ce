import { fork, spawn, type ChildProcess, type ChildProcessByStdio } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import type { Readable } from "node:stream";

/** `BENCH_SCALE=0.05` makes a quick run: fewer streams, a shorter run. */
const scale = Number(process.env["BENCH_SCALE"] ?? "1");

/** The fleet both server benchmarks put on their servers, so their figures compare. */
export const fleet = {
  streams: Math.max(10, Math.round(1000 * scale)),
  tunnelsPerStream: 100,
  intervalMs: 1000,
  durationMs: Math.max(8000, Math.round(60_000 * scale)),
  /**
   * The shortest warm-up: the measured window starts once this long has passed
   * and every stream's first full push is ACKed (see `warmupLimitMs`).
   */
  warmupMs: 5000,
  /** The longest warm-up: the window starts then even if some first full pushes are not ACKed (`FleetResult.unwarmedStreams`). */
  warmupLimitMs: 30_000,
} as const;

/**
 * How many processes run the reporters (`BENCH_FLEET_PROCESSES`, by default
 * 2: on the 2-core machine the generator's half of the fleet each competes
 * less with itself for an event loop).
 */
const fleetProcesses = Math.max(1, Number(process.env["BENCH_FLEET_PROCESSES"] ?? "2"));

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
   * Event-loop delay of the load generator's processes during the measured
   * window, in ms (the worst process's p50, p99 and max): how late they ran
   * their callbacks, which an ACK's measured latency includes however fast
   * the server answered.
   */
  readonly loadGeneratorDelay: { readonly p50: number; readonly p99: number; readonly max: number };
  /** How long the warm-up took (ms): `fleet.warmupMs`, or longer until every stream's first full push was ACKed (at most `fleet.warmupLimitMs`). */
  readonly warmedUpAfterMs: number;
  /** Streams whose first full push was not yet ACKed when the window started (0 unless the warm-up timed out). */
  readonly unwarmedStreams: number;
}

/** What one fleet process sends back when the measured window ends. */
interface WorkerResult {
  readonly type: "result";
  readonly acks: number;
  readonly nacks: number;
  readonly latencies: number[];
  readonly disconnects: Record<string, number>;
  readonly unwarmedAtMeasure: number;
  readonly delay: { readonly p50: number; readonly p99: number; readonly max: number };
}

/** How the load generator runs, for a benchmark's printed method. */
export const fleetMethod = `The load generator runs in ${fleetProcesses} process${fleetProcesses === 1 ? "" : "es"} of its own (\`bench/reporter-fleet.child.mjs\`): one HTTP/2 connection per reporter on \`node:http2\`, gRPC length-prefixed messages encoded and decoded with the package's schemas, Envoy's client behaviour (full push with nonce 1 on each connect, a diff every interval, reconnect after a NACK, a close or more than 5 unacknowledged requests, \`report_interval\` obeyed) without Connect's per-message pipeline, so the latency measures the server more than the client. The measured window starts once every stream's first full push is ACKed and at least ${fleet.warmupMs / 1000} s have passed (for both servers alike; at most ${fleet.warmupLimitMs / 1000} s).`;

/**
 * `fleet.streams` reporters × `fleet.tunnelsPerStream` tunnels spread
 * round-robin over `ports`, one tunnel replaced per stream per interval (1%
 * churn), run by `fleetProcesses` child processes (bench/reporter-fleet.child.mjs)
 * so the generator's event loop is not the one measured. The measured window
 * starts once `fleet.warmupMs` has passed and every stream's first full push
 * is ACKed (or at `fleet.warmupLimitMs`), then `onMeasuring` runs.
 * `beforeStop` runs after the measured window and the disconnect count, while
 * the reporters are still connected.
 */
export async function runReporterFleet(ports: readonly number[], beforeStop?: () => Promise<void>, onMeasuring?: () => void): Promise<FleetResult> {
  const { streams, tunnelsPerStream, intervalMs, durationMs, warmupMs, warmupLimitMs } = fleet;
  const started = performance.now();
  const workers: ChildProcess[] = [];
  let warmWorkers = 0;
  let allWarm: () => void = () => undefined;
  const warm = new Promise<void>((resolve) => (allWarm = resolve));
  const results: Promise<WorkerResult>[] = [];
  const perProcess = Math.ceil(streams / fleetProcesses);
  for (let first = 0; first < streams; first += perProcess) {
    const config = {
      ports,
      firstStream: first,
      streams: Math.min(perProcess, streams - first),
      tunnelsPerStream,
      intervalMs,
      // Each process starts its share over the same interval: together they start as one fleet would.
      startSpreadMs: intervalMs,
      connectRetryIntervalMs: 1000,
      maxRetries: 5,
    };
    const worker = fork(join(import.meta.dirname, "reporter-fleet.child.mjs"), [JSON.stringify(config)], { execArgv: [], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    workers.push(worker);
    results.push(
      new Promise((resolve, reject) => {
        worker.on("message", (message: { type: string }) => {
          if (message.type === "warm" && ++warmWorkers === workers.length) allWarm();
          else if (message.type === "result") resolve(message as WorkerResult);
        });
        worker.once("exit", (code) => reject(new Error(`a reporter fleet process exited with ${code} before it reported`)));
      }),
    );
  }
  // The connection storm of the start (every stream's TCP and HTTP/2 set-up and full push within one interval) is not the steady state measured.
  let warmupTimer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all([warm, new Promise((resolve) => setTimeout(resolve, warmupMs))]), new Promise((resolve) => (warmupTimer = setTimeout(resolve, warmupLimitMs)))]);
  clearTimeout(warmupTimer);
  const warmedUpAfterMs = performance.now() - started;
  for (const worker of workers) worker.send("measure");
  onMeasuring?.();
  const measuredFrom = performance.now();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  for (const worker of workers) worker.send("report");
  const reported = await Promise.all(results);
  const measuredSeconds = (performance.now() - measuredFrom) / 1000;
  let disconnects = 0;
  const disconnectsByReason: Record<string, number> = {};
  for (const result of reported) {
    for (const [reason, count] of Object.entries(result.disconnects)) {
      disconnects += count;
      if (count > 0) disconnectsByReason[reason] = (disconnectsByReason[reason] ?? 0) + count;
    }
  }
  await beforeStop?.();
  await Promise.all(
    workers.map((worker) => {
      const exited = once(worker, "exit");
      worker.send("close");
      return exited;
    }),
  );
  const sorted = reported.flatMap((result) => result.latencies).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  const worst = (pick: (delay: WorkerResult["delay"]) => number) => Math.max(...reported.map((result) => pick(result.delay)));
  const acks = reported.reduce((sum, result) => sum + result.acks, 0);
  return {
    acks,
    nacks: reported.reduce((sum, result) => sum + result.nacks, 0),
    reportsPerSecond: acks / measuredSeconds,
    p50: at(0.5),
    p99: at(0.99),
    max: sorted[sorted.length - 1] ?? NaN,
    disconnects,
    disconnectsByReason,
    loadGeneratorDelay: { p50: worst((d) => d.p50), p99: worst((d) => d.p99), max: worst((d) => d.max) },
    warmedUpAfterMs,
    unwarmedStreams: reported.reduce((sum, result) => sum + result.unwarmedAtMeasure, 0),
  };
}
