/**
 * Throughput of `validateBinary` as a ratio to protobuf-es `fromBinary` on
 * the same bytes, measured side by side in one run: on valid payloads (the
 * verdict walk proves them valid without decoding; targets ≥ 10×, ≥ 20× on
 * the 4 KiB-event trace) and on the same payloads with one defect (the full
 * path: one walk, then the failing messages decoded, validated and located).
 *
 *   node --import tsx bench/validate.bench.ts
 *
 * The same for JSON: `validateJson` on a valid 1,000-tunnel report as a
 * ratio to `JSON.parse` of the same text (target ≥ 0.5×), and with one
 * defect.
 *
 * Prints markdown tables; `runValidateBench()` returns the same markdown for
 * the script that assembles BENCHMARKS.md.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { clone, create, fromBinary, toBinary, toJsonString, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { TraceSchema } from "../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { StreamReverseTunnelsRequestSchema } from "../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { validateBinary, validateJson } from "../src/validate/index.js";
import { describeMachine, opsPerSecond } from "./machine.js";
import { pattern } from "./pattern.js";

/** A tap trace of `count` events of `size` bytes, reads and writes alternating, in order, the last write ending the stream. */
function trace(count: number, size: number) {
  return create(TraceSchema, {
    connection: {
      id: 42n,
      localAddress: { address: { case: "socketAddress", value: { address: "10.0.0.1", portSpecifier: { case: "portValue", value: 443 } } } },
      remoteAddress: { address: { case: "socketAddress", value: { address: "10.0.0.2", portSpecifier: { case: "portValue", value: 51234 } } } },
    },
    events: Array.from({ length: count }, (_, e) => ({
      timestamp: { seconds: 1_700_000_000n + BigInt(e >> 4), nanos: (e & 15) * 1000 },
      eventSelector:
        e % 2 === 0
          ? { case: "read" as const, value: { data: pattern(size, e) } }
          : { case: "write" as const, value: { data: pattern(size, e), endStream: e === count - 1 } },
    })),
  });
}

/** A full-push report of 1,000 tunnels. */
function bigReport() {
  return create(StreamReverseTunnelsRequestSchema, {
    node: { id: "edge-7f3a", cluster: "edge-eu-west", locality: { region: "eu-west-1", zone: "b" }, userAgentName: "envoy" },
    addedTunnels: Array.from({ length: 1000 }, (_, i) => ({
      name: `tunnel-${i}`,
      identity: { tenantId: `tenant-${i % 17}`, clusterId: "edge-eu-west", nodeId: `edge-${i % 97}` },
      createdAt: { seconds: 1_763_700_000n + BigInt(i), nanos: 125_000_000 },
    })),
    fullPush: true,
    nonce: 7n,
  });
}

interface Row {
  readonly payload: string;
  readonly bytes: number;
  readonly decode: number;
  readonly valid: number;
  readonly invalid: number;
}

/**
 * `broken` is the message with one defect (an event without read or write,
 * an empty tenant_id), which takes the full path.
 */
function measure<Desc extends DescMessage>(payload: string, schema: Desc, message: MessageShape<Desc>, broken: MessageShape<Desc>): Row {
  const bytes = toBinary(schema, message);
  const brokenBytes = toBinary(schema, broken);
  // Correctness first: a benchmark of the wrong path measures nothing.
  const valid = validateBinary(schema, bytes);
  if (valid.kind !== "valid" || valid.warnings.length > 0) throw new Error(`bench payload ${payload} is not valid: ${JSON.stringify([...valid.violations, ...valid.warnings].slice(0, 2))}`);
  if (validateBinary(schema, brokenBytes).violations.length !== 1) throw new Error(`broken bench payload ${payload} does not have one violation`);
  const variants = [() => void fromBinary(schema, bytes), () => void validateBinary(schema, bytes), () => void validateBinary(schema, brokenBytes)];
  const [decode, validOps, invalidOps] = interleavedBest(variants);
  return { payload, bytes: bytes.length, decode, valid: validOps, invalid: invalidOps };
}

interface JsonRow {
  readonly chars: number;
  readonly parse: number;
  readonly valid: number;
  readonly invalid: number;
}

/** `validateJson` against `JSON.parse` on the same text, valid and with one defect, in interleaved rounds. */
function measureJson<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>, broken: MessageShape<Desc>): JsonRow {
  const text = toJsonString(schema, message);
  const brokenText = toJsonString(schema, broken);
  const valid = validateJson(schema, text);
  if (valid.kind !== "valid" || valid.warnings.length > 0) throw new Error(`bench JSON is not valid: ${JSON.stringify(valid.violations.slice(0, 2))}`);
  if (validateJson(schema, brokenText).violations.length !== 1) throw new Error("broken bench JSON does not have one violation");
  const variants = [() => void JSON.parse(text), () => void validateJson(schema, text), () => void validateJson(schema, brokenText)];
  const [parse, validOps, invalidOps] = interleavedBest(variants);
  return { chars: text.length, parse, valid: validOps, invalid: invalidOps };
}

