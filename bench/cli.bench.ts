import { spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { create, fromBinary, fromJsonString, toBinary, toJsonString } from "@bufbuild/protobuf";
import { sizeDelimitedEncode, sizeDelimitedPeek } from "@bufbuild/protobuf/wire";
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

/**
 * A decoder alone over messages already in memory: the best of `rounds`
 * rounds of about 600 ms each, in decoded bytes and messages per second.
 * Best-of, like the CLI's runs below, because a shared machine only ever
 * slows a run down.
 */
function decodeOnly(encoded: readonly Uint8Array[], decodeOne: (bytes: Uint8Array) => void, rounds = 5): { bytesPerSecond: number; messagesPerSecond: number } {
  for (const bytes of encoded) decodeOne(bytes);
  let best = { bytesPerSecond: 0, messagesPerSecond: 0 };
  for (let round = 0; round < rounds; round++) {
    let bytes = 0;
    let messages = 0;
    const start = performance.now();
    while (performance.now() - start < 600) {
      for (const e of encoded) {
        decodeOne(e);
        bytes += e.length;
        messages++;
      }
    }
    const seconds = (performance.now() - start) / 1000;
    if (messages / seconds > best.messagesPerSecond) best = { bytesPerSecond: bytes / seconds, messagesPerSecond: messages / seconds };
  }
  return best;
}

/** Runs a command `runs` times: the fastest wall time, and the highest peak RSS seen. */
async function bestOf(runs: number, command: string, args: readonly string[]): Promise<{ seconds: number; peakRssMiB?: number }> {
  let seconds = Infinity;
  let peakRssMiB: number | undefined;
  for (let i = 0; i < runs; i++) {
    const run = await timeCommand(command, args);
    if (run.exitCode !== 0) throw new Error(`${command} exited ${run.exitCode}: ${run.stderr.trim().split("\n").slice(-3).join(" / ")}`);
    seconds = Math.min(seconds, run.seconds);
    if (run.peakRssMiB !== undefined) peakRssMiB = Math.max(peakRssMiB ?? 0, run.peakRssMiB);
  }
  return { seconds, ...(peakRssMiB === undefined ? {} : { peakRssMiB }) };
}

/** The messages of a size-delimited file in memory, as views of it. */
function delimitedMessages(file: Uint8Array): Uint8Array[] {
  const messages: Uint8Array[] = [];
  let at = 0;
  while (at < file.length) {
    const peek = sizeDelimitedPeek(file.subarray(at));
    if (peek.eof || peek.offset + peek.size > file.length - at) throw new Error(`truncated message at byte ${at}`);
    messages.push(file.subarray(at + peek.offset, at + peek.offset + peek.size));
    at += peek.offset + peek.size;
  }
  return messages;
}

/** The non-empty lines of an NDJSON file in memory, as views of it. */
function ndjsonLines(file: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  while (start < file.length) {
    let end = file.indexOf(0x0a, start);
    if (end === -1) end = file.length;
    if (end > start) lines.push(file.subarray(start, end));
    start = end + 1;
  }
  return lines;
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const mib = (n: number | undefined) => (n === undefined ? "n/a" : `${fmt(n, 0)} MiB`);

/** Runs the CLI benchmarks and returns a markdown section. */
export async function runCliBench(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "envoy-tap-tunnel-bench-"));
  const cli = join(repoRoot, "bin", "envoy-tap-tunnel.js");
  const rows: string[] = [];
  try {
    // Tap traces, size-delimited.
    const traces = sampleTraces();
    const traceFile = join(dir, "traces.pb_length_delimited");
    const traceChunks = traces.map((t) => sizeDelimitedEncode(TraceSchema, t));
    const traceCount = await writeCycling(traceFile, traceChunks, traceStreamBytes);
    // The same stream at twice the size: peak RSS must not grow with the input.
    const traceDoubleFile = join(dir, "traces-double.pb_length_delimited");
    await writeCycling(traceDoubleFile, traceChunks, traceStreamBytes * 2);
    // Tunnel reports, NDJSON.
    const reports = sampleReports();
    const reportFile = join(dir, "reports.ndjson");
    const reportLines = reports.map((r) => new TextEncoder().encode(toJsonString(StreamReverseTunnelsRequestSchema, r, { registry }) + "\n"));
    const reportCount = await writeCycling(reportFile, reportLines, tunnelNdjsonBytes);
    const reportDoubleFile = join(dir, "reports-double.ndjson");
    await writeCycling(reportDoubleFile, reportLines, tunnelNdjsonBytes * 2);

    const textDecoder = new TextDecoder();
    const fromJsonLine = (b: Uint8Array) => fromJsonString(StreamReverseTunnelsRequestSchema, textDecoder.decode(b), { registry });
    // The baselines decode the messages of the very file the CLI reads, held
    // in memory, so both touch the same bytes in the same order; the cycled
    // 64 distinct messages (hot in the CPU cache) are shown for comparison.
    const traceMessages = delimitedMessages(readFileSync(traceFile));
    const reportJsonLines = ndjsonLines(readFileSync(reportFile));
    const reportBinaries = reportJsonLines.map((line) => toBinary(StreamReverseTunnelsRequestSchema, fromJsonLine(line)));
    const inputs = [
      {
        label: "tap traces, size-delimited",
        file: traceFile,
        doubleFile: traceDoubleFile,
        type: "Trace",
        count: traceCount,
        bare: true,
        decodeBaselines: [
          { name: "fromBinary", target: true, what: "the file's messages", encoded: traceMessages, decode: (b: Uint8Array) => fromBinary(TraceSchema, b) },
          { name: "fromBinary", target: false, what: "64 messages cycled", encoded: traces.map((t) => toBinary(TraceSchema, t)), decode: (b: Uint8Array) => fromBinary(TraceSchema, b) },
        ],
      },
      {
        label: "tunnel reports, NDJSON",
        file: reportFile,
        doubleFile: reportDoubleFile,
        type: "StreamReverseTunnelsRequest",
        count: reportCount,
        bare: false,
        decodeBaselines: [
          { name: "fromBinary", target: true, what: "the file's messages, as binary", encoded: reportBinaries, decode: (b: Uint8Array) => fromBinary(StreamReverseTunnelsRequestSchema, b) },
          // The JSON decoder over the same lines: what reading JSON costs before any checking.
          { name: "fromJsonString", target: false, what: "the file's lines", encoded: reportJsonLines, decode: fromJsonLine },
          // Issue 10's NDJSON target: JSON.parse of the same lines, in memory (each line's UTF-8 decoded, as the CLI must).
          { name: "JSON.parse", target: true, what: "the same lines, in memory (target ≥ 0.4)", encoded: reportJsonLines, decode: (b: Uint8Array) => JSON.parse(textDecoder.decode(b)) as unknown },
        ],
      },
    ];
    rows.push(
      "| input | size | `cat > /dev/null` | bare Node frame + tag walk | decoder alone, in memory | CLI `validate` | CLI ÷ bare walk (target ≥ 0.7) | CLI ÷ decoder alone | CLI peak RSS |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    );
    const peakRss = join(import.meta.dirname, "peak-rss.cjs");
    for (const input of inputs) {
      const size = statSync(input.file).size;
      const cat = await bestOf(3, "sh", ["-c", `cat '${input.file}' > /dev/null`]);
      const bare = input.bare ? await bestOf(3, process.execPath, [join(import.meta.dirname, "bare-walk.cjs"), input.file]) : undefined;
      const run = await bestOf(3, process.execPath, ["--require", peakRss, cli, "validate", "--type", input.type, input.file]);
      const double = await bestOf(1, process.execPath, ["--require", peakRss, cli, "validate", "--type", input.type, input.doubleFile]);
      const cliMessagesPerSecond = input.count / run.seconds;
      const baselines = input.decodeBaselines.map((b) => ({ ...b, ...decodeOnly(b.encoded, b.decode) }));
      // Ratios compare messages per second: an NDJSON line is larger than the
      // same message in binary, so bytes per second would flatter JSON.
      rows.push(
        `| ${input.label} (${input.count} messages) | ${fmt(size / MiB, 0)} MiB | ${fmt(size / MiB / cat.seconds, 0)} MiB/s | ${
          bare === undefined ? "n/a" : `${fmt(size / MiB / bare.seconds)} MiB/s`
        } | ${baselines
          .map((b) => `${b.name}, ${b.what}: ${fmt(b.bytesPerSecond / MiB)} MiB/s (${fmt(b.messagesPerSecond, 0)} msg/s)`)
          .join("<br>")} | ${fmt(size / MiB / run.seconds)} MiB/s (${fmt(cliMessagesPerSecond, 0)} msg/s) | ${
          bare === undefined ? "n/a" : `**${fmt(bare.seconds / run.seconds, 2)}**`
        } | ${baselines
          .map((b) => `${b.target ? "**" : ""}${fmt(cliMessagesPerSecond / b.messagesPerSecond, 2)}${b.target ? "**" : ""} of ${b.name}, ${b.what}`)
          .join("<br>")} | ${mib(run.peakRssMiB)}<br>(${mib(double.peakRssMiB)} on twice the input) |`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return [
    "## CLI `validate` on large streams",
    "",
    `Inputs are generated for the run (scale ${scale}): size-delimited \`Trace\` messages of 16 events × 4 KiB, and NDJSON \`StreamReverseTunnelsRequest\` lines of 10 tunnels. The CLI runs as a fresh process (\`node bin/envoy-tap-tunnel.js validate --type T FILE\`, start-up included), best of 3 runs; "decoder alone" decodes the messages of the same file, read into memory beforehand, in this process, best of 5 rounds of at least 600 ms (for NDJSON, \`fromBinary\` decodes each line's message re-encoded as binary, as the target names it, and \`fromJsonString\` the lines themselves); the figure for 64 distinct messages decoded over and over, which stay in the CPU cache, is shown beside it. The target ratio is in bold. Peak RSS is the CLI process's own high-water mark (\`VmHWM\` in \`/proc/self/status\`, read as it exits), the highest of its runs; one more run on twice the input shows whether it grows with the input. "Bare Node frame + tag walk" is \`bench/bare-walk.cjs\`, a script without package code that reads the same file in 64 KiB chunks, cuts its messages and walks their top-level tags, run as a fresh process like the CLI (best of 3). Targets: CLI ≥ 0.7 of the bare walk, CLI ≥ 0.5 of \`fromBinary\` alone, peak RSS < 200 MB (= 190.7 MiB).`,
    "",
    ...rows,
    "",
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await runCliBench());
}
