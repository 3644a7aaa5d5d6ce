import type { DescMessage } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import { WireType } from "@bufbuild/protobuf/wire";
import { Event_WriteSchema, EventSchema, TraceSchema } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { readTag } from "../validate/wire-tag.js";

/** Field numbers from the descriptors, so they follow capture.proto. */
const EVENTS = fieldNumber(TraceSchema, "events");
const EVENT_TIMESTAMP = fieldNumber(EventSchema, "timestamp");
const EVENT_READ = fieldNumber(EventSchema, "read");
const EVENT_WRITE = fieldNumber(EventSchema, "write");
const WRITE_END_STREAM = fieldNumber(Event_WriteSchema, "endStream");
const TIMESTAMP_SECONDS = fieldNumber(TimestampSchema, "seconds");
const TIMESTAMP_NANOS = fieldNumber(TimestampSchema, "nanos");

function fieldNumber(schema: DescMessage, localName: string): number {
  const field = schema.field[localName];
  if (field === undefined) throw new Error(`${schema.typeName} has no field ${localName}`);
  return field.number;
}

/**
 * Whether `traceWarnings` would certainly find nothing in the Trace encoded
 * in `bytes`, read from the wire without decoding the trace: each event's
 * timestamp (seconds and nanos only) and whether it is a write that ends
 * the stream. `false` means "not certain": a warning, or bytes this reader
 * does not follow.
 *
 * Meant for bytes that `isCertainlyCleanBinary` accepted as a Trace, where
 * each singular field appears at most once, but it checks every bound
 * itself. Timestamps compare as the decoded ones do (seconds × 10⁹ + nanos,
 * with nanos of any sign or size), without a bigint unless seconds
 * exceed ±2⁵².
 */
export function isCertainlyFreeOfTraceWarnings(bytes: Uint8Array): boolean {
  const reader = new TraceWireReader(bytes);
  let hasLatest = false;
  let latestSeconds: number | bigint = 0;
  let latestNanos = 0;
  let streamEnded = false;
  while (reader.pos < bytes.length) {
    const tag = reader.tag(bytes.length);
    if (tag < 0) return false;
    if (tag >>> 3 !== EVENTS) {
      if (!reader.skip(tag & 7, tag >>> 3, bytes.length)) return false;
      continue;
    }
    if ((tag & 7) !== WireType.LengthDelimited) return false;
    const end = reader.lengthEnd(bytes.length);
    if (end < 0 || !reader.event(end)) return false;
    if (reader.hasTimestamp) {
      const { seconds, nanos } = reader;
      // Not earlier than the latest: seconds × 10⁹ + nanos compared as a pair (nanos normalized below 10⁹).
      if (hasLatest && (seconds < latestSeconds || (!(seconds > latestSeconds) && nanos < latestNanos))) return false;
      hasLatest = true;
      latestSeconds = seconds;
      latestNanos = nanos;
    }
    if (reader.selector === EVENT_WRITE) {
      if (streamEnded) return false;
      streamEnded = reader.endStream;
    }
  }
  return true;
}

const NANOS_PER_SECOND = 1_000_000_000;
/** Seconds whose high word stays within ±2²⁰ make at most ±2⁵² as a number: exact, with room for the nanos carry. */
const EXACT_HIGH_WORD = 2 ** 20;

/**
 * A cursor over the wire with the few reads the trace check needs; each
 * returns -1 or false when the bytes do not follow the wire format. After
 * {@link event}, the event's facts are in its fields.
 */
