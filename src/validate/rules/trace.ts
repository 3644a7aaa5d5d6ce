import type { DescMessage } from "@bufbuild/protobuf";
import { Event_WriteSchema, EventSchema, TraceSchema, type Event, type Trace } from "../../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { TraceRule } from "../../fault/rule-ids.js";
import type { RelationCheck, WireRelation } from "../../wire/plan.js";
import type { EvalContext } from "../context.js";
import { formatTimestamp, totalNanos } from "../format.js";

/**
 * A rule that relates parts of one message to each other, which no
 * `(validate.rules)` annotation can express. It reports warnings, in two
 * forms: on a decoded message, and as a check the wire walk feeds.
 */
export interface MessageRelation {
  evaluate(message: object, ctx: EvalContext): void;
  /** The relation as the wire walk checks it while reading the message. */
  readonly wire: WireRelation;
}

/** Field numbers from the descriptors, so they follow capture.proto. */
const EVENTS = TraceSchema.field.events!.number;
const [TIMESTAMP, WRITE, END_STREAM] = [0, 1, 2];
/** The fields that feed the wire check's inputs, by type name, then field number: an event's timestamp, its write and the write's `end_stream`. */
const INPUTS = new Map<string, ReadonlyMap<number, number>>([
  [EventSchema.typeName, new Map([[EventSchema.field.timestamp!.number, TIMESTAMP], [EventSchema.field.write!.number, WRITE]])],
  [Event_WriteSchema.typeName, new Map([[Event_WriteSchema.field.endStream!.number, END_STREAM]])],
]);

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
  wire: { list: EVENTS, check: () => new TraceRelationCheck() },
};

/** Relations by message type. */
export function relationsOf(schema: DescMessage): readonly MessageRelation[] {
  return schema.typeName === TraceSchema.typeName ? [traceRelations] : [];
}

/** The relation inputs that fields of `schema` feed, by field number (see `FieldRules.input`). */
export const relationInputsOf = (schema: DescMessage): ReadonlyMap<number, number> | undefined => INPUTS.get(schema.typeName);

/**
 * The trace relations on the wire, fed by the verdict walk as it reads each
 * event (at most one of each input: the verdict stops at a field twice and at
 * two members of a oneof): its timestamp (the walk feeds only printable ones,
 * a failing event decoded instead may carry any, normalized here), whether it
 * is a write and whether that write ends the stream. Mixed number and bigint
 * comparisons are exact.
 */
class TraceRelationCheck implements RelationCheck {
  private latestSeconds: number | bigint = -Infinity;
  private latestNanos = 0;
  private streamEnded = false;
  // The current event's inputs; `seconds` is undefined without a timestamp.
  private known = true;
  private seconds: number | bigint | undefined = undefined;
  private nanos = 0;
  private write = false;
  private endStream = false;

  feed(input: number, a: number, b: number): void {
    if (input === TIMESTAMP) {
      this.seconds = a;
      this.nanos = b;
    } else if (input === WRITE) this.write = true;
    else this.endStream = a !== 0 || b !== 0;
  }

  replace(element: unknown): void {
    const event = element as Event | undefined;
    const carry = Math.floor((event?.timestamp?.nanos ?? 0) / 1e9);
    this.known = event !== undefined;
    this.seconds = event?.timestamp && event.timestamp.seconds + BigInt(carry);
    this.nanos = (event?.timestamp?.nanos ?? 0) - carry * 1e9;
    this.write = event?.eventSelector.case === "write";
    this.endStream = event?.eventSelector.case === "write" && event.eventSelector.value.endStream;
  }

  next(): boolean {
    const seconds = this.seconds;
    if (!this.known || (this.write && this.streamEnded)) return false;
    if (seconds !== undefined) {
      if (seconds < this.latestSeconds || (!(seconds > this.latestSeconds) && this.nanos < this.latestNanos)) return false;
      this.latestSeconds = seconds;
      this.latestNanos = this.nanos;
    }
    if (this.write) this.streamEnded = this.endStream;
    this.seconds = undefined;
    this.write = this.endStream = false;
    return true;
  }
}
