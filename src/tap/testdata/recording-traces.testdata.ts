/**
 * Writes a {@link Recording} as Envoy would have: v2alpha `Trace`
 * fragments in mixed formats, and v3 streamed `TraceWrapper` segments,
 * size-delimited.
 */
import { create, toBinary, toJson, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { TraceSchema } from "../../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { SocketEventSchema } from "../../../gen/envoy/data/tap/v3/transport_pb.js";
import { TraceWrapperSchema } from "../../../gen/envoy/data/tap/v3/wrapper_pb.js";
import { encode } from "../../codec/index.js";
import { registry } from "../../registry.js";
import type { RecordedEvent, Recording } from "./record-http2.testdata.js";

const timestamp = (nanos: bigint) => ({ seconds: nanos / 1_000_000_000n, nanos: Number(nanos % 1_000_000_000n) });
const socket = (end: { address: string; port: number }) => ({ address: { case: "socketAddress" as const, value: { address: end.address, portSpecifier: { case: "portValue" as const, value: end.port } } } });

function v2Event(event: RecordedEvent) {
  return event.type === "read"
    ? { timestamp: timestamp(event.time), eventSelector: { case: "read" as const, value: { data: event.data } } }
    : { timestamp: timestamp(event.time), eventSelector: { case: "write" as const, value: { data: event.data, endStream: event.endStream } } };
}

/**
 * Three v2alpha fragments of connection 42: `a_42.pb` (binary, with the
 * connection), `b_42.json` (JSON, with the connection), `c_42.pb_text`
 * (text, no connection: the file name's id joins it); with `binaryOnly`,
 * all three binary and with the connection (`a_42.pb`, `b_42.pb`,
 * `c_42.pb`: a binary fragment's events before any connection are
 * reported), which a large recording writes in a fraction of the time.
 * Returns their paths.
 */
export function writeV2alphaFragments(dir: string, recording: Recording, binaryOnly = false): string[] {
  const events = recording.events.filter((e) => e.type !== "closed");
  const third = Math.ceil(events.length / 3);
  const connection = { id: 42n, localAddress: socket(recording.local), remoteAddress: socket(recording.remote) };
  const pieces = [events.slice(0, third), events.slice(third, 2 * third), events.slice(2 * third)];
  const traces = pieces.map((piece, i) => create(TraceSchema, { ...(i < 2 || binaryOnly ? { connection } : {}), events: piece.map(v2Event) } as MessageInitShape<typeof TraceSchema>));
  if (binaryOnly) {
    const binary = ["a", "b", "c"].map((prefix) => join(dir, `${prefix}_42.pb`));
    binary.forEach((path, i) => writeFileSync(path, toBinary(TraceSchema, traces[i]!)));
    return binary;
  }
  const paths = [join(dir, "a_42.pb"), join(dir, "b_42.json"), join(dir, "c_42.pb_text")];
  writeFileSync(paths[0]!, toBinary(TraceSchema, traces[0]!));
  writeFileSync(paths[1]!, JSON.stringify(toJson(TraceSchema, traces[1]!, { registry })));
  writeFileSync(paths[2]!, encode(TraceSchema, [traces[2]!], "text"));
  return paths;
}

/** v3 streamed segments of trace 7, size-delimited in `stream_7.pb_length_delimited`: the connection, then events (every third batch as `events`), seq_num from 1. */
export function writeV3Segments(dir: string, recording: Recording): string {
  const segments: MessageShape<typeof TraceWrapperSchema>[] = [];
  const push = (init: MessageInitShape<typeof TraceWrapperSchema>) => segments.push(create(TraceWrapperSchema, init));
  const connection = { localAddress: socket(recording.local), remoteAddress: socket(recording.remote) };
  push({ trace: { case: "socketStreamedTraceSegment", value: { traceId: 7n, messagePiece: { case: "connection", value: connection } } } });
  const v3Event = (event: RecordedEvent, seq: number): MessageInitShape<typeof SocketEventSchema> => ({
    timestamp: timestamp(event.time),
    seqNum: BigInt(seq),
    eventSelector:
      event.type === "read"
        ? { case: "read" as const, value: { data: { bodyType: { case: "asBytes" as const, value: event.data } } } }
        : event.type === "write"
          ? { case: "write" as const, value: { data: { bodyType: { case: "asBytes" as const, value: event.data } }, endStream: event.endStream } }
          : { case: "closed" as const, value: {} },
  });
  const events = recording.events;
  for (let i = 0; i < events.length; ) {
    if (i % 3 === 2 && i + 1 < events.length) {
      push({ trace: { case: "socketStreamedTraceSegment", value: { traceId: 7n, messagePiece: { case: "events", value: { events: [v3Event(events[i]!, i + 1), v3Event(events[i + 1]!, i + 2)] } } } } });
      i += 2;
    } else {
      push({ trace: { case: "socketStreamedTraceSegment", value: { traceId: 7n, messagePiece: { case: "event", value: v3Event(events[i]!, i + 1) } } } });
      i += 1;
    }
  }
  const path = join(dir, "stream_7.pb_length_delimited");
  writeFileSync(path, encode(TraceWrapperSchema, segments, "delimited"));
  return path;
}

