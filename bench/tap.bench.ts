import { spawn } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { TraceSchema } from "../src/index.js";
import { pattern } from "./pattern.js";

const repoRoot = join(import.meta.dirname, "..");
const MiB = 2 ** 20;
/** Sizes of the generated inputs; `BENCH_SCALE=0.05` makes a quick run. */
const scale = Number(process.env["BENCH_SCALE"] ?? "1");
const traceSetBytes = Math.round(1024 * MiB * scale);
const bigTraceBytes = Math.round(2048 * MiB * scale);
/** Payload per event: text2pcap makes one packet per event, which must stay below 64 KiB. */
const EVENT_BYTES = 32 * 1024;
const FILE_BYTES = 16 * MiB;
/** Payload run through Envoy's route (see below). */
const ENVOY_ROUTE_BYTES = Math.round(32 * MiB * Math.min(1, scale * 10));

const payloads = [0, 1, 2, 3].map((seed) => pattern(EVENT_BYTES, seed + 11));

/** Event `i` of a connection, encoded as a one-event Trace: reads and writes alternate, 1 ms apart, so each trace is in time order as Envoy writes it. */
function eventBytes(i: number, start: bigint): Uint8Array {
  const nanos = start + BigInt(i) * 1_000_000n;
  const data = payloads[i % payloads.length]!;
  const trace = create(TraceSchema, {
    events: [{ timestamp: { seconds: nanos / 1_000_000_000n, nanos: Number(nanos % 1_000_000_000n) }, eventSelector: i % 2 === 0 ? { case: "read", value: { data } } : { case: "write", value: { data } } }],
  });
  return toBinary(TraceSchema, trace);
}

/** Writes one v2alpha buffered trace (connection, then events) of about `bytes` bytes; returns its payload size. */
export async function writeTrace(path: string, id: number, bytes: number): Promise<number> {
  const out = createWriteStream(path);
  const header = toBinary(TraceSchema, create(TraceSchema, {
    connection: {
      id: BigInt(id),
      localAddress: { address: { case: "socketAddress", value: { address: "10.0.0.1", portSpecifier: { case: "portValue", value: 443 } } } },
      remoteAddress: { address: { case: "socketAddress", value: { address: "10.0.1.2", portSpecifier: { case: "portValue", value: 40000 + (id % 20000) } } } },
    },
  }));
  out.write(header);
  // Each encoded one-event Trace is the `events` field of the concatenation: the file is one Trace.
  const start = 1_700_000_000_000_000_000n + BigInt(id) * 1_000_000_000n;
  let written = header.length;
  let payload = 0;
  for (let i = 0; written < bytes; i++) {
    const chunk = eventBytes(i, start);
    if (!out.write(chunk)) await once(out, "drain");
    written += chunk.length;
    payload += EVENT_BYTES;
  }
  out.end();
  await once(out, "close");
  return payload;
}

async function run(command: string, args: readonly string[], input?: AsyncIterable<string | Uint8Array>, discardStdout = false): Promise<{ seconds: number; stdout: string; stderr: string; peakRssMiB?: number }> {
  const start = performance.now();
  const child = spawn(command, args, { stdio: [input ? "pipe" : "ignore", discardStdout ? "ignore" : "pipe", "pipe"], cwd: repoRoot });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  if (input) {
    for await (const chunk of input) if (!child.stdin!.write(chunk)) await once(child.stdin!, "drain");
    child.stdin!.end();
  }
  const [code] = (await once(child, "close")) as [number];
  if (code !== 0) throw new Error(`${command} exited ${code}: ${stderr.trim().split("\n").slice(-3).join(" / ")}`);
  const rss = /peak-rss-kib=(\d+)/.exec(stderr);
  return { seconds: (performance.now() - start) / 1000, stdout, stderr, ...(rss ? { peakRssMiB: Number(rss[1]) / 1024 } : {}) };
}

