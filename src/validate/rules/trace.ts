import type { DescMessage } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import { Event_WriteSchema, EventSchema, TraceSchema, type Trace } from "../../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { TraceRule } from "../../fault/rule-ids.js";
import { WireCursor } from "../../wire/cursor.js";
import type { EvalContext } from "../context.js";
import { formatTimestamp, totalNanos } from "../format.js";

/**
 * A rule that relates parts of one message to each other, which no
 * `(validate.rules)` annotation can express. It reports warnings, in two
 * forms: on a decoded message, and (for the wire walk) as a check that the
 * encoded message certainly keeps it.
 */
export interface MessageRelation {
  evaluate(message: object, ctx: EvalContext): void;
  /** Whether `bytes[start, end)`, a message the walk found well-formed, certainly keeps the relation. */
  keptOnWire(bytes: Uint8Array, start: number, end: number): boolean;
}

/**
 * The relations of a tap trace. Each is legal on the wire, but a trace that
 * Envoy recorded from one socket never shows it, so it usually means a trace
 * was edited, merged or reordered by hand:
 *
 * - `trace.timestamp_order`: an event's timestamp is earlier than the latest
 *   timestamp before it (capture.proto: events are in socket order).
 *   Events without a timestamp are skipped.
 * - `trace.write_after_end_stream`: a write event follows a write that set
 *   `end_stream`; after that, Envoy's connection has no more to send.
 */
export const traceRelations: MessageRelation = {
  evaluate(message, ctx) {
    const trace = message as Trace;
    // The latest timestamp so far, with its event, so that a message can name what it is compared with.
    let latest: { readonly nanos: bigint; readonly index: number } | undefined;
    let endedAt: number | undefined;
    trace.events.forEach((event, index) => {
      if (event.timestamp !== undefined) {
        const nanos = totalNanos(event.timestamp);
        if (latest !== undefined && nanos < latest.nanos) {
          const message = `timestamp ${formatTimestamp(nanos)} is earlier than ${formatTimestamp(latest.nanos)} of events[${latest.index}]; events of a trace are in socket order`;
          ctx.warn(`events[${index}].timestamp`, TraceRule.timestampOrder, message, formatTimestamp(nanos));
        } else latest = { nanos, index };
      }
      if (event.eventSelector.case !== "write") return;
      if (endedAt !== undefined) ctx.warn(`events[${index}].write`, TraceRule.writeAfterEndStream, `write after events[${endedAt}] ended the stream (end_stream: true)`);
      else if (event.eventSelector.value.endStream) endedAt = index;
    });
  },
  keptOnWire: traceKeptOnWire,
};

/** Relations by message type. */
export function relationsOf(schema: DescMessage): readonly MessageRelation[] {
  return schema.typeName === TraceSchema.typeName ? [traceRelations] : [];
}

/** Field numbers from the descriptors, so they follow capture.proto. */
const EVENTS = TraceSchema.field.events!.number;
const EVENT_TIMESTAMP = EventSchema.field.timestamp!.number;
const EVENT_WRITE = EventSchema.field.write!.number;
const WRITE_END_STREAM = Event_WriteSchema.field.endStream!.number;
const SECONDS = TimestampSchema.field.seconds!.number;
const NANOS = TimestampSchema.field.nanos!.number;
const NANOS_PER_SECOND = 1_000_000_000;

/**
 * The trace relations read from the wire of a trace the walk found
 * well-formed, with no field twice: each event's timestamp (seconds and
 * nanos compared as the decoded ones are, normalized, without a bigint while
 * seconds stay within ±2⁵²) and whether it is a write that ends the stream.
 */
function traceKeptOnWire(bytes: Uint8Array, start: number, end: number): boolean {
  const cursor = new WireCursor(bytes, start);
  let hasLatest = false;
  let latestSeconds: number | bigint = 0;
  let latestNanos = 0;
  let streamEnded = false;
  while (cursor.pos < end) {
    const tag = nextTag(cursor, end);
    if (tag !== ((EVENTS << 3) | 2)) {
      cursor.skip(tag & 7, tag >>> 3, end, 100, cursor.pos);
      continue;
    }
    const eventEnd = cursor.lengthEnd(end);
    let seconds: number | bigint = 0;
    let nanos = 0;
    let hasTimestamp = false;
    let write = false;
    let endStream = false;
    while (cursor.pos < eventEnd) {
      const eventTag = nextTag(cursor, eventEnd);
      const number = eventTag >>> 3;
      if ((eventTag & 7) !== 2 || (number !== EVENT_TIMESTAMP && number !== EVENT_WRITE)) {
        cursor.skip(eventTag & 7, number, eventEnd, 100, cursor.pos);
        continue;
      }
      const valueEnd = cursor.lengthEnd(eventEnd);
      while (cursor.pos < valueEnd) {
        const inner = nextTag(cursor, valueEnd);
        const innerNumber = inner >>> 3;
        if ((inner & 7) !== 0) {
          cursor.skip(inner & 7, innerNumber, valueEnd, 100, cursor.pos);
          continue;
        }
        cursor.varint64(valueEnd);
        if (number === EVENT_WRITE) {
          if (innerNumber === WRITE_END_STREAM) endStream = cursor.lo !== 0 || cursor.hi !== 0;
        } else if (innerNumber === SECONDS) {
          // Exact as a number within ±2⁵² (with room for the nanos carry); a bigint beyond.
          const high = cursor.hi | 0;
          seconds = high >= -(2 ** 20) && high < 2 ** 20 ? high * 2 ** 32 + cursor.lo : BigInt.asIntN(64, (BigInt(cursor.hi) << 32n) | BigInt(cursor.lo));
        } else if (innerNumber === NANOS) nanos = cursor.lo | 0;
      }
      if (number === EVENT_WRITE) write = true;
      else hasTimestamp = true;
    }
    if (hasTimestamp) {
      const carry = Math.floor(nanos / NANOS_PER_SECOND);
      seconds = typeof seconds === "bigint" ? seconds + BigInt(carry) : seconds + carry;
      nanos -= carry * NANOS_PER_SECOND;
      if (hasLatest && (seconds < latestSeconds || (!(seconds > latestSeconds) && nanos < latestNanos))) return false;
      hasLatest = true;
      latestSeconds = seconds;
      latestNanos = nanos;
    }
    if (write) {
      if (streamEnded) return false;
      streamEnded = endStream;
    }
  }
  return true;
}

/** A tag, read inline when it is one byte (the walk already refused field number 0 and wire types 6 and 7). */
function nextTag(cursor: WireCursor, end: number): number {
  const tag = cursor.bytes[cursor.pos]!;
  if (tag < 0x80) {
    cursor.pos++;
    return tag;
  }
  return cursor.checkedTag(end);
}