class TraceWireReader {
  pos = 0;
  hasTimestamp = false;
  /** Normalized: nanos in [0, 10⁹), the carry moved into seconds. */
  seconds: number | bigint = 0;
  nanos = 0;
  /** The number of the event_selector member set, or 0. */
  selector = 0;
  endStream = false;
  /** The low and high words of the last {@link varint64}. */
  private low = 0;
  private high = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** Reads the Event in `[pos, end)`. */
  event(end: number): boolean {
    this.hasTimestamp = false;
    this.selector = 0;
    this.endStream = false;
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag < 0) return false;
      const number = tag >>> 3;
      const wireType = tag & 7;
      if (number !== EVENT_TIMESTAMP && number !== EVENT_READ && number !== EVENT_WRITE) {
        if (!this.skip(wireType, number, end)) return false;
        continue;
      }
      if (wireType !== WireType.LengthDelimited) return false;
      const valueEnd = this.lengthEnd(end);
      if (valueEnd < 0) return false;
      // A member set twice merges on decoding; isCertainlyCleanBinary never passes that.
      if (number === EVENT_TIMESTAMP) {
        if (this.hasTimestamp || !this.timestamp(valueEnd)) return false;
      } else {
        if (this.selector !== 0) return false;
        this.selector = number;
        if (number === EVENT_WRITE && !this.write(valueEnd)) return false;
        this.pos = valueEnd;
      }
    }
    return this.pos === end;
  }

  private timestamp(end: number): boolean {
    let low = 0;
    let high = 0;
    let nanos = 0;
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag < 0) return false;
      const number = tag >>> 3;
      const wireType = tag & 7;
      if ((number === TIMESTAMP_SECONDS || number === TIMESTAMP_NANOS) && wireType === WireType.Varint) {
        if (!this.varint64(end)) return false;
        // The decoder keeps the last value: int64 seconds, int32 nanos (the low word, signed).
        if (number === TIMESTAMP_SECONDS) {
          low = this.low;
          high = this.high;
        } else nanos = this.low | 0;
      } else if (number === TIMESTAMP_SECONDS || number === TIMESTAMP_NANOS) {
        return false;
      } else if (!this.skip(wireType, number, end)) return false;
    }
    const carry = Math.floor(nanos / NANOS_PER_SECOND);
    const signedHigh = high | 0;
    this.seconds =
      signedHigh >= -EXACT_HIGH_WORD && signedHigh < EXACT_HIGH_WORD
        ? signedHigh * 2 ** 32 + (low >>> 0) + carry
        : BigInt.asIntN(64, (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0)) + BigInt(carry);
    this.nanos = nanos - carry * NANOS_PER_SECOND;
    this.hasTimestamp = true;
    return true;
  }

  private write(end: number): boolean {
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag < 0) return false;
      const number = tag >>> 3;
      const wireType = tag & 7;
      if (number === WRITE_END_STREAM) {
        if (wireType !== WireType.Varint || !this.varint64(end)) return false;
        // A bool is true when any of its 64 bits is set; the last value counts.
        this.endStream = this.low !== 0 || this.high !== 0;
      } else if (!this.skip(wireType, number, end)) return false;
    }
    return true;
  }

  /** A tag of at most 5 bytes with a field number and a wire type the decoder accepts, unsigned; or -1. */
  tag(end: number): number {
    const tag = readTag(this.bytes, this, end);
    return tag < 0 || tag >>> 3 === 0 || (tag & 7) > 5 ? -1 : tag;
  }

  /** Reads a varint of up to 10 bytes into {@link low} and {@link high}. */
  private varint64(end: number): boolean {
    const bytes = this.bytes;
    let low = 0;
    let high = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= end) return false;
      const byte = bytes[this.pos++]!;
      const bits = byte & 0x7f;
      if (i < 4) low |= bits << (7 * i);
      else if (i === 4) {
        low |= bits << 28;
        high |= bits >>> 4;
      } else high |= bits << (7 * i - 32);
      if (byte < 0x80) {
        this.low = low >>> 0;
        this.high = high >>> 0;
        return true;
      }
    }
    return false;
  }

  /** Reads a length prefix; returns where the value ends, or -1 when it runs past `end`. */
  lengthEnd(end: number): number {
    if (!this.varint64(end) || this.high !== 0) return -1;
    const valueEnd = this.pos + this.low;
    return valueEnd > end ? -1 : valueEnd;
  }

  /** Skips a value of `wireType`, groups included (up to their end-group tag for `number`). */
  skip(wireType: number, number: number, end: number): boolean {
    switch (wireType) {
      case WireType.Varint:
        return this.varint64(end);
      case WireType.Bit64:
      case WireType.Bit32: {
        const next = this.pos + (wireType === WireType.Bit64 ? 8 : 4);
        if (next > end) return false;
        this.pos = next;
        return true;
      }
      case WireType.LengthDelimited: {
        const valueEnd = this.lengthEnd(end);
        if (valueEnd < 0) return false;
        this.pos = valueEnd;
        return true;
      }
      case WireType.StartGroup:
        while (this.pos < end) {
          const tag = this.tag(end);
          if (tag < 0) return false;
          if ((tag & 7) === WireType.EndGroup) return tag >>> 3 === number;
          if (!this.skip(tag & 7, tag >>> 3, end)) return false;
        }
        return false;
      default:
        return false;
    }
  }
}
