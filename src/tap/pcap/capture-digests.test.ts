import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, test } from "node:test";
import { create, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { TraceSchema } from "../../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { TraceWrapperSchema } from "../../../gen/envoy/data/tap/v3/wrapper_pb.js";
import { encode } from "../../codec/index.js";
import type { RecordedEvent, Recording } from "../testdata/record-http2.testdata.js";
import { writeV2alphaFragments, writeV3Segments } from "../testdata/recording-traces.testdata.js";
import { exportCapture } from "./export-capture.js";

/**
 * The exact bytes of 26 captures (13 input sets, each as pcap and pcapng),
 * by SHA-256: a change to the writer, the flows or the merge that moves a
 * single byte fails here. The digests were taken from the two-pass export
 * of commit cbaecde, whose captures tshark reads back (see the
 * `*.tshark.test.ts` files); a deliberate change of output must re-take
 * them and say why in its commit.
 */
const EXPECTED: Record<string, string> = {
  "envoy trace, MSS 1460, pcap": "b6a8404d26213c6171b62747e6e2e5aae79b1dd73534db908e9f82526fec1cf0",
  "envoy trace, MSS 1460, pcapng": "e785a729ab57e5b25ebd77e8dd121d8c02853fb61c6230ec0ff6a1aa62b2c73e",
  "envoy trace, MSS 100, pcap": "e07ccf3d7b898b4cac813c66f76a5441895b3a536b8aa0be3c22c3621413972f",
  "envoy trace, MSS 100, pcapng": "f8db7843d80421a09fe00087da84e2aed84846293c9db142feb083d27da14c0e",
  "envoy trace, MSS 7, pcap": "c7a3244bdfde21ae1840a773ead38b40305f82a97145a4ec0f82e5b7c92c7592",
  "envoy trace, MSS 7, pcapng": "58e860f320ed42e9915eaad8a3de8f32154fbeb27be570bd2cece8b934ad8ba6",
  "pipe addresses, pcap": "f29ad1347435c7eaa72413fc0d69a32062fc60d43c20cffcffcbec842fc1f2c5",
  "pipe addresses, pcapng": "8f62cfb9e0ef0a676500a40bf7077a7a6f2bbcff413eb9bcdabe533e483925c1",
  "HTTP buffered and streamed traces, pcap": "808077ebe6e9b8f26d36ec14b027d20074690e90cda999facc957f5551e94f55",
  "HTTP buffered and streamed traces, pcapng": "03cfbaa4a0390c5c5950618b146abc0900fd617d28593ba7a317061b0aea5cd7",
  "v2alpha fragments (binary, JSON, text), IPv4, pcap": "6da6e24b494c8fd8236ec339c1275a519e3f0bd43f7c5c4d0c65207b903abf48",
  "v2alpha fragments (binary, JSON, text), IPv4, pcapng": "a467d6a82e2411407e02c63928957017124674678a9a26d6e96c765f8c55406c",
  "v3 streamed segments, IPv6, MSS 1000, pcap": "2fc23c5890c8aa81e6dec83bab38a00b027b1ed7ec0ec48bd6ca5093b5b86330",
  "v3 streamed segments, IPv6, MSS 1000, pcapng": "d219fce22cdeefd80794963ac2eb98c777b004575de82cea1decfac051dd9202",
  "conflicting fragments, pcap": "83199896c2c58d4246a192b2c8340d01a302e46317fc500b785debe4ac2981aa",
  "conflicting fragments, pcapng": "d12ac7d32e9682fe331ad8d60455a58a0b1cb6eae5ada0d441e346ae335a0ae8",
  "seq duplicates and gaps, pcap": "491dfd6f9c51eb367af0d51f770c45e057a67336a81579f202b6ff6cdd1c5b8a",
  "seq duplicates and gaps, pcapng": "ecc46433d930263060696db84af5334179c29be9c4c9c6c2edb30253418e0253",
  "events out of time order, pcap": "b6aef2a206ca4dad896b8028f6616b930eda8510d03815a80326fd1fa8f97b42",
  "events out of time order, pcapng": "1b464e069d5bcc3ca2462712ba3f5ef74f089d9f37295101121fc83ea429e699",
  "three traces interleaved by time, events over 64 segments, pcap": "b3ec2ee175a8f78bb3447f8243193f2be625b557f7c1d9690241693327613e95",
  "three traces interleaved by time, events over 64 segments, pcapng": "db5b16ec97c3be63599a970dc8b3e103ee2e81bd92ec5324d1219f7472d937cc",
  "v3 buffered trace, IPv6, read truncated, pcap": "6bf119e01028a464b4877d218dbea6aaae2c4a41967c95f3434165f8409768af",
  "v3 buffered trace, IPv6, read truncated, pcapng": "ee6f6bcbbd61273b3aa095bc54a0661028904820b03a35c60b846a1b0490d80f",
  "missing timestamps, a fragment with no connection, pcap": "1b47c110129be56a23c07f06b56dc8c7fa93291cf21c8c67e5566c3fc1ab4644",
  "missing timestamps, a fragment with no connection, pcapng": "959cbaff69afc2ed969af9bf08d831803bcb49332d2c902cbd02b895da56d4b5",
};

const dir = mkdtempSync(join(tmpdir(), "tap-digests-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Deterministic bytes (a linear congruential generator), so the inputs are the same on every run. */
function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

const timestamp = (nanos: bigint) => ({ seconds: nanos / 1_000_000_000n, nanos: Number(nanos % 1_000_000_000n) });
const socket = (address: string, port: number) => ({ address: { case: "socketAddress" as const, value: { address, portSpecifier: { case: "portValue" as const, value: port } } } });
const T0 = 1_700_000_000_000_000_000n;

/** A v2alpha event: a read or a write (optionally with end_stream), at `nanos` or without a timestamp. */
function v2Event(type: "read" | "write", nanos: bigint | undefined, data: Uint8Array, endStream = false) {
  return {
    ...(nanos !== undefined ? { timestamp: timestamp(nanos) } : {}),
    eventSelector: type === "read" ? { case: "read" as const, value: { data } } : { case: "write" as const, value: { data, endStream } },
  };
}

function write(name: string, content: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function v2Trace(name: string, init: MessageInitShape<typeof TraceSchema>): string {
  return write(name, toBinary(TraceSchema, create(TraceSchema, init)));
}

/** A synthetic recording (no network): alternating reads and writes of odd sizes, the last write with end_stream, then closed. */
function recording(local: string, remote: string, seed: number): Recording {
  const events: RecordedEvent[] = [];
  const sizes = [517, 3001, 1, 96_000, 1460, 1461, 70_001, 2];
  sizes.forEach((size, i) => events.push({ time: T0 + BigInt(seed) * 1_000_000n + BigInt(i) * 1000n, type: i % 2 === 0 ? "read" : "write", data: bytes(size, seed * 100 + i), endStream: i === sizes.length - 1 }));
  events.push({ time: T0 + BigInt(seed) * 1_000_000n + 9000n, type: "closed", data: new Uint8Array(0), endStream: false });
  return { local: { address: local, port: 8443 }, remote: { address: remote, port: 51_234 }, events, status: 200, body: new Uint8Array(0) };
}

/** The 13 input sets, with the MSS each is exported at. */
function inputSets(): [string, string[], number | undefined][] {
  const envoy = join(import.meta.dirname, "..", "..", "..", "examples", "valid", "tap2pcap-h2-ipv4.pb_text");
  const v4 = recording("10.0.0.1", "10.0.0.2", 1);
  const v6 = recording("::1", "fd00::2", 2);
  const conn = (id: bigint, local: string, remote: string, port: number) => ({ id, localAddress: socket(local, 443), remoteAddress: socket(remote, port) });
  const interleaved = [0, 1, 2].map((n) =>
    v2Trace(`mix_${n + 10}.pb`, {
      connection: conn(BigInt(n + 10), "10.0.0.1", `10.0.1.${n + 2}`, 40_000 + n),
      events: Array.from({ length: 12 }, (_, i) => v2Event(i % 3 === 2 ? "write" : "read", T0 + BigInt(i * 3 + n) * 1_000_000n, bytes(1000 + ((i * 7919 + n * 104_729) % 120_000), n * 50 + i), i === 11)),
    }),
  );
  return [
    ["envoy trace, MSS 1460", [envoy], undefined],
    ["envoy trace, MSS 100", [envoy], 100],
    ["envoy trace, MSS 7", [envoy], 7],
    ["pipe addresses", [v2Trace("pipe_3.pb", { connection: { id: 3n, localAddress: { address: { case: "pipe", value: { path: "/run/envoy.sock" } } }, remoteAddress: { address: { case: "pipe", value: { path: "@abstract" } } } }, events: [v2Event("read", T0, bytes(10, 3)), v2Event("write", T0 + 5n, bytes(20, 4), true)] })], undefined],
    ["HTTP buffered and streamed traces", [
      write("http_1.json", JSON.stringify({ http_buffered_trace: { request: { headers: [{ key: ":method", value: "POST" }, { key: ":path", value: "/api" }], body: { as_string: "hello" }, headers_received_time: "2024-05-01T10:00:00Z" }, response: { headers: [{ key: ":status", value: "201" }], body: { as_bytes: "b2s=" }, trailers: [{ key: "grpc-status", value: "0" }] }, downstream_connection: { local_address: { socket_address: { address: "10.0.0.1", port_value: 8080 } }, remote_address: { socket_address: { address: "10.0.0.2", port_value: 50000 } } } } })),
      write("http_11.ndjson", [{ trace_id: "11", request_headers: { headers: [{ key: ":path", value: "/s" }] } }, { trace_id: "11", response_headers: { headers: [{ key: ":status", value: "200" }] } }, { trace_id: "11", response_body_chunk: { as_string: "part" } }].map((s) => JSON.stringify({ http_streamed_trace_segment: s })).join("\n") + "\n"),
    ], undefined],
    ["v2alpha fragments (binary, JSON, text), IPv4", writeV2alphaFragments(dir, v4), undefined],
    ["v3 streamed segments, IPv6, MSS 1000", [writeV3Segments(dir, v6)], 1000],
    ["conflicting fragments", [
      v2Trace("c_1.pb", { connection: conn(1n, "10.0.0.1", "10.0.0.2", 5000), events: [v2Event("read", T0, bytes(100, 5))] }),
      v2Trace("d_1.pb", { connection: conn(1n, "10.0.0.9", "10.0.0.2", 5000), events: [v2Event("write", T0 + 10n, bytes(100, 6))] }),
    ], undefined],
    ["seq duplicates and gaps", [write("seq_5.pb_length_delimited", encode(TraceWrapperSchema, [4, 2, 2, 7].map((seq, i) => create(TraceWrapperSchema, { trace: { case: "socketStreamedTraceSegment", value: { traceId: 5n, messagePiece: { case: "event", value: { timestamp: timestamp(T0 + BigInt(i)), seqNum: BigInt(seq), eventSelector: { case: i === 2 ? "write" : "read", value: { data: { bodyType: { case: "asBytes", value: bytes(300 + i, 7 + i) } } } } } } } } })), "delimited"))], undefined],
    ["events out of time order", [v2Trace("ooo_8.pb", { connection: conn(8n, "10.0.0.1", "10.0.0.3", 6000), events: [v2Event("read", T0 + 3000n, bytes(2000, 8)), v2Event("write", T0 + 1000n, bytes(3000, 9)), v2Event("read", T0 + 2000n, bytes(5, 10))] })], undefined],
    ["three traces interleaved by time, events over 64 segments", interleaved, undefined],
    ["v3 buffered trace, IPv6, read truncated", [write("buf_9.pb", toBinary(TraceWrapperSchema, create(TraceWrapperSchema, { trace: { case: "socketBufferedTrace", value: { traceId: 9n, connection: { localAddress: socket("2001:db8::1", 443), remoteAddress: socket("2001:db8::2", 60000) }, readTruncated: true, events: [0, 1, 2].map((i) => ({ timestamp: timestamp(T0 + BigInt(i) * 1000n), eventSelector: { case: i === 1 ? ("write" as const) : ("read" as const), value: { data: { bodyType: { case: "asBytes" as const, value: bytes(4000 * (i + 1), 20 + i) } } } } })) } } })) as Uint8Array)], undefined],
    ["missing timestamps, a fragment with no connection", [v2Trace("nots_4.pb", { connection: conn(4n, "10.0.0.1", "10.0.0.4", 7000), events: [v2Event("read", undefined, bytes(50, 11)), v2Event("write", T0, bytes(60, 12))] }), v2Trace("anon.pb", { events: [v2Event("read", T0 + 1n, bytes(70, 13))] })], undefined],
  ];
}

test("26 captures are byte for byte what they were (SHA-256 of each pcap and pcapng)", async () => {
  const actual: Record<string, string> = {};
  for (const [name, paths, mss] of inputSets()) {
    for (const pcapng of [false, true]) {
      const hash = createHash("sha256");
      const sources = paths.map((path) => ({ name: basename(path), open: async function* () { yield readFileSync(path); } }));
      let size = 0;
      const findings = await exportCapture(sources, async (chunk) => void (hash.update(chunk), (size += chunk.length)), { pcapng, ...(mss !== undefined ? { mss } : {}) });
      if (process.env["TAP_PRINT_DIGESTS"] === "1") console.log(name, size, findings.map((f) => f.ruleId).join(" "));
      actual[`${name}, ${pcapng ? "pcapng" : "pcap"}`] = hash.digest("hex");
    }
  }
  if (process.env["TAP_PRINT_DIGESTS"] === "1") console.log(JSON.stringify(actual, null, 2));
  assert.equal(Object.keys(actual).length, 26);
  assert.deepEqual(actual, EXPECTED);
});
