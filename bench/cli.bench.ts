import { spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { create, fromBinary, toBinary, toJsonString, type DescMessage } from "@bufbuild/protobuf";
import { sizeDelimitedEncode } from "@bufbuild/protobuf/wire";
import { StreamReverseTunnelsRequestSchema, TraceSchema, registry } from "../src/index.js";
import { pattern } from "./pattern.js";

const repoRoot = join(import.meta.dirname, "..");
const MiB = 2 ** 20;

/** Sizes of the generated inputs; `BENCH_SCALE=0.05` makes a quick run. */
const scale = Number(process.env["BENCH_SCALE"] ?? "1");
const traceStreamBytes = Math.round(1024 * MiB * scale);
const tunnelNdjsonBytes = Math.round(200 * MiB * scale);

/** 64 distinct traces of 16 events of 4 KiB each (about 64 KiB apiece). */
function sampleTraces() {
  return Array.from({ length: 64 }, (_, t) =>
    create(TraceSchema, {
      connection: { id: BigInt(t + 1) },
      events: Array.from({ length: 16 }, (_, e) => ({
        timestamp: { seconds: 1_700_000_000n + BigInt(t), nanos: e * 1000 },
        eventSelector:
          e % 2 === 0
            ? { case: "read" as const, value: { data: pattern(4096, t * 16 + e) } }
            : { case: "write" as const, value: { data: pattern(4096, t * 16 + e), endStream: false } },
      })),
    }),
  );
}

/** 64 distinct reports of 10 tunnels each. */
function sampleReports() {
  return Array.from({ length: 64 }, (_, r) =>
    create(StreamReverseTunnelsRequestSchema, {
      node: { id: `edge-${r}`, cluster: "edge-eu-west", locality: { region: "eu-west-1", zone: "b" }, userAgentName: "envoy" },
      addedTunnels: Array.from({ length: 10 }, (_, i) => ({
        name: `tunnel-${r}-${i}`,
        identity: { tenantId: `tenant-${i % 3}`, clusterId: "edge-eu-west", nodeId: `edge-${r}` },
        createdAt: { seconds: 1_763_700_000n + BigInt(i), nanos: 125_000_000 },
      })),
      removedTunnelNames: [`tunnel-${r}-old`],
      fullPush: r % 8 === 0,
      nonce: BigInt(r),
    }),
  );
}

/** Writes `chunks` round-robin until `totalBytes` are written; returns how many messages were written. */
async function writeCycling(path: string, chunks: readonly Uint8Array[], totalBytes: number): Promise<number> {
  const out = createWriteStream(path);
  let written = 0;
  let count = 0;
  while (written < totalBytes) {
    const chunk = chunks[count % chunks.length]!;
    if (!out.write(chunk)) await once(out, "drain");
    written += chunk.length;
    count++;
  }
  out.end();
  await once(out, "close");
  return count;
}

/** Spawns a command, returns wall seconds and (for node children) peak RSS in MiB. */
async function timeCommand(command: string, args: readonly string[]): Promise<{ seconds: number; peakRssMiB?: number; exitCode: number; stderr: string }> {
  const start = performance.now();
  const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"], cwd: repoRoot });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const [exitCode] = (await once(child, "close")) as [number];
  const seconds = (performance.now() - start) / 1000;
  const rss = /peak-rss-kib=(\d+)/.exec(stderr);
  return { seconds, exitCode, stderr, ...(rss ? { peakRssMiB: Number(rss[1]) / 1024 } : {}) };
}

/** fromBinary alone over messages already in memory, in decoded bytes per second and messages per second. */
function decodeOnly(schema: DescMessage, encoded: readonly Uint8Array[], minMillis = 3000): { bytesPerSecond: number; messagesPerSecond: number } {
  for (const bytes of encoded) fromBinary(schema, bytes);
  let bytes = 0;
  let messages = 0;
  const start = performance.now();
  while (performance.now() - start < minMillis) {
    for (const e of encoded) {
      fromBinary(schema, e);
      bytes += e.length;
      messages++;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  return { bytesPerSecond: bytes / seconds, messagesPerSecond: messages / seconds };
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** Runs the CLI benchmarks and returns a markdown section. */
export async function runCliBench(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "envoy-tap-tunnel-bench-"));
  const cli = join(repoRoot, "bin", "envoy-tap-tunnel.js");
  const rows: string[] = [];
  try {
    // Tap traces, size-delimited.
    const traces = sampleTraces();
    const traceFile = join(dir, "traces.pb_length_delimited");
    const traceCount = await writeCycling(traceFile, traces.map((t) => sizeDelimitedEncode(TraceSchema, t)), traceStreamBytes);
    // Tunnel reports, NDJSON.
    const reports = sampleReports();
    const reportFile = join(dir, "reports.ndjson");
    const reportLines = reports.map((r) => new TextEncoder().encode(toJsonString(StreamReverseTunnelsRequestSchema, r, { registry }) + "\n"));
    const reportCount = await writeCycling(reportFile, reportLines, tunnelNdjsonBytes);

    const inputs = [
      { label: "tap traces, size-delimited", file: traceFile, type: "Trace", schema: TraceSchema, count: traceCount, encoded: traces.map((t) => toBinary(TraceSchema, t)) },
      {
        label: "tunnel reports, NDJSON",
        file: reportFile,
        type: "StreamReverseTunnelsRequest",
        schema: StreamReverseTunnelsRequestSchema,
        count: reportCount,
        encoded: reports.map((r) => toBinary(StreamReverseTunnelsRequestSchema, r)),
      },
    ];
    rows.push(
      "| input | size | `cat > /dev/null` | fromBinary in memory | CLI `validate` | CLI ÷ decode-only | CLI peak RSS |",
      "| --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const input of inputs) {
      const size = statSync(input.file).size;
      const cat = await timeCommand("sh", ["-c", `cat '${input.file}' > /dev/null`]);
      const decode = decodeOnly(input.schema, input.encoded);
      const run = await timeCommand(process.execPath, ["--require", join(import.meta.dirname, "peak-rss.cjs"), cli, "validate", "--type", input.type, input.file]);
      if (run.exitCode !== 0) throw new Error(`CLI exited ${run.exitCode} on ${input.file}: ${run.stderr.trim().split("\n").slice(-3).join(" / ")}`);
      const cliMessagesPerSecond = input.count / run.seconds;
      // The ratio compares messages per second: an NDJSON line is larger than
      // the same message in binary, so bytes per second would flatter JSON.
      const ratio = cliMessagesPerSecond / decode.messagesPerSecond;
      rows.push(
        `| ${input.label} (${input.count} messages) | ${fmt(size / MiB, 0)} MiB | ${fmt(size / MiB / cat.seconds, 0)} MiB/s | ${fmt(decode.bytesPerSecond / MiB)} MiB/s (${fmt(decode.messagesPerSecond, 0)} msg/s) | ${fmt(size / MiB / run.seconds)} MiB/s (${fmt(cliMessagesPerSecond, 0)} msg/s) | ${fmt(ratio, 2)} | ${run.peakRssMiB === undefined ? "n/a" : fmt(run.peakRssMiB, 0) + " MiB"} |`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return [
    "## CLI `validate` on large streams",
    "",
    `Inputs are generated for the run (scale ${scale}): size-delimited \`Trace\` messages of 16 events × 4 KiB, and NDJSON \`StreamReverseTunnelsRequest\` lines of 10 tunnels. "fromBinary in memory" decodes the same messages, already encoded in memory, in this process. Targets: CLI ÷ decode-only ≥ 0.5 and peak RSS < 200 MB (MiB here; 200 MB = 190.7 MiB).`,
    "",
    ...rows,
    "",
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await runCliBench());
}