const ROUNDS = 9;
const ROUND_MILLIS = 150;

/** A full garbage collection, exposed at run time: `node --expose-gc` is not needed. */
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

/**
 * Operations per second of each variant, in interleaved short rounds, each
 * variant keeping its best round: on a shared, loaded machine the fastest
 * round is the one least disturbed by other processes, and interleaving
 * exposes all of them to the same conditions. Each round starts on a
 * collected heap, so that no round pays for the garbage of the variant
 * before it (a decode allocates the most, and was measured slower after
 * the full validation path than after the verdict walk).
 */
function interleavedBest(variants: readonly (() => void)[]): number[] {
  const best = variants.map(() => 0);
  for (let round = 0; round < ROUNDS; round++) {
    variants.forEach((work, i) => {
      collectGarbage();
      best[i] = Math.max(best[i]!, opsPerSecond(work, ROUND_MILLIS));
    });
  }
  return best;
}

function ms(opsPerSec: number): string {
  return (1000 / opsPerSec).toFixed(3);
}

/** Runs the benchmark and returns its markdown section: a heading, the table and a machine line. */
export async function runValidateBench(): Promise<string> {
  const withoutSelector = <T extends ReturnType<typeof trace>>(t: T): T => {
    const copy = clone(TraceSchema, t);
    copy.events[7]!.eventSelector = { case: undefined };
    return copy as T;
  };
  const report = bigReport();
  const brokenReport = clone(StreamReverseTunnelsRequestSchema, report);
  brokenReport.addedTunnels[500]!.identity!.tenantId = "";
  const bigEvents = trace(1000, 4096);
  const smallEvents = trace(10_000, 64);
  const rows = [
    measure("Trace, 1,000 events × 4 KiB", TraceSchema, bigEvents, withoutSelector(bigEvents)),
    measure("Trace, 10,000 events × 64 B", TraceSchema, smallEvents, withoutSelector(smallEvents)),
    measure("StreamReverseTunnelsRequest, 1,000 tunnels + node", StreamReverseTunnelsRequestSchema, report, brokenReport),
  ];
  const json = measureJson(StreamReverseTunnelsRequestSchema, report, brokenReport);
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const lines = [
    "## Validation: `validateBinary` against `fromBinary`",
    "",
    "| payload | size | `fromBinary` | `validateBinary`, valid | ÷ `fromBinary` (target ≥ 10×, ≥ 20× on 4 KiB events) | `validateBinary`, one defect | ÷ `fromBinary` |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.payload} | ${(r.bytes / 1024).toFixed(0)} KiB | ${ms(r.decode)} ms | ${ms(r.valid)} ms | **${ratio(r.valid, r.decode)}** | ${ms(r.invalid)} ms | ${ratio(r.invalid, r.decode)} |`,
    ),
    "",
    "Ratios are throughput ratios (higher is faster). A valid payload is proven valid by the verdict walk without decoding; a payload with one defect (an event with neither read nor write; an empty `tenant_id`) takes the full path: one walk that reports the wire's findings and records the messages whose rules fail, then only those messages decoded, validated and located (the whole message is decoded when `message` is read).",
    "",
    `Best of ${ROUNDS} interleaved rounds of ${ROUND_MILLIS} ms per variant, each round on a collected heap. Machine: ${describeMachine()}.`,
    "",
    "## Validation: `validateJson` against `JSON.parse`",
    "",
    "| payload | size | `JSON.parse` | `validateJson`, valid | ÷ `JSON.parse` (target ≥ 0.5×) | `validateJson`, one defect | ÷ `JSON.parse` |",
    "|---|---:|---:|---:|---:|---:|---:|",
    `| StreamReverseTunnelsRequest, 1,000 tunnels + node, as proto3 JSON text | ${(json.chars / 1024).toFixed(0)} KiB | ${ms(json.parse)} ms | ${ms(json.valid)} ms | **${ratio(json.valid, json.parse)}** | ${ms(json.invalid)} ms | ${ratio(json.invalid, json.parse)} |`,
    "",
    "A valid document is proven valid by one pass of the verdict walk (`src/json/json-verdict.ts`: the tokenizer driven by the type's plan and rules, no parsed value, no message); a document with one defect (an empty `tenant_id`) takes the full path: ajv, `fromJson`, the rules and the line:column of each finding. Same rounds as above.",
  ];
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await runValidateBench());
}
