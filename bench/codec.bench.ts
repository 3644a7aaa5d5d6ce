/**
 * Codec benchmark: streams a large size-delimited input, generated on the
 * fly and never held in memory, through `readMessages()`, and compares its
 * throughput and peak RSS with protobuf-es' own `sizeDelimitedDecodeStream`
 * and with `fromBinary` alone over messages already in memory (the CPU cost
 * floor of decoding). An NDJSON stream shows the JSON path.
 *
 * Run: `node --import tsx bench/codec.bench.ts` (prints markdown);
 * `BENCH_SCALE=0.05` makes a quick run.
 */
import { pathToFileURL } from "node:url";
import { create, fromBinary, toBinary, toJsonString, type DescMessage } from "@bufbuild/protobuf";
import { sizeDelimitedDecodeStream, sizeDelimitedEncode } from "@bufbuild/protobuf/wire";
import { TraceSchema } from "../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { readMessages } from "../src/codec/index.js";
import { describeMachine } from "./machine.js";
import { pattern } from "./pattern.js";

const MiB = 2 ** 20;
const scale = Number(process.env["BENCH_SCALE"] ?? "1");
const delimitedBytes = Math.round(256 * MiB * scale);
const ndjsonBytes = Math.round(64 * MiB * scale);
const CHUNK_BYTES = 64 * 1024;

/** 64 distinct traces of 16 events of 1 KiB each (about 17 KiB apiece, a typical tap buffer). */
function sampleTraces() {
  return Array.from({ length: 64 }, (_, t) =>
    create(TraceSchema, {
      connection: { id: BigInt(t + 1), localAddress: { address: { case: "socketAddress", value: { address: "10.0.0.1", portSpecifier: { case: "portValue", value: 443 } } } } },
      events: Array.from({ length: 16 }, (_, e) => ({
        timestamp: { seconds: 1_700_000_000n + BigInt(t), nanos: e * 1000 },
        eventSelector:
          e % 2 === 0
            ? { case: "read" as const, value: { data: pattern(1024, t * 16 + e) } }
            : { case: "write" as const, value: { data: pattern(1024, t * 16 + e), endStream: false } },
      })),
    }),
  );
}

/**
 * Yields `totalBytes` of the encoded records, repeated, in fixed-size chunks
 * that cut records anywhere (as a file or socket would), holding only one
 * chunk at a time.
 */
async function* generate(records: readonly Uint8Array[], totalBytes: number): AsyncGenerator<Uint8Array> {
  let produced = 0;
  let chunk = new Uint8Array(CHUNK_BYTES);
  let filled = 0;
  for (let r = 0; produced < totalBytes; r++) {
    const record = records[r % records.length]!;
    let at = 0;
    while (at < record.length) {
      const take = Math.min(record.length - at, CHUNK_BYTES - filled);
      chunk.set(record.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === CHUNK_BYTES) {
        yield chunk;
        chunk = new Uint8Array(CHUNK_BYTES);
        filled = 0;
      }
    }
    produced += record.length;
  }
  if (filled > 0) yield chunk.subarray(0, filled);
}

interface Row {
  readonly name: string;
  readonly bytes: number;
  readonly messages: number;
  readonly seconds: number;
  readonly peakRssMiB: number;
  readonly rssGrowthMiB: number;
}

/** Tracks peak RSS; sampled from inside the measured loops, because timers do not fire while they run. */
class RssSampler {
  readonly start = process.memoryUsage.rss();
  peak = this.start;
  sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
  }
}

async function measure(name: string, bytes: number, run: (sampler: RssSampler) => Promise<number>): Promise<Row> {
  (globalThis as { gc?: () => void }).gc?.();
  const sampler = new RssSampler();
  const started = performance.now();
  const messages = await run(sampler);
  const seconds = (performance.now() - started) / 1000;
  sampler.sample();
  return { name, bytes, messages, seconds, peakRssMiB: sampler.peak / MiB, rssGrowthMiB: (sampler.peak - sampler.start) / MiB };
}

async function countStream<T>(stream: AsyncIterable<T>, sampler: RssSampler): Promise<number> {
  let count = 0;
  for await (const _ of stream) {
    if (++count % 64 === 0) sampler.sample();
  }
  return count;
}

/** Runs the benchmark and returns a markdown section for BENCHMARKS.md. */
export async function runCodecBench(): Promise<string> {
  const traces = sampleTraces();
  const delimited = traces.map((t) => sizeDelimitedEncode(TraceSchema, t));
  const binaries = traces.map((t) => toBinary(TraceSchema, t));
  const ndjson = traces.map((t) => new TextEncoder().encode(`${toJsonString(TraceSchema, t)}\n`));
  const schema: DescMessage = TraceSchema;

  const rows: Row[] = [];
  rows.push(
    await measure("`readMessages()` delimited, streamed in 64 KiB chunks", delimitedBytes, (s) =>
      countStream(readMessages(schema, generate(delimited, delimitedBytes), "delimited"), s),
    ),
  );
  rows.push(
    await measure("protobuf-es `sizeDelimitedDecodeStream()`, same stream", delimitedBytes, (s) =>
      countStream(sizeDelimitedDecodeStream(TraceSchema, generate(delimited, delimitedBytes)), s),
    ),
  );
  rows.push(
    await measure("`fromBinary()` alone over the 64 messages in memory, repeated", delimitedBytes, async (s) => {
      let decoded = 0;
      let count = 0;
      for (let i = 0; decoded < delimitedBytes; i++) {
        const bytes = binaries[i % binaries.length]!;
        fromBinary(TraceSchema, bytes);
        decoded += delimited[i % delimited.length]!.length;
        if (++count % 64 === 0) s.sample();
      }
      return count;
    }),
  );
  rows.push(
    await measure("`readMessages()` NDJSON, streamed in 64 KiB chunks", ndjsonBytes, (s) =>
      countStream(readMessages(schema, generate(ndjson, ndjsonBytes), "ndjson"), s),
    ),
  );

  const averageRecord = delimited.reduce((n, d) => n + d.length, 0) / delimited.length;
  const lines = [
    "## Codec: streaming decode",
    "",
    `Machine: ${describeMachine()}.`,
    "",
    `Input: envoy.data.tap.v2alpha.Trace messages of about ${(averageRecord / 1024).toFixed(1)} KiB (16 events of 1 KiB),`,
    "generated on the fly by an async generator in 64 KiB chunks that cut messages anywhere; the input is never held in memory.",
    "Peak RSS is sampled every 64 messages inside each loop (timers do not fire while a loop runs).",
    "",
    "| Run | Input | Messages | Time | Throughput | Peak RSS | RSS growth |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(
      (r) =>
        `| ${r.name} | ${(r.bytes / MiB).toFixed(0)} MiB | ${r.messages} | ${r.seconds.toFixed(2)} s | ${(r.bytes / MiB / r.seconds).toFixed(0)} MB/s | ${r.peakRssMiB.toFixed(0)} MiB | ${r.rssGrowthMiB.toFixed(0)} MiB |`,
    ),
    "",
    "MB/s means MiB of encoded input per second. `readMessages()` copies each message out of the chunks",
    "(so callers may reuse chunk buffers) and keeps its exact bytes for `validateBinary`; the gap to",
    "`fromBinary()` alone is that copy plus the chunk framing.",
  ];
  return lines.join("\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await runCodecBench());
}