/** `od -Ax -tx1 -v` of one event's bytes, as Envoy's tap2pcap.py runs it (one process per event). */
async function od(data: Uint8Array): Promise<string> {
  const child = spawn("od", ["-Ax", "-tx1", "-v"], { stdio: ["pipe", "pipe", "ignore"] });
  const parts: Buffer[] = [];
  child.stdout.on("data", (d: Buffer) => parts.push(d));
  child.stdin.end(data);
  await once(child, "close");
  return Buffer.concat(parts).toString();
}

/**
 * Envoy's route for one trace file, as tools/tap2pcap.py takes it: per
 * event a direction line, a timestamp line and `od`'s hex dump, all piped
 * into one `text2pcap -D -t ... -4 remote,local -T rport,lport - OUT`.
 * Decoding the trace is not timed (done beforehand, in this process), which
 * favours the route.
 */
async function envoyRoute(file: Uint8Array, out: string): Promise<void> {
  const trace = fromBinary(TraceSchema, file);
  async function* dumps(): AsyncGenerator<string> {
    for (const event of trace.events) {
      const direction = event.eventSelector.case === "read" ? "I" : "O";
      const date = new Date(Number(event.timestamp!.seconds) * 1000).toISOString().replace("T", " ").slice(0, 19);
      yield `${direction}\n${date}.${String(event.timestamp!.nanos).padStart(9, "0").slice(0, 6)}\n`;
      yield await od(event.eventSelector.value!.data);
    }
  }
  await run("text2pcap", ["-q", "-D", "-t", "%Y-%m-%d %H:%M:%S.", "-4", "10.0.1.2,10.0.0.1", "-T", "40000,443", "-", out], dumps());
}

