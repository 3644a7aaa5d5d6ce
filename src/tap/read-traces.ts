import { create, fromBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { ConnectionSchema as ConnectionV2Schema, EventSchema as EventV2Schema, TraceSchema } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { ConnectionSchema as ConnectionV3Schema } from "../../gen/envoy/data/tap/v3/common_pb.js";
import { HttpBufferedTraceSchema, HttpStreamedTraceSegmentSchema } from "../../gen/envoy/data/tap/v3/http_pb.js";
import { SocketEventSchema, SocketStreamedTraceSegmentSchema } from "../../gen/envoy/data/tap/v3/transport_pb.js";
import { TraceWrapperSchema, type TraceWrapper } from "../../gen/envoy/data/tap/v3/wrapper_pb.js";
import { detectFormat, isDecodeError, readMessages } from "../codec/index.js";
import type { Format } from "../fault/decode-error.js";
import { InputRule, JsonRule, TapRule, WireRule } from "../fault/rule-ids.js";
import { peekVarint, WireCursor, WireFault } from "../wire/cursor.js";
import { apiOfFirstField, apiOfText, type ApiGuess } from "./detect-trace-api.js";
import type { ConnectionLayout, ItemOrigin, TraceApi, TraceItem } from "./model.js";
import { splitFields } from "./split-fields.js";
import { TraceItemMaker } from "./trace-items.js";

/** One input of {@link readTraces}: a name for messages and findings, and its bytes in chunks. */
export interface TraceSource {
  /** A file path or a name for a stream; `<prefix>_<id>.<ext>` names give v2alpha fragments their connection id. */
  readonly name: string;
  readonly chunks: AsyncIterable<Uint8Array>;
  /**
   * Set to `inPlace: true` once the input is known to be binary, which is
   * read chunk by chunk, each done with before the next is asked for: from
   * then on the source may hand out chunks in reused memory.
   */
  readonly reading?: ChunkReading;
}

/** How a reader uses the chunks of a source; it changes while reading. */
export interface ChunkReading {
  /** Whether each chunk is done with when the next is asked for. */
  inPlace: boolean;
}

/** Options of {@link readTraces}. */
export interface ReadTracesOptions {
  /** Read every input as this API. By default, each input's content decides (see `detect-trace-api.ts`). */
  readonly type?: TraceApi;
  /** Read every v3 Connection with this numbering. By default, detected per connection (see `readConnection`). */
  readonly connectionLayout?: ConnectionLayout;
  /** Read every input in this format. By default, the file name or the content decides (`detectFormat`). */
  readonly format?: Format;
  /**
   * The largest message of delimited, JSON, NDJSON or text input. By
   * default, 1 GiB: a buffered trace in text or JSON is one message, and
   * its text is up to four times its payload. Binary input is read field by
   * field and has no such limit.
   */
  readonly maxMessageBytes?: number;
  /**
   * Binary input only: read through two reused buffers, so an event's
   * bytes are valid only until the next item is asked for. For callers that
   * are done with each event before reading on; it spares the garbage
   * collector every chunk.
   */
  readonly transient?: boolean;
}

/** See {@link ReadTracesOptions.maxMessageBytes}. */
const DEFAULT_MAX_TRACE_MESSAGE_BYTES = 1024 * 1024 * 1024;

/** Bytes of an input looked at to choose its format and API. */
const HEAD_BYTES = 1024 * 1024;

/**
 * Reads tap traces from files or streams, in every format Envoy writes
 * (binary, concatenated binary, size-delimited, text, JSON with bodies as
 * bytes or strings, NDJSON, the admin stream of concatenated JSON objects),
 * as v2alpha `Trace` or v3 `TraceWrapper` (told apart by content), and
 * yields connections, events and findings in input order, as they are read.
 *
 * Binary input is read field by field through `src/wire` (see
 * {@link splitFields}): a single multi-gigabyte buffered trace is read with
 * memory bounded by its largest event. A fault in an input ends that input
 * with an error finding (rule id, byte offset or line:column) and reading
 * goes on with the next; nothing is thrown for bad data.
 */
export async function* readTraces(sources: Iterable<TraceSource> | AsyncIterable<TraceSource>, options: ReadTracesOptions = {}): AsyncGenerator<TraceItem, void, undefined> {
  for await (const source of sources) yield* readOne(source, options);
}

async function* readOne(source: TraceSource, options: ReadTracesOptions): AsyncGenerator<TraceItem> {
  const maker = new TraceItemMaker(source.name, options.connectionLayout);
  const origin: ItemOrigin = { source: source.name, fragment: 0, position: undefined };
  try {
    const { head, rest } = await peekHead(source.chunks, HEAD_BYTES);
    const format = options.format ?? detectFormat(head, source.name).format;
    if (format === "binary") {
      if (source.reading !== undefined) source.reading.inPlace = true;
      yield* readBinary(source.name, rest, options.type, maker, options.transient === true);
      return;
    }
    const guess: ApiGuess = options.type !== undefined ? { api: options.type } : format === "delimited" ? apiOfDelimited(head) : apiOfText(head, format);
    if (guess.doubt !== undefined) yield maker.finding(origin, TapRule.typeAmbiguous, "warning", guess.doubt);
    const schema = guess.api === "v2alpha" ? TraceSchema : TraceWrapperSchema;
    const decodeOptions = { fileName: source.name, maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_TRACE_MESSAGE_BYTES };
    for await (const read of readMessages(schema, rest, format, decodeOptions)) {
      const at: ItemOrigin = { source: source.name, fragment: read.index, position: read.position };
      if (guess.api === "v2alpha") yield* maker.v2alphaTrace(read.message as never, at);
      else yield* maker.v3Wrapper(read.message as TraceWrapper, at);
    }
  } catch (error) {
    if (error instanceof WireFault) {
      yield { ...origin, kind: "finding", finding: { ruleId: error.ruleId, severity: "error", message: `${error.message} at byte ${error.offset}`, source: source.name, position: { offset: error.offset } } };
    } else if (isDecodeError(error)) {
      const position = error.position;
      const ruleId = error.ruleId ?? (error.format === "text" ? InputRule.textSyntax : error.format === "json" || error.format === "ndjson" ? JsonRule.syntax : WireRule.malformed);
      yield { ...origin, kind: "finding", finding: { ruleId, severity: "error", message: error.message, source: source.name, ...(position !== undefined ? { position } : {}) } };
    } else throw error;
  }
}

/** The API of size-delimited input, from its first message's first field. */
function apiOfDelimited(head: Uint8Array): ApiGuess {
  const prefix = peekVarint(head, 0, 5);
  if (prefix === undefined || prefix instanceof WireFault) return { api: "v3", doubt: "the input does not start with a length prefix; read as TraceWrapper" };
  const end = Math.min(head.length, prefix.length + prefix.value);
  try {
    const cursor = new WireCursor(head, prefix.length);
    const tag = cursor.checkedTag(end);
    const number = tag >>> 3;
    if (number === 3 || number === 4) return { api: "v3" };
    const valueEnd = cursor.lengthEnd(end);
    return apiOfFirstField(number, head.subarray(cursor.pos, valueEnd));
  } catch {
    return { api: "v3", doubt: "the first message's first field could not be read within the first MiB; read as TraceWrapper" };
  }
}

/** Reads binary (possibly concatenated) messages field by field. */
async function* readBinary(name: string, chunks: AsyncIterable<Uint8Array>, forced: TraceApi | undefined, maker: TraceItemMaker, transient: boolean): AsyncGenerator<TraceItem> {
  let api = forced;
  let fragment = -1;
  let v2Key: string | undefined;
  let v2Connected = false;
  let v3Key = "v3:0";
  let readTruncated = false;
  let writeTruncated = false;
  const reportedUnknown = new Set<string>();
  const descend = (path: readonly number[], number: number) => {
    if (path.length !== 0) return false;
    if (api === undefined && (number === 3 || number === 4)) api = "v3";
    return api === "v3" && number === 3;
  };
  for await (const item of splitFields(chunks, descend, transient)) {
    const origin: ItemOrigin = { source: name, fragment: Math.max(fragment, 0), position: item.kind === "close" ? undefined : { offset: item.offset } };
    if (item.kind === "open") {
      fragment++;
      v3Key = "v3:0";
      readTruncated = writeTruncated = false;
      continue;
    }
    if (item.kind === "close") {
      yield maker.truncation(v3Key, readTruncated, writeTruncated, origin);
      continue;
    }
    if (api === undefined) {
      const guess = apiOfFirstField(item.number, item.value);
      api = guess.api;
      if (guess.doubt !== undefined) yield maker.finding(origin, TapRule.typeAmbiguous, "warning", guess.doubt);
    }
    const { number, value, wireType } = item;
    if (api === "v2alpha") {
      const at: ItemOrigin = { source: name, fragment: 0, position: origin.position };
      v2Key ??= maker.v2alphaKey(undefined, 0);
      if (number === 1 && wireType === 2) {
        const connection = decodeAt(ConnectionV2Schema, value, item.offset);
        v2Key = maker.v2alphaKey(connection, 0);
        v2Connected = true;
        yield maker.v2alphaConnection(connection, v2Key, at);
      } else if (number === 2 && wireType === 2) {
        if (!v2Connected && !reportedUnknown.has("early")) {
          reportedUnknown.add("early");
          yield maker.finding(at, TapRule.eventBeforeConnection, "warning", "events come before the connection", v2Key);
        }
        yield maker.v2alphaEvent(decodeAt(EventV2Schema, value, item.offset), v2Key, at);
      } else yield* unknownField(maker, at, reportedUnknown, number, wireType, "Trace");
      continue;
    }
    if (item.path.length === 0) {
      fragment++;
      const at: ItemOrigin = { source: name, fragment, position: origin.position };
      const wrapper = wrapperOf(number, wireType, value, item.offset);
      if (wrapper === undefined) yield* unknownField(maker, at, reportedUnknown, number, wireType, "TraceWrapper");
      else yield* maker.v3Wrapper(wrapper, at);
      continue;
    }
    // Inside a SocketBufferedTrace (TraceWrapper field 3).
    if (number === 1 && wireType === 0) v3Key = `v3:${varint(value)}`;
    else if (number === 2 && wireType === 2) yield* maker.v3Connection(decodeAt(ConnectionV3Schema, value, item.offset), v3Key, origin);
    else if (number === 3 && wireType === 2) yield* maker.v3Event(decodeAt(SocketEventSchema, value, item.offset), v3Key, origin, false);
    else if (number === 4 && wireType === 0) readTruncated = varint(value) !== 0n;
    else if (number === 5 && wireType === 0) writeTruncated = varint(value) !== 0n;
    else yield* unknownField(maker, origin, reportedUnknown, number, wireType, "SocketBufferedTrace");
  }
}

function* unknownField(maker: TraceItemMaker, origin: ItemOrigin, reported: Set<string>, number: number, wireType: number, typeName: string): Generator<TraceItem> {
  const key = `${typeName}.${number}`;
  if (reported.has(key)) return;
  reported.add(key);
  yield maker.finding(origin, TapRule.unknownField, "warning", `${typeName} has no field ${number} (wire type ${wireType}); skipped`);
}

/** The TraceWrapper of one top-level field read whole (members 1, 2 and 4; 3 is read field by field). */
function wrapperOf(number: number, wireType: number, value: Uint8Array, offset: number): TraceWrapper | undefined {
  if (wireType !== 2) return undefined;
  switch (number) {
    case 1:
      return create(TraceWrapperSchema, { trace: { case: "httpBufferedTrace", value: decodeAt(HttpBufferedTraceSchema, value, offset) } });
    case 2:
      return create(TraceWrapperSchema, { trace: { case: "httpStreamedTraceSegment", value: decodeAt(HttpStreamedTraceSegmentSchema, value, offset) } });
    case 4:
      return create(TraceWrapperSchema, { trace: { case: "socketStreamedTraceSegment", value: decodeAt(SocketStreamedTraceSegmentSchema, value, offset) } });
    default:
      return undefined;
  }
}

/**
 * Decodes one field's value; protobuf-es's failure becomes a WireFault at
 * the field's offset, so the input ends with a finding, not a stack trace.
 */
function decodeAt<Desc extends DescMessage>(schema: Desc, value: Uint8Array, offset: number): MessageShape<Desc> {
  try {
    return fromBinary(schema, value);
  } catch (cause) {
    throw new WireFault(WireRule.malformed, `cannot decode ${schema.typeName}: ${cause instanceof Error ? cause.message : String(cause)}`, offset);
  }
}

/** A varint's bytes as an unsigned 64-bit value. */
function varint(bytes: Uint8Array): bigint {
  const cursor = new WireCursor(bytes);
  cursor.varint64(bytes.length);
  return (BigInt(cursor.hi) << 32n) | BigInt(cursor.lo);
}

/** Reads at least `size` bytes (or the whole input) and returns them with the input as it was. */
async function peekHead(chunks: AsyncIterable<Uint8Array>, size: number): Promise<{ head: Uint8Array; rest: AsyncIterable<Uint8Array> }> {
  const iterator = chunks[Symbol.asyncIterator]();
  const taken: Uint8Array[] = [];
  let have = 0;
  let done = false;
  while (have < size) {
    const next = await iterator.next();
    if (next.done === true) {
      done = true;
      break;
    }
    taken.push(next.value);
    have += next.value.length;
  }
  // One chunk (the usual case: chunks of 1 MiB) is its own head, uncopied.
  const head = taken.length === 1 ? taken[0]! : new Uint8Array(have);
  let at = 0;
  for (const part of taken.length === 1 ? [] : taken) {
    head.set(part, at);
    at += part.length;
  }
  async function* rest(): AsyncGenerator<Uint8Array> {
    if (head.length > 0) yield head;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      yield next.value;
    }
  }
  return { head, rest: rest() };
}

