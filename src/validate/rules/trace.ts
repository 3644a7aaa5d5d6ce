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
const INPUTS = [
  [EventSchema, EventSchema.field.timestamp!.number],
  [EventSchema, EventSchema.field.write!.number],
  [Event_WriteSchema, Event_WriteSchema.field.endStream!.number],
] as const;
const [TIMESTAMP, WRITE] = [0, 1];

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

/**
 * The inputs of a relation that fields of `schema` feed, by field number
 * (see `FieldRules.input`): an event's timestamp, its write and the
 * write's `end_stream`.
 */
export function relationInputsOf(schema: DescMessage): ReadonlyMap<number, number> | undefined {
  const inputs = new Map(INPUTS.flatMap(([type, number], input) => (type.typeName === schema.typeName ? [[number, input] as const] : [])));
  return inputs.size > 0 ? inputs : undefined;
}

/**
 * The trace relations on the wire, fed by the verdict walk as it reads each
 * event: its timestamp (normalized: the walk feeds only printable ones, an
 * event decoded instead may carry any), whether it is a write and whether
 * that write ends the stream. Each field is seen at most once per event
 * (the verdict stops at a field twice and at two members of a oneof).
 */
class TraceRelationCheck implements RelationCheck {
  private hasLatest = false;
  private latestSeconds: number | bigint = 0;
  private latestNanos = 0;
  private streamEnded = false;
  // The current event.
  private known = true;
  private hasTimestamp = false;
  private seconds: number | bigint = 0;
  private nanos = 0;
  private write = false;
  private endStream = false;

  feed(input: number, a: number, b: number): void {
    if (input === TIMESTAMP) {
      this.hasTimestamp = true;
      this.seconds = a;
      this.nanos = b;
    } else if (input === WRITE) this.write = true;
    else this.endStream = a !== 0 || b !== 0;
  }

  replace(element: unknown): void {
    const event = element as Event | undefined;
    this.known = event !== undefined;
    const timestamp = event?.timestamp;
    const carry = Math.floor((timestamp?.nanos ?? 0) / 1e9);
    [this.hasTimestamp, this.seconds, this.nanos] = [timestamp !== undefined, (timestamp?.seconds ?? 0n) + BigInt(carry), (timestamp?.nanos ?? 0) - carry * 1e9];
    this.write = event?.eventSelector.case === "write";
    this.endStream = event?.eventSelector.case === "write" && event.eventSelector.value.endStream;
  }

  next(): boolean {
    // Mixed number and bigint comparisons are exact.
    if (!this.known) return false;
    if (this.hasTimestamp) {
      if (this.hasLatest && (this.seconds < this.latestSeconds || (!(this.seconds > this.latestSeconds) && this.nanos < this.latestNanos))) return false;
      this.hasLatest = true;
      this.latestSeconds = this.seconds;
      this.latestNanos = this.nanos;
    }
    if (this.write) {
      if (this.streamEnded) return false;
      this.streamEnded = this.endStream;
    }
    this.hasTimestamp = this.write = this.endStream = false;
    return true;
  }
}
