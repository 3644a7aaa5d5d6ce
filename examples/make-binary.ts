/**
 * Writes the binary examples (`*.pb`, `*.pb_length_delimited`) from the JSON
 * ones next to them, since binary files cannot be written by hand, plus a few
 * byte-level defects that no JSON can express (two members of one oneof on
 * the wire, a truncated message, a length prefix of 2^40, a field twice, a
 * field the schema does not declare).
 *
 *   npx tsx examples/make-binary.ts          # rewrite the binary files
 *   npx tsx examples/make-binary.ts --check  # exit 1 if a committed file differs
 *
 * Binary file names end in `.TYPE.pb` / `.TYPE.pb_length_delimited`: binary
 * carries no field names, so `envoy-tap-tunnel validate` takes the type from
 * the file name (see `envoy-tap-tunnel validate --help`).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { create, fromJsonString, toBinary, type DescMessage } from "@bufbuild/protobuf";
import { BinaryWriter, sizeDelimitedEncode, WireType } from "@bufbuild/protobuf/wire";
import {
  ConnectionSchema,
  EventSchema,
  registry,
  StreamReverseTunnelsRequestSchema,
  StreamReverseTunnelsResponseSchema,
  TraceSchema,
} from "../src/index.js";

const here = dirname(fileURLToPath(import.meta.url));

/** `json`/`ndjson` source → binary target, relative to `examples/`. */
const FROM_JSON: readonly { source: string; target: string; schema: DescMessage }[] = [
  { source: "valid/trace.json", target: "valid/trace.Trace.pb", schema: TraceSchema },
  { source: "valid/traces.ndjson", target: "valid/traces.Trace.pb_length_delimited", schema: TraceSchema },
  { source: "valid/report.json", target: "valid/report.StreamReverseTunnelsRequest.pb", schema: StreamReverseTunnelsRequestSchema },
  {
    source: "valid/reports.ndjson",
    target: "valid/reports.StreamReverseTunnelsRequest.pb_length_delimited",
    schema: StreamReverseTunnelsRequestSchema,
  },
  { source: "valid/response.json", target: "valid/response.StreamReverseTunnelsResponse.pb", schema: StreamReverseTunnelsResponseSchema },
  { source: "invalid/trace.json", target: "invalid/trace.Trace.pb", schema: TraceSchema },
  { source: "invalid/traces.ndjson", target: "invalid/traces.Trace.pb_length_delimited", schema: TraceSchema },
  { source: "invalid/report.json", target: "invalid/report.StreamReverseTunnelsRequest.pb", schema: StreamReverseTunnelsRequestSchema },
  {
    source: "invalid/reports.ndjson",
    target: "invalid/reports.StreamReverseTunnelsRequest.pb_length_delimited",
    schema: StreamReverseTunnelsRequestSchema,
  },
];

/** The binary encoding of each message of a JSON or NDJSON file, length-prefixed when `delimited`. */
function encodeJsonFile(source: string, schema: DescMessage, delimited: boolean): Uint8Array[] {
  const text = readFileSync(join(here, source), "utf8");
  const documents = source.endsWith(".ndjson") ? text.split("\n").filter((line) => line.trim() !== "") : [text];
  return documents.map((document) => {
    const message = fromJsonString(schema, document, { registry });
    return delimited ? sizeDelimitedEncode(schema, message) : toBinary(schema, message);
  });
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Every binary example, by path relative to `examples/`. */
export function binaryExamples(): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const { source, target, schema } of FROM_JSON) {
    files.set(target, concat(...encodeJsonFile(source, schema, target.endsWith(".pb_length_delimited"))));
  }

  // An event whose read and write are both on the wire: JSON rejects that
  // outright, binary parsers keep the last one, so only validateBinary sees it.
  const readPart = toBinary(EventSchema, create(EventSchema, {
    timestamp: { seconds: 1795078800n },
    eventSelector: { case: "read", value: { data: new TextEncoder().encode("ping") } },
  }));
  const writePart = toBinary(EventSchema, create(EventSchema, {
    eventSelector: { case: "write", value: { data: new TextEncoder().encode("pong") } },
  }));
  files.set("invalid/read-and-write.Trace.pb", new BinaryWriter().tag(2, WireType.LengthDelimited).bytes(concat(readPart, writePart)).finish());

  // The valid trace with its last 5 bytes cut off, as a capture cut by a full disk.
  const whole = files.get("valid/trace.Trace.pb")!;
  files.set("invalid/truncated.Trace.pb", whole.subarray(0, whole.length - 5));

  // A length prefix claiming 2^40 bytes: the reader refuses it before allocating anything.
  files.set("invalid/huge-length.Trace.pb_length_delimited", new BinaryWriter().uint64(7n * 2n ** 28n).raw(new Uint8Array([0x0a, 0x00])).finish());

  // A connection id present twice: legal (the last wins), so a warning that --strict fails on.
  const id = (value: bigint) => toBinary(ConnectionSchema, create(ConnectionSchema, { id: value }));
  files.set("warnings/duplicate-id.Connection.pb", concat(id(1n), id(2n)));

  // An event with a seq_num (field 6), as Envoy 1.37 writes in the v3 SocketEvent,
  // which the v2alpha Event does not declare: legal, but JSON and text cannot
  // hold it, so a warning that --strict fails on (and convert refuses to drop).
  const eventWithSeqNum = concat(
    toBinary(EventSchema, create(EventSchema, {
      timestamp: { seconds: 1795078800n },
      eventSelector: { case: "read", value: { data: new TextEncoder().encode("ping") } },
    })),
    new BinaryWriter().tag(6, WireType.Varint).uint64(1n).finish(),
  );
  files.set("warnings/unknown-field.Trace.pb", new BinaryWriter().tag(2, WireType.LengthDelimited).bytes(eventWithSeqNum).finish());
  return files;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes("--check");
  let stale = 0;
  for (const [path, bytes] of binaryExamples()) {
    const file = join(here, path);
    if (check) {
      let current: Uint8Array | undefined;
      try {
        current = readFileSync(file);
      } catch {
        current = undefined;
      }
      if (current === undefined || Buffer.compare(Buffer.from(current), Buffer.from(bytes)) !== 0) {
        console.error(`${relative(process.cwd(), file)} differs from what make-binary.ts writes`);
        stale++;
      }
    } else {
      writeFileSync(file, bytes);
      console.log(`wrote ${relative(process.cwd(), file)} (${bytes.length} bytes)`);
    }
  }
  process.exitCode = stale > 0 ? 1 : 0;
}