/** `npm run bench`'s tap section: pcap export throughput against Envoy's route and `cat`, and readTraces' peak RSS on one large trace. */
export async function runTapBench(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "tap-bench-"));
  try {
    const files: string[] = [];
    let payload = 0;
    for (let i = 0; payload * 1.0 < traceSetBytes; i++) {
      const path = join(dir, `tap_${i}.pb`);
      payload += await writeTrace(path, i, Math.min(FILE_BYTES, traceSetBytes - payload + 1024));
      files.push(path);
    }
    const setBytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
    const peakRss = join(import.meta.dirname, "peak-rss.cjs");
    const cli = join(repoRoot, "bin", "envoy-tap-tunnel.js");
    const cat = await run("cat", files, undefined, true);
    // What writing a file of the set's size costs here: the export writes a capture a little larger than its input.
    const catToFile = await run("sh", ["-c", 'cat "$@" > "$0"', join(dir, "cat.out"), ...files]);
    rmSync(join(dir, "cat.out"));
    const ours = await run("node", ["--require", peakRss, cli, "tap", "pcap", ...files, "-o", join(dir, "ours.pcap")]);
    const ourPcap = statSync(join(dir, "ours.pcap")).size;
    rmSync(join(dir, "ours.pcap"));
    // The same export with the capture thrown away, as `cat` to /dev/null throws its output away.
    const oursToNull = await run("node", ["--require", peakRss, cli, "tap", "pcap", ...files, "-o", "/dev/null"]);
    const { readFileSync } = await import("node:fs");
    // Envoy's route spawns one `od` per event and runs at well under 1 MiB/s
    // here, so it is timed on the first files of the set (at least
    // ENVOY_ROUTE_BYTES of payload) and compared by throughput.
    const envoyFiles = files.slice(0, Math.max(1, Math.ceil(ENVOY_ROUTE_BYTES / FILE_BYTES)));
    let envoyPayload = 0;
    const envoyStart = performance.now();
    for (const [i, file] of envoyFiles.entries()) {
      const bytes = readFileSync(file);
      envoyPayload += fromBinary(TraceSchema, bytes).events.reduce((sum, e) => sum + (e.eventSelector.value?.data.length ?? 0), 0);
      await envoyRoute(bytes, join(dir, `envoy_${i}.pcap`));
    }
    const envoySeconds = (performance.now() - envoyStart) / 1000;
    const envoyMiBps = envoyPayload / MiB / envoySeconds;

    const big = join(dir, "big_1.pb");
    const bigPayload = await writeTrace(big, 1, bigTraceBytes);
    const bigSize = statSync(big).size;
    const read = await run("node", ["--require", peakRss, join(import.meta.dirname, "read-traces-count.mjs"), big]);
    const counted = JSON.parse(read.stdout) as { events: number; bytes: number; errors: number };
    if (counted.bytes !== bigPayload || counted.errors !== 0) throw new Error(`readTraces saw ${counted.bytes} payload bytes (expected ${bigPayload}), ${counted.errors} errors`);

    const mibps = (seconds: number) => payload / MiB / seconds;
    const fmt = (n: number, digits = 1) => n.toFixed(digits);
    /** Throughput of `route` as a fraction of `base`'s (the same payload, so the inverse ratio of their times). */
    const ratio = (base: { seconds: number }, route: { seconds: number }) => fmt(base.seconds / route.seconds, 2);
    return [
      "## Tap traces: pcap export",
      "",
      `Trace set (scale ${scale}): ${files.length} v2alpha buffered traces (binary), ${fmt(setBytes / MiB)} MiB on disk, ${fmt(payload / MiB)} MiB of payload in ${EVENT_BYTES / 1024} KiB events. One run each, side by side.`,
      "",
      "| route | seconds | payload MiB/s | of `cat FILES > /dev/null` (the target's `cat`) | of `cat FILES > file` |",
      "| --- | ---: | ---: | ---: | ---: |",
      `| \`cat FILES > /dev/null\` | ${fmt(cat.seconds, 2)} | ${fmt(mibps(cat.seconds))} | 1 | ${ratio(catToFile, cat)} |`,
      `| \`cat FILES > file\` (reading and writing) | ${fmt(catToFile.seconds, 2)} | ${fmt(mibps(catToFile.seconds))} | ${ratio(cat, catToFile)} | 1 |`,
      `| \`envoy-tap-tunnel tap pcap FILES -o OUT\` (${fmt(ourPcap / MiB)} MiB pcap, MSS 1460; peak RSS ${fmt(ours.peakRssMiB ?? NaN)} MiB) | ${fmt(ours.seconds, 2)} | ${fmt(mibps(ours.seconds))} | **${ratio(cat, ours)}** | ${ratio(catToFile, ours)} |`,
      `| \`envoy-tap-tunnel tap pcap FILES -o /dev/null\` (the same capture, thrown away; peak RSS ${fmt(oursToNull.peakRssMiB ?? NaN)} MiB) | ${fmt(oursToNull.seconds, 2)} | ${fmt(mibps(oursToNull.seconds))} | **${ratio(cat, oursToNull)}** | ${ratio(catToFile, oursToNull)} |`,
      `| Envoy's route: \`od -Ax -tx1 -v\` per event + \`text2pcap\` per trace (decoding not timed), on the first ${envoyFiles.length} files (${fmt(envoyPayload / MiB)} MiB of payload) | ${fmt(envoySeconds, 2)} | ${fmt(envoyMiBps)} | ours (to a file) is **${fmt(mibps(ours.seconds) / envoyMiBps, 1)}×** faster | |`,
      "",
      `Targets: ≥ 10× Envoy's route, ≥ 0.3× \`cat\` (the target names \`cat\` of the same files, taken here as \`cat FILES > /dev/null\`; the ratios to \`cat FILES > file\` are shown beside them, not instead). The CLI runs as a fresh process (start-up included) and streams: a first pass reads every trace for addresses, order and findings without keeping events, a second merges the traces' events by time and writes each event's packets into reused buffers (the payload checksums summed in WebAssembly with SIMD), so its RSS does not grow with the set. Binary traces are read in place, fields taken from the chunks where they lie. It still reads the set twice and writes a file larger than the set, which \`cat\` to /dev/null does not.`,
      "",
      `\`readTraces\` alone on one buffered trace of ${fmt(bigSize / MiB)} MiB (${counted.events} events, read field by field): peak RSS **${fmt(read.peakRssMiB ?? NaN)} MiB** (target < 200 MB = 190.7 MiB), ${fmt(read.seconds, 1)} s.`,
    ].join("\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === import.meta.filename) process.stdout.write(`${await runTapBench()}\n`);
