import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { EventSchema, TraceSchema, type Event } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { traceWarnings } from "./trace-warnings.js";

function read(seconds: number, nanos = 0): Event {
  return create(EventSchema, {
    timestamp: { seconds: BigInt(seconds), nanos },
    eventSelector: { case: "read", value: { data: new Uint8Array([1]) } },
  });
}

function write(seconds: number, endStream = false): Event {
  return create(EventSchema, {
    timestamp: { seconds: BigInt(seconds), nanos: 0 },
    eventSelector: { case: "write", value: { data: new Uint8Array([2]), endStream } },
  });
}

suite("traceWarnings()", () => {
  test("finds nothing in a trace in socket order", () => {
    const trace = create(TraceSchema, { events: [read(1), write(1), read(2, 5), write(3, true), read(4)] });
    assert.deepEqual(traceWarnings(trace), []);
  });

  test("reports trace.timestamp_order on an event earlier than the latest before it", () => {
    const trace = create(TraceSchema, { events: [read(10, 500), read(12), read(11), read(13)] });
    assert.deepEqual(traceWarnings(trace), [
      {
        path: "events[2].timestamp",
        ruleId: "trace.timestamp_order",
        message:
          "timestamp 1970-01-01T00:00:11Z is earlier than 1970-01-01T00:00:12Z of events[1]; events of a trace are in socket order",
        value: "1970-01-01T00:00:11Z",
      },
    ]);
  });

  test("compares nanoseconds within one second and skips events without a timestamp", () => {
    const noTimestamp = create(EventSchema, { eventSelector: { case: "read", value: {} } });
    const trace = create(TraceSchema, { events: [read(5, 9), noTimestamp, read(5, 8)] });
    assert.deepEqual(
      traceWarnings(trace).map((w) => [w.path, w.ruleId]),
      [["events[2].timestamp", "trace.timestamp_order"]],
    );
  });

  test("reports trace.write_after_end_stream on every write after end_stream, not on reads", () => {
    const trace = create(TraceSchema, { events: [write(1), write(2, true), read(3), write(4), write(5, true)] });
    assert.deepEqual(traceWarnings(trace), [
      { path: "events[3].write", ruleId: "trace.write_after_end_stream", message: "write after events[1] ended the stream (end_stream: true)" },
      { path: "events[4].write", ruleId: "trace.write_after_end_stream", message: "write after events[1] ended the stream (end_stream: true)" },
    ]);
  });

  test("prints timestamps as proto3 JSON does, as every violation message", () => {
    const at = create(EventSchema, {
      timestamp: timestampFromDate(new Date("2018-05-01T20:41:33.216Z")),
      eventSelector: { case: "read", value: {} },
    });
    const trace = create(TraceSchema, { events: [at, read(0)] });
    assert.match(traceWarnings(trace)[0]!.message, /than 2018-05-01T20:41:33\.216Z of events\[0\]/);
  });
});
