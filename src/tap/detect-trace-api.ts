import { fromBinary, type DescField, type DescMessage } from "@bufbuild/protobuf";
import { WireCursor } from "../wire/cursor.js";
import { scalarWireType } from "../wire/plan.js";
import { ConnectionSchema, EventSchema } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { HttpBufferedTraceSchema, HttpStreamedTraceSegmentSchema } from "../../gen/envoy/data/tap/v3/http_pb.js";
import type { Format } from "../fault/decode-error.js";
import type { TraceApi } from "./model.js";

/** What {@link apiOfFirstField} and {@link apiOfText} decided. */
export interface ApiGuess {
  readonly api: TraceApi;
  /** Why the guess is only a guess; undefined when the content decides. */
  readonly doubt?: string;
}

/**
 * Tells v2alpha `Trace` from v3 `TraceWrapper` by the first top-level field
 * of binary input. Fields 3 and 4 exist only in `TraceWrapper`. Fields 1
 * and 2 exist in both (`Trace.connection` / `TraceWrapper.http_buffered_trace`,
 * `Trace.events` / `TraceWrapper.http_streamed_trace_segment`), so the
 * field's value is decoded as each and the reading with fewer unknown fields
 * (a failed decode counting as the worst) wins.
 */
export function apiOfFirstField(number: number, value: Uint8Array): ApiGuess {
  if (number === 3 || number === 4) return { api: "v3" };
  if (number !== 1 && number !== 2) return { api: "v3", doubt: `the first field is ${number}, which neither Trace nor TraceWrapper declares; read as TraceWrapper (pass --type to choose)` };
  const v2 = misfit(number === 1 ? ConnectionSchema : EventSchema, value);
  const v3 = misfit(number === 1 ? HttpBufferedTraceSchema : HttpStreamedTraceSegmentSchema, value);
  if (v2 < v3) return { api: "v2alpha" };
  if (v3 < v2) return { api: "v3" };
  return { api: "v3", doubt: `the first field (${number}) reads equally well as Trace and as TraceWrapper; read as TraceWrapper (pass --type v2alpha to choose)` };
}

/**
 * How badly `bytes` fit `schema`: Infinity when a top-level field has a wire
 * type the schema's field never has (protobuf-es reads some of those
 * without failing) or the bytes do not decode, else the number of unknown
 * fields anywhere in it.
 */
function misfit(schema: DescMessage, bytes: Uint8Array): number {
  try {
    const cursor = new WireCursor(bytes);
    while (cursor.pos < bytes.length) {
      const tagOffset = cursor.pos;
      const tag = cursor.checkedTag(bytes.length);
      const field = schema.fields.find((f) => f.number === tag >>> 3);
      if (field !== undefined && (tag & 7) !== expectedWireType(field)) return Infinity;
      cursor.skip(tag & 7, tag >>> 3, bytes.length, 100, tagOffset);
    }
    return countUnknown(fromBinary(schema, bytes));
  } catch {
    return Infinity;
  }
}

/** The wire type a field of the tap schemas is written with (none of them is packed). */
function expectedWireType(field: DescField): number {
  if (field.fieldKind === "message" || field.fieldKind === "list" || field.fieldKind === "map") return 2;
  if (field.fieldKind === "enum") return 0;
  return scalarWireType(field.scalar);
}

function countUnknown(value: unknown): number {
  if (typeof value !== "object" || value === null || value instanceof Uint8Array) return 0;
  let count = 0;
  for (const [key, member] of Object.entries(value)) {
    if (key === "$unknown" && Array.isArray(member)) count += member.length;
    else count += countUnknown(member);
  }
  return count;
}

const V3_NAMES = new Set([
  "http_buffered_trace",
  "httpBufferedTrace",
  "http_streamed_trace_segment",
  "httpStreamedTraceSegment",
  "socket_buffered_trace",
  "socketBufferedTrace",
  "socket_streamed_trace_segment",
  "socketStreamedTraceSegment",
]);
const V2_NAMES = new Set(["connection", "events"]);

/**
 * Tells the API of JSON, NDJSON or text input by its first field name: the
 * four `TraceWrapper` members are v3, `connection` and `events` are
 * v2alpha. Comments and white space before it are skipped.
 */
export function apiOfText(head: Uint8Array, format: Exclude<Format, "binary" | "delimited">): ApiGuess {
  const text = new TextDecoder().decode(head.subarray(0, 64 * 1024));
  const name = format === "text" ? /^(?:\s|#[^\n]*\n)*([A-Za-z_][A-Za-z0-9_]*)/.exec(text)?.[1] : /^[\s[]*\{\s*"([^"\\]*)"/.exec(text.replace(/^\uFEFF/, ""))?.[1];
  if (name !== undefined && V3_NAMES.has(name)) return { api: "v3" };
  if (name !== undefined && V2_NAMES.has(name)) return { api: "v2alpha" };
  return { api: "v3", doubt: `the first field name (${name === undefined ? "none" : JSON.stringify(name)}) is neither a TraceWrapper member nor a Trace field; read as TraceWrapper (pass --type to choose)` };
}
