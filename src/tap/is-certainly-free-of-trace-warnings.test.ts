import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { create, fromBinary, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { TraceSchema } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { isCertainlyFreeOfTraceWarnings, traceWarnings } from "./index.js";

type EventInit = NonNullable<MessageInitShape<typeof TraceSchema>["events"]>[number];

const read = (seconds?: bigint, nanos = 0): EventInit => ({
  ...(seconds === undefined ? {} : { timestamp: { seconds, nanos } }),
  eventSelector: { case: "read", value: {} },
});
const write = (endStream: boolean, seconds?: bigint, nanos = 0): EventInit => ({
  ...(seconds === undefined ? {} : { timestamp: { seconds, nanos } }),
  eventSelector: { case: "write", value: { endStream } },
});

/** Checks the wire verdict against traceWarnings on the decoded trace, and returns the verdict. */
function verdict(...events: EventInit[]): boolean {
  const bytes = toBinary(TraceSchema, create(TraceSchema, { events }));
  const free = isCertainlyFreeOfTraceWarnings(bytes);
  assert.equal(free, traceWarnings(fromBinary(TraceSchema, bytes)).length === 0);
  return free;
}

suite("isCertainlyFreeOfTraceWarnings()", () => {
  test("reads capture.proto's field numbers: events 2; timestamp 1, read 2, write 3; end_stream 2; seconds 1, nanos 2", () => {
    // events { timestamp { seconds: 5 nanos: 1 } read {} }, events { timestamp { seconds: 5 } write { end_stream: true } }, events { write {} }
    const first = [0x0a, 4, 0x08, 5, 0x10, 1, 0x12, 0];
    const second = [0x0a, 2, 0x08, 5, 0x1a, 2, 0x10, 1];
    const third = [0x1a, 0];
    const trace = [0x12, first.length, ...first, 0x12, second.length, ...second, 0x12, third.length, ...third];
    assert.equal(traceWarnings(fromBinary(TraceSchema, Uint8Array.from(trace))).length, 2);
    assert.equal(isCertainlyFreeOfTraceWarnings(Uint8Array.from(trace)), false);
    // Without the third event, only the order is wrong (5.000000001 then 5).
    assert.equal(isCertainlyFreeOfTraceWarnings(Uint8Array.from(trace.slice(0, 2 + first.length + 2 + second.length))), false);
    // Without the second, nothing is.
    assert.equal(isCertainlyFreeOfTraceWarnings(Uint8Array.from([0x12, first.length, ...first, 0x12, third.length, ...third])), true);
  });

  test("is certain of an empty trace, of equal timestamps, and of events without timestamps between ordered ones", () => {
    assert.equal(verdict(), true);
    assert.equal(verdict(read(7n, 5), write(false, 7n, 5), read(7n, 5)), true);
    assert.equal(verdict(read(7n), read(), read(8n), read()), true);
  });

  test("is not certain of a timestamp earlier than one before it (trace.timestamp_order)", () => {
    assert.equal(verdict(read(9n), read(), read(8n)), false);
    assert.equal(verdict(read(9n, 2), read(9n, 1)), false);
    assert.equal(verdict(read(-1n), read(-2n)), false);
  });

  test("compares seconds × 10⁹ + nanos, for nanos of any sign or size and seconds beyond 2⁵²", () => {
    // 10 s + 1.5 s is later than 11 s.
    assert.equal(verdict(read(10n, 1_500_000_000), read(11n)), false);
    assert.equal(verdict(read(11n), read(10n, 1_500_000_000)), true);
    // 12 s − 1.5 s is earlier than 11 s.
    assert.equal(verdict(read(11n), read(12n, -1_500_000_000)), false);
    assert.equal(verdict(read(12n, -1_000_000_000), read(11n)), true);
    assert.equal(verdict(read(2n ** 62n), read(2n ** 62n, -1)), false);
    assert.equal(verdict(read(-(2n ** 63n)), read(2n ** 63n - 1n), read(2n ** 52n)), false);
    assert.equal(verdict(read(2n ** 52n - 1n, 1_000_000_000), read(2n ** 52n)), true);
    assert.equal(verdict(read(2n ** 52n - 1n, 1_000_000_001), read(2n ** 52n)), false);
  });

  test("is not certain of a write after a write that ended the stream (trace.write_after_end_stream)", () => {
    assert.equal(verdict(write(true), write(false)), false);
    assert.equal(verdict(write(true), read(), write(true)), false);
  });

  test("is certain of reads after the end of the stream and of writes that did not end it", () => {
    assert.equal(verdict(write(false), write(false), write(true)), true);
    assert.equal(verdict(write(true), read(), read()), true);
  });

  test("reads end_stream as any non-zero varint, as the decoder does", () => {
    // events { write { end_stream: 2^32 (a bool beyond the low word) } }, events { write {} }
    const ended = [0x1a, 6, 0x10, 0x80, 0x80, 0x80, 0x80, 0x10];
    const bytes = Uint8Array.from([0x12, ended.length, ...ended, 0x12, 2, 0x1a, 0]);
    assert.equal(traceWarnings(fromBinary(TraceSchema, bytes)).length, 1);
    assert.equal(isCertainlyFreeOfTraceWarnings(bytes), false);
  });

  test("is not certain of bytes it cannot follow", () => {
    assert.equal(isCertainlyFreeOfTraceWarnings(Uint8Array.of(0x12, 5, 0x0a)), false);
    assert.equal(isCertainlyFreeOfTraceWarnings(Uint8Array.of(0x12, 2, 0x0a, 0x80)), false);
  });
});
